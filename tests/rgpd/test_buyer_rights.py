"""One buyer's rights: a copy of everything held about them (machine-readable and a PDF), erasure
on request keeping the figures, and the record of every export of buyers' personal data."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatives.models import Buyer
from coopqualite.models import PersonalDataExport
from enquetes.models import Answer, Invitation, Question, Response
from enquetes.selectors import campaign_results
from sav.services.callbacks import callback_record
from tests import factories
from tests.enquetes.exports import export_asked
from tests.enquetes.factories import campaign_create
from tests.sav.factories import callback_create


@pytest.fixture
def buyer(programme_a):
    buyer = factories.BuyerFactory(
        lot=factories.LotFactory(programme=programme_a), last_name="Dupont-Secret",
        first_name="Léa", email="lea.dupont@exemple.fr", phone="0611223344",
    )  # fmt: skip
    buyer.phone = "0699887766"  # an older phone number stays in the history
    buyer.save()
    buyer.phone = "0611223344"
    buyer.save()
    return buyer


@pytest.fixture
def answered(coop_a, buyer, programme_a):
    """A nominative campaign the buyer answered."""
    campaign = campaign_create(
        cooperative=coop_a, anonymous=False, launched_at=timezone.now(), name="Après livraison"
    )
    invitation = Invitation.objects.create(
        campaign=campaign, buyer=buyer, programme=programme_a, last_name=buyer.last_name,
        first_name=buyer.first_name, email=buyer.email, expires_at=campaign.closes_at,
        answered_at=timezone.now(),
    )  # fmt: skip
    response = Response.objects.create(
        campaign=campaign, invitation=invitation, programme=programme_a, completed=True,
        submitted_on=timezone.localdate(),
    )  # fmt: skip
    question = Question.objects.get(questionnaire=campaign.questionnaire, key="commentaire")
    Answer.objects.create(response=response, question=question, text="Très bon suivi.")
    return campaign


def exported(client, buyer) -> zipfile.ZipFile:
    response = client.post(reverse("buyer_data_export", args=[buyer.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_export_holds_the_buyer_their_history_and_their_answers(
    client, staff_a, buyer, answered
):
    client.force_login(staff_a)

    archive = exported(client, buyer)

    data = json.loads(archive.read("donnees.json"))
    assert data["acquereur"][0]["nom"] == "Dupont-Secret"
    assert data["acquereur"][0]["e-mail"] == "lea.dupont@exemple.fr"
    assert "0699887766" in {row["téléphone"] for row in data["historique"]}
    assert data["invitations"][0]["enquête"] == "Après livraison"
    assert data["reponses"] == [
        {"enquête": "Après livraison", "question": data["reponses"][0]["question"],
         "réponse": "Très bon suivi."}
    ]  # fmt: skip
    assert archive.read("acquereur.csv").decode("utf-8-sig").startswith("nom;prénom;e-mail")
    assert archive.read("donnees.pdf").startswith(b"%PDF")


def test_the_export_holds_the_call_backs_after_the_buyers_answers(client, staff_a, buyer):
    callback = callback_create(buyer, due=dt.date(2026, 7, 17), reasons="Recommandation 2/10")
    callback_record(callback=callback, outcome="solved", note="Rassurée.", user=staff_a,
                    now=timezone.now())  # fmt: skip
    client.force_login(staff_a)

    rows = json.loads(exported(client, buyer).read("donnees.json"))["rappels"]

    assert [
        (r["motifs"], r["à rappeler avant le"], r["issue"], r["compte rendu"]) for r in rows
    ] == [("Recommandation 2/10", "17 juillet 2026", "Joint, problème résolu", "Rassurée.")]


def test_an_export_of_a_buyer_is_recorded_for_the_director(client, staff_a, director_a, buyer):
    client.force_login(staff_a)
    exported(client, buyer)

    client.force_login(director_a)
    page = client.get(reverse("privacy_exports")).content.decode()

    record = PersonalDataExport.objects.get()
    assert (record.user, record.what) == (staff_a, f"Données d'un acquéreur (n° {buyer.pk})")
    assert f"Données d&#x27;un acquéreur (n° {buyer.pk})" in page
    assert "Dupont-Secret" not in page


def test_erasure_keeps_the_results_and_leaves_the_person_unfindable(
    client, director_a, buyer, answered
):
    before = campaign_results(answered)
    client.force_login(director_a)

    response = client.post(reverse("buyer_data_erase", args=[buyer.pk]))

    assert response.status_code == 302
    assert campaign_results(answered) == before
    for lookup in (
        {"last_name": "Dupont-Secret"}, {"first_name": "Léa"},
        {"email": "lea.dupont@exemple.fr"}, {"phone": "0611223344"}, {"phone": "0699887766"},
    ):  # fmt: skip
        assert not Buyer.objects.filter(**lookup).exists(), lookup
        assert not Buyer.history.filter(**lookup).exists(), lookup
        assert not Invitation.objects.filter(**lookup).exists(), lookup
    assert Answer.objects.filter(text="Très bon suivi.").count() == 1
    assert PersonalDataExport.objects.get().what == (
        f"Effacement d'un acquéreur à sa demande (n° {buyer.pk})"
    )


def test_only_the_director_erases(client, staff_a, buyer):
    client.force_login(staff_a)

    assert client.post(reverse("buyer_data_erase", args=[buyer.pk])).status_code == 403
    assert Buyer.objects.get(pk=buyer.pk).last_name == "Dupont-Secret"


def test_a_nominative_results_export_is_recorded_and_an_anonymous_one_is_not(
    client, staff_a, coop_a, answered
):
    anonymous = campaign_create(cooperative=coop_a, anonymous=True, launched_at=timezone.now())
    client.force_login(staff_a)

    client.get(reverse("campaign_export_csv", args=[answered.pk]))
    export_asked(client, answered, "xlsx")
    client.get(reverse("campaign_export_csv", args=[anonymous.pk]))

    assert list(PersonalDataExport.objects.order_by("pk").values_list("what", flat=True)) == [
        "Réponses de l'enquête « Après livraison » (CSV)",
        "Réponses de l'enquête « Après livraison » (XLSX)",
    ]


def test_the_register_counts_what_the_portal_holds(client, director_a, buyer, answered):
    client.force_login(director_a)

    page = client.get(reverse("privacy_register")).content.decode()

    assert "Suivi des acquéreurs" in page
    assert "1 invitation" in page
    assert "5 ans après la fin de la dernière garantie" in page
