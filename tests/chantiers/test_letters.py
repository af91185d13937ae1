"""Phases of works and letters: written, previewed, published once to every buyer."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from chantiers.models import DefaultPhaseName, Letter, LetterMessage, Phase
from chantiers.services.phases import phase_add, phases_create_default
from chantiers.services.publishing import letter_publish
from tests import factories
from tests.chantiers.conftest import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def test_a_programme_gets_the_four_essential_phases_once(programme_a):
    assert phases_create_default(programme=programme_a) == 4
    assert phases_create_default(programme=programme_a) == 0

    assert list(Phase.objects.filter(programme=programme_a).values_list("name", flat=True)) == [
        "Ouverture du chantier", "Hors d'eau, hors d'air", "Cloisons et équipements",
        "Achèvement et livraison",
    ]  # fmt: skip


def test_the_cooperative_names_its_essential_phases_its_own_way(coop_a, programme_a):
    DefaultPhaseName.objects.create(cooperative=coop_a, position=2, name="Clos et couvert")

    phases_create_default(programme=programme_a)

    assert Phase.objects.get(programme=programme_a, position=2).name == "Clos et couvert"


def test_an_added_phase_comes_after_the_essential_ones(programme_a):
    phase = phase_add(programme=programme_a, name="Réunion de chantier")

    assert phase.position == 5
    assert not phase.is_essential


def _buyers(programme, n, **kwargs):
    return [
        factories.BuyerFactory(lot=factories.LotFactory(programme=programme), **kwargs)
        for _ in range(n)
    ]


def test_publishing_e_mails_every_buyer_of_the_programme_with_an_address(
    draft, programme_a, staff_a, mailoutbox, django_capture_on_commit_callbacks
):
    buyers = _buyers(programme_a, 3)
    _buyers(programme_a, 1, email="")
    _buyers(factories.ProgrammeFactory(cooperative=programme_a.cooperative), 1)

    with django_capture_on_commit_callbacks(execute=True):
        planned = letter_publish(letter=draft, user=staff_a, now=timezone.now())

    assert planned == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(b.email for b in buyers)
    assert mailoutbox[0].subject == "Les Jardins de l'Ill : Le chantier est ouvert"
    assert "La grue est montée." in mailoutbox[0].body
    assert set(LetterMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_letter_published_twice_is_sent_once(
    draft, programme_a, staff_a, mailoutbox, django_capture_on_commit_callbacks
):
    _buyers(programme_a, 2)
    with django_capture_on_commit_callbacks(execute=True):
        letter_publish(letter=draft, user=staff_a, now=timezone.now())
        again = letter_publish(letter=Letter.objects.get(), user=staff_a, now=timezone.now())

    assert again is None
    assert len(mailoutbox) == 2
    assert LetterMessage.objects.count() == 2


def test_the_database_refuses_a_second_e_mail_of_a_letter_to_a_buyer(draft, buyer_a):
    from django.db import IntegrityError

    LetterMessage.objects.create(letter=draft, buyer=buyer_a)
    with pytest.raises(IntegrityError):
        LetterMessage.objects.create(letter=draft, buyer=buyer_a)


def test_the_e_mail_opens_the_letter_in_the_buyer_space(
    client, draft, programme_a, staff_a, mailoutbox, django_capture_on_commit_callbacks
):
    (buyer,) = _buyers(programme_a, 1)
    with django_capture_on_commit_callbacks(execute=True):
        letter_publish(letter=draft, user=staff_a, now=timezone.now())
    link = re.search(r"http://[^/\s]+(/mon-espace/lien/\S+/)", mailoutbox[0].body).group(1)

    assert client.get(link).status_code == 200  # a button: a mail scanner changes nothing
    opened = client.post(link)

    assert opened["Location"] == reverse("espace_letter", args=[draft.pk])
    page = client.get(opened["Location"]).content.decode()
    assert "Le chantier est ouvert" in page
    assert "La grue au-dessus du terrain" in page


def test_staff_write_preview_and_publish_a_letter_in_the_browser_pages(
    client, staff_a, programme_a, mailoutbox, django_capture_on_commit_callbacks
):
    _buyers(programme_a, 2)
    client.force_login(staff_a)
    client.post(reverse("phases_create", args=[programme_a.pk]))
    phase = Phase.objects.get(programme=programme_a, position=1)
    client.post(reverse("phase_edit", args=[phase.pk]), {
        "name": phase.name, "planned_date": "2026-03-01", "actual_date": "2026-03-09",
    })  # fmt: skip

    response = client.post(reverse("letter_new", args=[phase.pk]), {
        "title": "Premier coup de pelle", "text": "Le chantier démarre. <script>x()</script>",
        "photo_1": upload("grue.png", png_bytes(), "image/png"), "alt_1": "La grue",
        "pdf": upload("planning.pdf", pdf_bytes(), "application/pdf"),
    })  # fmt: skip
    letter = Letter.objects.get()
    assert response["Location"] == reverse("letter_detail", args=[letter.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "Aperçu de la lettre" in preview
    assert "à 2 acquéreurs" in preview
    assert "<script>x()" not in preview
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        published = client.post(reverse("letter_publish", args=[letter.pk]), follow=True)

    assert "Lettre publiée : envoi par e-mail à 2 acquéreurs." in published.content.decode()
    assert len(mailoutbox) == 2
    assert Phase.objects.get(pk=phase.pk).actual_date.isoformat() == "2026-03-09"


def test_a_letter_form_refuses_a_photo_without_description_and_a_fake_pdf(client, staff_a, phases):
    client.force_login(staff_a)

    response = client.post(reverse("letter_new", args=[phases[0].pk]), {
        "title": "T", "text": "x", "photo_1": upload("a.png", png_bytes(), "image/png"),
        "pdf": upload("a.pdf", b"MZ not a pdf", "application/pdf"),
    })  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert "Décrivez la photo en quelques mots." in page
    assert "Le document joint doit être un PDF." in page
    assert Letter.objects.count() == 0


def test_the_letter_form_names_the_allowed_tags_without_rendering_them(client, staff_a, phases):
    client.force_login(staff_a)

    page = client.get(reverse("letter_new", args=[phases[0].pk])).content.decode()

    assert "listes &lt;ul&gt;/&lt;ol&gt; et &lt;li&gt;, intertitre &lt;h3&gt;" in page
    assert '<a href="">' not in page


def test_a_published_letter_cannot_be_edited(client, staff_a, draft, now):
    letter_publish(letter=draft, user=staff_a, now=now)
    client.force_login(staff_a)

    response = client.post(reverse("letter_edit", args=[draft.pk]), {"title": "Autre", "text": "y"})

    assert response["Location"] == reverse("letter_detail", args=[draft.pk])
    assert Letter.objects.get().title == "Le chantier est ouvert"


def test_staff_read_the_photo_and_the_pdf_privately(client, staff_a, draft):
    client.force_login(staff_a)

    photo = client.get(reverse("letter_photo", args=[draft.photos.get().pk]))
    pdf = client.get(reverse("letter_pdf", args=[draft.pk]))

    assert photo["Content-Type"] == "image/jpeg"
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "private, no-store"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_the_director_renames_the_essential_phases(client, director_a, coop_a):
    client.force_login(director_a)

    client.post(reverse("phase_names"), {
        "name_1": "Démarrage", "name_2": "Hors d'eau", "name_3": "Cloisons", "name_4": "Fin",
    })  # fmt: skip

    assert list(DefaultPhaseName.objects.order_by("position").values_list("name", flat=True)) == [
        "Démarrage", "Hors d'eau", "Cloisons", "Fin",
    ]  # fmt: skip
