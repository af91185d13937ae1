"""The works of the demo's programmes: the four essential phases of each, with their letters.

- Le Clos des Canuts (delivery in about 8 months): the site under way, two phases reached with
  their letters published, two to come; a document shared with one household.
- Résidence Belledonne and Les Jardins de l'Ill (delivered): every phase reached; Belledonne's
  letters all left within 30 days, the Jardins' third letter was late and its last was never
  written, so commitment 4's computed indicator has a history to show.

Past letters are recorded as sent on the day they were published (no e-mail leaves during the
seed). Idempotent: only what is missing is written.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from chantiers.content import photo_process
from chantiers.models import Letter, LetterMessage, Phase
from chantiers.services.letters import letter_save
from chantiers.services.phases import phases_create_default
from cooperatives.models import Buyer, Cooperative, Programme, User
from coopqualite.outbox.models import OutboxStatus
from engagements import periods
from engagements.models import Commitment, Indicator, Measurement
from engagements.services.measuring import measurement_compute
from espace.models import SharedDocument
from espace.services.documents import document_share

# Per programme: (days from the delivery to each phase's date, days from the phase to its letter
# or None when no letter was written). Negative: before the delivery.
WORKS = {
    "CDC": [(-540, 6), (-330, 12), (-120, None), (0, None)],
    "BEL": [(-660, 8), (-450, 14), (-240, 10), (0, 21)],
    "JDI": [(-700, 20), (-480, 9), (-260, 45), (0, None)],
}
LETTERS = [
    (
        "Le chantier est ouvert",
        "Les engins sont arrivés sur le terrain et les fondations "
        "commencent.\n\nVotre interlocuteur reste à votre écoute pour toute question.",
    ),
    (
        "Le bâtiment est hors d'eau, hors d'air",
        "La toiture est posée et les menuiseries "
        "extérieures sont en place : les travaux intérieurs peuvent commencer.",
    ),
    (
        "Cloisons et équipements",
        "Les cloisons sont montées ; les électriciens et les plombiers "
        "équipent les logements.\n\nUne visite du chantier vous sera proposée.",
    ),
    (
        "Achèvement des travaux",
        "Les finitions s'achèvent : la livraison de votre logement "
        "approche. Nous vous confirmerons le jour de la remise des clés.",
    ),
]


def _photo(text: str, color: tuple[int, int, int]):
    image = Image.new("RGB", (1200, 800), color)
    ImageDraw.Draw(image).text((40, 40), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return photo_process(io.BytesIO(out.getvalue()))


def _pdf() -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile("plan-du-logement.pdf", out.getvalue(), "application/pdf")


def _delivery(programme: Programme, reference: dt.date) -> dt.date:
    """The programme's delivery day: its buyers' latest, else (on site) the month announced."""
    buyers = Buyer.objects.filter(lot__programme=programme)
    days = [d for d in buyers.values_list("delivery_date", flat=True) if d] or [
        m for m in buyers.values_list("delivery_month_announced", flat=True) if m
    ]
    return max(days) if days else reference + dt.timedelta(days=240)


def _publish(letter: Letter, moment: dt.datetime, user: User) -> None:
    """A past letter: published then, its e-mails recorded as sent then."""
    Letter.objects.filter(pk=letter.pk).update(published_at=moment, published_by=user)
    buyers = Buyer.objects.filter(lot__programme_id=letter.phase.programme_id).exclude(email="")
    LetterMessage.objects.bulk_create(
        [
            LetterMessage(
                letter=letter,
                buyer_id=pk,
                status=OutboxStatus.SENT,
                attempts=1,
                sent_at=moment,
                claimed_at=moment,
                first_attempt_at=moment,
            )
            for pk in buyers.values_list("pk", flat=True)
        ],  # fmt: skip
        ignore_conflicts=True,
    )


def chantiers_seed(*, cooperative: Cooperative, staff: User, reference: dt.date) -> None:
    for code, steps in WORKS.items():
        programme = Programme.objects.for_cooperative(cooperative).filter(code=code).first()
        if programme is None:
            continue
        phases_create_default(programme=programme)
        delivery = _delivery(programme, reference)
        phases = Phase.objects.filter(programme=programme).order_by("position")
        for phase, (offset, letter_after), (title, text) in zip(
            phases, steps, LETTERS, strict=False
        ):
            day = delivery + dt.timedelta(days=offset)
            phase.planned_date = phase.planned_date or day - dt.timedelta(days=7)
            phase.actual_date = day if day <= reference else None
            phase.save()
            if letter_after is None or phase.letters.exists():
                continue
            published = day + dt.timedelta(days=letter_after)
            if published > reference:
                continue
            photos = [
                (
                    _photo(f"{programme.name} - {phase.name}", (29, 79, 145)),
                    f"{phase.name} : vue du chantier",
                )
            ]
            letter = letter_save(phase=phase, user=staff, title=title, text=text, photos=photos)
            moment = dt.datetime.combine(published, dt.time(10, 0), tzinfo=dt.UTC)
            _publish(letter, moment, staff)
    _document_seed(cooperative=cooperative, staff=staff)
    _indicator_seed(cooperative=cooperative, reference=reference)


def demo_space_buyer(cooperative: Cooperative | None = None) -> Buyer | None:
    """The household whose space the seed shows: the first buyer of the site under way."""
    buyers = Buyer.objects.filter(lot__programme__code="CDC").exclude(email="")
    if cooperative is not None:
        buyers = buyers.filter(lot__programme__cooperative=cooperative)
    return buyers.filter(~Q(delivery_month_announced=None)).order_by("lot__code").first() or (
        buyers.order_by("lot__code").first()
    )


def _document_seed(*, cooperative: Cooperative, staff: User) -> None:
    buyer = demo_space_buyer(cooperative)
    if buyer is None or SharedDocument.objects.filter(buyer=buyer).exists():
        return
    document_share(
        buyer=buyer, user=staff, title="Plan de votre logement", upload=_pdf(),
        content_type="application/pdf", now=timezone.now(),
    )  # fmt: skip


def _indicator_seed(*, cooperative: Cooperative, reference: dt.date) -> None:
    """Commitment 4's indicator, computed from the letters, with three years of history."""
    commitment = Commitment.objects.for_cooperative(cooperative).filter(charter_number=4).first()
    indicator = Indicator.objects.filter(
        commitment=commitment, source=Indicator.Source.JOURNEY, journey_metric="letters_at_phases"
    ).first()
    if indicator is None:
        return
    for start in periods.last_starts(indicator.period, 13, reference)[:-1]:
        if not Measurement.objects.filter(indicator=indicator, period_start=start).exists():
            measurement_compute(indicator=indicator, period_start=start)
