"""After-sales in the buyer's space: a claim filed with photos (content-sniffed, resized), the
household's claims and their timeline, the answer after the intervention; another buyer reaches
none of them."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from chantiers.content import photo_process
from sav.models import Claim, ClaimPhoto
from sav.services import claims
from tests import factories
from tests.espace.conftest import signed_in
from tests.sav.conftest import at

pytestmark = pytest.mark.django_db


def _jpeg(width=3000, height=2000) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def _file_from_space(client, **extra):
    data = {"room": "Salle de bains", "category": "plumbing", "description": "Le siphon fuit."}
    return client.post(reverse("espace_claim_new"), {**data, **extra})


def test_a_buyer_files_a_claim_with_photos_resized_and_is_acknowledged(
    client, delivered_buyer, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in(client, delivered_buyer)

    with django_capture_on_commit_callbacks(execute=True):
        response = _file_from_space(client, photos=[_jpeg(), _jpeg(800, 600)])

    claim = Claim.objects.get()
    assert response["Location"] == reverse("espace_claim", args=[claim.pk])
    assert (claim.channel, claim.buyer, claim.status) == ("space", delivered_buyer, "acknowledged")
    assert sorted(ClaimPhoto.objects.values_list("width", "height")) == [(800, 600), (1600, 1067)]
    assert mailoutbox[0].to == ["amelie.girard@exemple.fr"]


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(client, delivered_buyer):
    signed_in(client, delivered_buyer)
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")

    response = _file_from_space(client, photos=[fake])

    assert "Une photo doit être une image JPEG, PNG ou WebP." in response.content.decode()
    assert Claim.objects.count() == 0


def test_six_photos_are_refused(client, delivered_buyer):
    signed_in(client, delivered_buyer)

    response = _file_from_space(client, photos=[_jpeg(40, 40) for _ in range(6)])

    assert "5 photos au plus." in response.content.decode()


def test_the_buyer_sees_the_guarantee_and_the_timeline_of_their_claim(client, delivered_buyer):
    claim = claims.claim_file(
        lot=delivered_buyer.lot, buyer=delivered_buyer, channel="phone", category="finishes",
        description="Fissure", now=at(2026, 9, 1),
    )  # fmt: skip
    signed_in(client, delivered_buyer)

    body = client.get(reverse("espace_claim", args=[claim.pk])).content.decode()

    assert "Relève de la garantie de parfait achèvement jusqu’au 2 avril 2027." in body or (
        "parfait achèvement jusqu&#x27;au 2 avril 2027" in body
    )
    assert "Accusé de réception — 1er septembre 2026" in body


def test_the_buyer_confirms_the_lifting_after_the_intervention(
    client, delivered_buyer, staff_a, company_a
):
    claim = claims.claim_file(
        lot=delivered_buyer.lot, buyer=delivered_buyer, channel="space", category="plumbing",
        description="Fuite", now=at(2026, 7, 10),
    )  # fmt: skip
    claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 7, 13))
    claims.claim_assign(claim=claim, company=company_a, intervention_on=dt.date(2026, 7, 20),
                        user=staff_a, now=at(2026, 7, 13))  # fmt: skip
    claims.claim_mark_done(claim=claim, now=at(2026, 7, 20))
    signed_in(client, delivered_buyer)

    client.post(reverse("espace_claim_answer", args=[claim.pk, "levee"]), {"comment": "Merci"})

    claim.refresh_from_db()
    assert claim.status == Claim.Status.LIFTED
    assert claim.events.last().actor == "buyer"


def test_another_buyer_reaches_none_of_the_claim_s_pages(
    client, delivered_buyer, programme_a, coop_b
):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "JPEG")
    claim = claims.claim_file(
        lot=delivered_buyer.lot, buyer=delivered_buyer, channel="space", category="plumbing",
        description="Fuite-Secrète", now=at(2026, 7, 10),
        photos=[photo_process(io.BytesIO(out.getvalue()))],
    )  # fmt: skip
    photo = claim.photos.get()
    for programme in (programme_a, factories.ProgrammeFactory(cooperative=coop_b)):
        outsider = factories.BuyerFactory(lot=factories.LotFactory(programme=programme))
        signed_in(client, outsider)

        statuses = [
            client.get(reverse("espace_claim", args=[claim.pk])).status_code,
            client.get(reverse("espace_claim_photo", args=[photo.pk])).status_code,
            client.post(reverse("espace_claim_answer", args=[claim.pk, "levee"])).status_code,
        ]
        listing = client.get(reverse("espace_claims")).content.decode()

        assert statuses == [404, 404, 404]
        assert "Fuite-Secrète" not in listing and claim.reference not in listing
