"""Construction letters in the buyer's space: past ones included, other programmes' never."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from chantiers.content import photo_process
from chantiers.models import Phase
from chantiers.services.letters import letter_save
from chantiers.services.phases import phases_create_default
from chantiers.services.publishing import letter_publish
from tests import factories
from tests.chantiers.conftest import pdf_bytes, png_bytes, upload
from tests.espace.conftest import signed_in

pytestmark = pytest.mark.django_db


def _letter(programme, user, title, *, publish=True):
    phases_create_default(programme=programme)
    letter = letter_save(
        phase=Phase.objects.get(programme=programme, position=1), user=user, title=title,
        text="Texte", pdf=upload("plan.pdf", pdf_bytes(), "application/pdf"),
        photos=[(photo_process(io.BytesIO(png_bytes((40, 30)))), "Vue du chantier")],
    )  # fmt: skip
    if publish:
        letter_publish(letter=letter, user=user, now=timezone.now())
    return letter


def test_a_buyer_who_joins_later_reads_the_letters_published_before(client, programme_a, staff_a):
    letter = _letter(programme_a, staff_a, "Ouverture du chantier")
    newcomer = factories.BuyerFactory(lot=factories.LotFactory(programme=programme_a))
    signed_in(client, newcomer)

    page = client.get(reverse("espace_letters")).content.decode()

    assert "Ouverture du chantier" in page
    assert client.get(reverse("espace_letter", args=[letter.pk])).status_code == 200


def test_a_draft_letter_is_not_in_the_space(client, programme_a, staff_a, buyer):
    letter = _letter(programme_a, staff_a, "Brouillon", publish=False)
    signed_in(client, buyer)

    assert "Brouillon" not in client.get(reverse("espace_letters")).content.decode()
    assert client.get(reverse("espace_letter", args=[letter.pk])).status_code == 404
    assert client.get(reverse("espace_letter_pdf", args=[letter.pk])).status_code == 404


def test_a_buyer_of_another_programme_or_cooperative_reaches_none_of_its_files(
    client, programme_a, staff_a, coop_b
):
    letter = _letter(programme_a, staff_a, "Ouverture du chantier")
    photo = letter.photos.get()
    other_programme = factories.BuyerFactory(
        lot=factories.LotFactory(
            programme=factories.ProgrammeFactory(cooperative=programme_a.cooperative)
        )
    )
    other_coop = factories.BuyerFactory(
        lot=factories.LotFactory(programme=factories.ProgrammeFactory(cooperative=coop_b))
    )

    statuses = []
    for outsider in (other_programme, other_coop):
        client.cookies.clear()
        signed_in(client, outsider)
        statuses += [
            client.get(reverse("espace_letter", args=[letter.pk])).status_code,
            client.get(reverse("espace_letter_pdf", args=[letter.pk])).status_code,
            client.get(reverse("espace_letter_photo", args=[photo.pk])).status_code,
        ]
        assert "Ouverture du chantier" not in client.get(reverse("espace_letters")).content.decode()

    assert statuses == [404] * 6


def test_the_buyer_reads_the_photo_and_the_pdf_privately(client, programme_a, staff_a, buyer):
    letter = _letter(programme_a, staff_a, "Ouverture du chantier")
    signed_in(client, buyer)

    photo = client.get(reverse("espace_letter_photo", args=[letter.photos.get().pk]))
    pdf = client.get(reverse("espace_letter_pdf", args=[letter.pk]))

    assert photo["Content-Type"] == "image/jpeg"
    assert "no-store" in pdf["Cache-Control"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_a_survey_e_mail_opens_the_buyer_s_space(client, coop_a, buyer):
    import re as regex

    from enquetes.emails import survey_invitation
    from tests.buyer.conftest import make_campaign, make_invitation

    email = survey_invitation(make_invitation(make_campaign(coop_a), buyer))
    link = regex.search(r"http://[^/\s]+(/mon-espace/lien/\S+/)", email.body).group(1)
    client.post(link)

    assert "Bonjour Léa" in client.get(reverse("espace_home")).content.decode()
