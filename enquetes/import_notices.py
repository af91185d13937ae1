"""What a buyer file will do to the running key-step campaigns, said in its preview (the
interface is `cooperatives.import_notices`; `EnquetesConfig.ready` registers this provider).

A key-step campaign invites each buyer `days_after_step` days after the date of its step, from
its opening to its closing (`Campaign.key_step_dates`, the rule the dispatch follows): a file
that sets or changes that date for a buyer not yet invited invites them, at the next dispatch
(every 10 minutes) when the date is already due, later when it is to come.
"""

from __future__ import annotations

import datetime as dt

from cooperatives.import_notices import JourneyChange
from coopqualite.formats import format_count, format_number
from enquetes.models import Campaign, Invitation, KeyStep, SurveyKind


class KeyStepImportNotices:
    def buyer_import_notices(
        self, *, cooperative_id: int, changes: list[JourneyChange], today: dt.date
    ) -> list[str]:
        campaigns = Campaign.objects.for_cooperative(cooperative_id).filter(
            kind=SurveyKind.KEY_STEP,
            key_step__in=KeyStep.dated(),
            launched_at__isnull=False,
            closes_on__gte=today,
        )
        known = [change.buyer_id for change in changes if change.buyer_id is not None]
        notices = []
        for campaign in campaigns.order_by("opens_on", "pk"):
            invited = set(
                Invitation.objects.filter(campaign=campaign, buyer_id__in=known).values_list(
                    "buyer_id", flat=True
                )
            )
            now, later = self._count(campaign, changes, invited, today)
            if now or later:
                notices.append(self._sentence(campaign, now, later, today))
        return notices

    @staticmethod
    def _count(
        campaign: Campaign, changes: list[JourneyChange], invited: set[int], today: dt.date
    ) -> tuple[int, int]:
        step = KeyStep(campaign.key_step)
        programmes = set(campaign.population.get("programmes") or [])
        first, due = campaign.key_step_dates(today)
        _, last = campaign.key_step_dates(campaign.closes_on)
        now = later = 0
        for change in changes:
            day = change.dates.get(step.buyer_date_field)
            if day is None or change.buyer_id in invited:
                continue
            if programmes and change.programme_id not in programmes:
                continue
            if first <= day <= due:
                now += 1
            elif due < day <= last and first <= day:
                later += 1
        return now, later

    @staticmethod
    def _sentence(campaign: Campaign, now: int, later: int, today: dt.date) -> str:
        total = format_count(now + later, "acquéreur de ce fichier", "acquéreurs de ce fichier")
        parts = []
        if now:
            parts.append(f"{format_number(now)} dès le prochain envoi")
        if later:
            delay = format_count(campaign.days_after_step, "jour", "jours")
            parts.append(f"{format_number(later)} plus tard, {delay} après la date de l'étape")
        status = Campaign.Status(campaign.status(today)).label.lower()
        return (
            f"La campagne d'étape « {campaign.name} » ({status}, "
            f"{KeyStep(campaign.key_step).label.lower()}) invitera {total} : "
            + ", ".join(parts)
            + "."
        )
