from django.core.management.base import BaseCommand

from coopqualite.formats import format_count
from coopqualite.outbox.services import sending
from coopqualite.outbox.services.dispatch import outbox_dispatch

SWEPT = "envoi interrompu marqué incertain"
SWEPT_PLURAL = "envois interrompus marqués incertains"


class Command(BaseCommand):
    help = (
        "Marque les envois interrompus et met en file les e-mails à envoyer, de toute sorte "
        "(le même travail que la tâche périodique de la boîte d'envoi)."
    )

    def handle(self, *args, **options):
        result = outbox_dispatch(now=sending.now())
        self.stdout.write(
            f"{format_count(result.swept, SWEPT, SWEPT_PLURAL)}, "
            f"{format_count(result.queued, 'e-mail mis', 'e-mails mis')} en file d'envoi."
        )
