from django.core.management.base import BaseCommand
from django.utils import timezone

from coopqualite.formats import format_count
from coopqualite.outbox.management.commands.dispatch_outbox import SWEPT, SWEPT_PLURAL
from enquetes.services.dispatch import surveys_dispatch


class Command(BaseCommand):
    help = (
        "Invite les acquéreurs arrivés à une étape clé, planifie invitations et relances, "
        "marque les envois interrompus et met en file les e-mails à envoyer (le même travail "
        "que la tâche périodique)."
    )

    def handle(self, *args, **options):
        result = surveys_dispatch(now=timezone.now())
        self.stdout.write(
            f"{format_count(result.invited, 'acquéreur invité', 'acquéreurs invités')}, "
            f"{format_count(result.planned, 'e-mail planifié', 'e-mails planifiés')}, "
            f"{format_count(result.swept, SWEPT, SWEPT_PLURAL)}, "
            f"{format_count(result.queued, 'e-mail mis', 'e-mails mis')} en file d'envoi."
        )
