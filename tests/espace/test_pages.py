"""The pages of the buyer's space: what they show, their weight, their queries, and who reaches
what (another buyer of the same programme, of another programme, of another cooperative)."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chantiers.content import photo_process
from chantiers.models import Phase
from chantiers.services.letters import letter_save
from chantiers.services.phases import phases_create_default
from chantiers.services.publishing import letter_publish
from cooperatives.models import DeliveryAnnouncement, User
from espace.services.documents import document_share
from tests import factories
from tests.buyer.conftest import make_campaign, make_invitation
from tests.chantiers.conftest import pdf_bytes, png_bytes, upload
from tests.espace.conftest import signed_in

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)
PAGE_LIMIT = 60_000


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def _works(programme, staff):
    """Two phases done (with a letter each), one current, one next."""
    phases_create_default(programme=programme)
    phases = list(Phase.objects.filter(programme=programme).order_by("position"))
    dates = [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 9)), (dt.date(2026, 9, 1), dt.date(2026, 9, 15)),
        (dt.date(2027, 2, 1), None), (dt.date(2027, 6, 30), None),
    ]  # fmt: skip
    for phase, (planned, actual) in zip(phases, dates, strict=True):
        phase.planned_date, phase.actual_date = planned, actual
        phase.save()
    letters = []
    for phase, title in zip(phases[:2], ("Lettre-Ouverture", "Lettre-Hors-d-eau"), strict=False):
        letter = letter_save(
            phase=phase, user=staff, title=title, text="Texte",
            pdf=upload("plan.pdf", pdf_bytes(), "application/pdf"),
            photos=[(photo_process(io.BytesIO(png_bytes((40, 30)))), "Vue du chantier")],
        )  # fmt: skip
        letter_publish(letter=letter, user=staff, now=timezone.now())
        letters.append(letter)
    return letters


def _share(buyer, staff, title="Document-Plan"):
    return document_share(
        buyer=buyer, user=staff, title=title, content_type="application/pdf",
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"), now=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def space(household, programme_a, staff_a, coop_a):
    """Buyer Léa's household with works, letters, a delivery month announced twice, a survey
    waiting, a document shared with her partner."""
    lea, karim = household
    staff_a.first_name, staff_a.last_name, staff_a.email = "Julie", "Bernard", "j.bernard@coop-a.fr"
    staff_a.save()
    programme_a.interlocutor = staff_a
    programme_a.save()
    letters = _works(programme_a, staff_a)
    for month, on in (
        (dt.date(2027, 6, 1), dt.date(2026, 2, 1)),
        (dt.date(2027, 7, 1), dt.date(2026, 10, 1)),
    ):
        DeliveryAnnouncement.objects.create(buyer=lea, month=month, announced_on=on)
    campaign = make_campaign(coop_a)
    invitation = make_invitation(campaign, lea)
    document = _share(karim, staff_a)
    return {"buyer": lea, "letters": letters, "invitation": invitation, "document": document}


def test_the_home_page_shows_the_works_the_delivery_the_survey_and_the_interlocutor(client, space):
    signed_in(client, space["buyer"])

    page = client.get(reverse("espace_home")).content.decode()

    assert "Terminé le 9 mars 2026" in page
    assert "Terminé le 15 septembre 2026" in page
    assert 'aria-current="step"' in page
    assert "En cours, prévu pour le 1er février 2027" in page
    assert "Prochaine étape, prévue le 30 juin 2027" in page
    assert (
        "Livraison prévue en <strong>juillet 2027</strong> (annoncée le 1er octobre 2026)" in page
    )
    assert "juin 2027, annoncé le 1er février 2026" in page
    assert space["invitation"].token in page
    assert "Julie Bernard" in page
    assert "j.bernard@coop-a.fr" in page
    assert "Lettre-Hors-d-eau" in page
    assert "1 document partagé" in page


def test_a_household_member_reads_the_document_shared_with_the_other(client, space):
    signed_in(client, space["buyer"])

    listed = client.get(reverse("espace_documents")).content.decode()
    download = client.get(reverse("espace_document", args=[space["document"].pk]))

    assert "Document-Plan" in listed
    assert b"".join(download.streaming_content) == b"%PDF-1.4 plan"
    assert "no-store" in download["Cache-Control"]


def test_an_answered_survey_is_no_longer_waiting(client, space):
    space["invitation"].answered_at = timezone.now()
    space["invitation"].save()
    signed_in(client, space["buyer"])

    assert "Votre avis est attendu" not in client.get(reverse("espace_home")).content.decode()


def _space_urls(space) -> list[str]:
    letter = space["letters"][0]
    return [
        reverse("espace_home"), reverse("espace_letters"), reverse("espace_documents"),
        reverse("espace_letter", args=[letter.pk]),
        reverse("espace_letter_pdf", args=[letter.pk]),
        reverse("espace_letter_photo", args=[letter.photos.get().pk]),
        reverse("espace_document", args=[space["document"].pk]),
    ]  # fmt: skip


def test_every_page_of_the_space_weighs_less_than_60_kb(client, space):
    signed_in(client, space["buyer"])

    weights = {url: len(client.get(url).content) for url in _space_urls(space)[:4]}

    assert {url: n for url, n in weights.items() if n >= PAGE_LIMIT} == {}


@pytest.mark.parametrize(
    "outsider_kind", ["same_programme", "other_programme", "other_cooperative"]
)
def test_another_buyer_reaches_none_of_the_household_s_records(
    client, space, programme_a, coop_b, outsider_kind
):
    programme = {
        "same_programme": programme_a,
        "other_programme": factories.ProgrammeFactory(cooperative=programme_a.cooperative),
        "other_cooperative": factories.ProgrammeFactory(cooperative=coop_b),
    }[outsider_kind]
    outsider = factories.BuyerFactory(lot=factories.LotFactory(programme=programme))
    signed_in(client, outsider)
    letter_ids = _space_urls(space)[3:6]

    statuses = {url: client.get(url).status_code for url in _space_urls(space)}
    pages = "".join(client.get(url).content.decode() for url in _space_urls(space)[:3])

    expected_letters = 200 if outsider_kind == "same_programme" else 404
    assert {url: s for url, s in statuses.items() if url in letter_ids} == dict.fromkeys(
        letter_ids, expected_letters
    )
    assert statuses[_space_urls(space)[6]] == 404  # the household's document
    assert "Document-Plan" not in pages
    assert "juillet 2027" not in pages
    assert space["invitation"].token not in pages


def _home_queries(client, buyer) -> int:
    signed_in(client, buyer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("espace_home")).status_code == 200
    return len(queries)


def test_the_home_page_runs_the_same_queries_for_1_and_10_records_of_each_kind(
    client, programme_a, staff_a, coop_a
):
    counts = []
    for n in (1, 10):
        programme = factories.ProgrammeFactory(cooperative=coop_a)
        buyer = factories.BuyerFactory(lot=factories.LotFactory(programme=programme))
        for k in range(n):
            phase = Phase.objects.create(
                programme=programme, position=k + 1, name=f"É{k}", actual_date=TODAY
            )
            letter = letter_save(phase=phase, user=staff_a, title=f"L{k}", text="x")
            letter_publish(letter=letter, user=staff_a, now=timezone.now())
            DeliveryAnnouncement.objects.create(
                buyer=buyer,
                month=dt.date(2027, 1 + k, 1),
                announced_on=TODAY - dt.timedelta(days=k),
            )
            _share(buyer, staff_a, title=f"D{k}")
            make_invitation(make_campaign(coop_a), buyer)
        counts.append(_home_queries(client, buyer))

    assert counts == [2, 2]  # the session, then the home's rows (espace.statements)


@pytest.mark.parametrize("url_name", ["espace_letters", "espace_documents"])
def test_the_list_pages_run_the_same_queries_for_1_and_10_records(
    client, coop_a, staff_a, url_name
):
    counts = []
    for n in (1, 10):
        programme = factories.ProgrammeFactory(cooperative=coop_a)
        buyer = factories.BuyerFactory(lot=factories.LotFactory(programme=programme))
        phase = Phase.objects.create(programme=programme, position=1, name="É")
        for k in range(n):
            letter = letter_save(
                phase=phase, user=staff_a, title=f"L{k}", text="x",
                photos=[(photo_process(io.BytesIO(png_bytes((4, 3)))), "p")],
            )  # fmt: skip
            letter_publish(letter=letter, user=staff_a, now=timezone.now())
            _share(buyer, staff_a, title=f"D{k}")
        signed_in(client, buyer)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(url_name))
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_staff_share_a_document_and_a_disguised_file_is_refused(client, staff_a, buyer):
    client.force_login(staff_a)
    url = reverse("buyer_documents", args=[buyer.pk])

    refused = client.post(
        url, {"title": "Virus", "upload": upload("x.pdf", b"MZ\x90", "application/pdf")}
    )
    shared = client.post(
        url, {"title": "Plan du T3", "upload": upload("t3.pdf", pdf_bytes(), "application/pdf")}
    )

    assert "Ce type de fichier n&#x27;est pas accepté" in refused.content.decode()
    assert shared.status_code == 302
    assert "Plan du T3" in client.get(url).content.decode()


def test_the_board_cannot_share_a_document(client, board_a, buyer):
    client.force_login(board_a)

    response = client.post(reverse("buyer_documents", args=[buyer.pk]), {"title": "x"})

    assert response.status_code == 403
    assert User.objects.filter(pk=board_a.pk).exists()
