from django.core.management.base import BaseCommand
from django.utils import timezone

from coopqualite.formats import format_count
from enquetes.services.dispatch import surveys_dispatch


class Command(BaseCommand):
    help = (
        "Invite les acquéreurs arrivés à une étape clé, planifie invitations et relances, "
        "et met en file les e-mails à envoyer (le même travail que la tâche périodique)."
    )

    def handle(self, *args, **options):
        result = surveys_dispatch(now=timezone.now())
        self.stdout.write(
            f"{format_count(result.invited, 'acquéreur invité', 'acquéreurs invités')}, "
            f"{format_count(result.planned, 'e-mail planifié', 'e-mails planifiés')}, "
            f"{format_count(result.swept, 'envoi interrompu marqué', 'envois interrompus marqués')}"
            f" en échec, {format_count(result.queued, 'e-mail mis', 'e-mails mis')} en file "
            "d'envoi."
        )
