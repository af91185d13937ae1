from django.core.management.base import BaseCommand

from coopqualite.formats import format_count
from coopqualite.jobs.services import jobs_sweep, now


class Command(BaseCommand):
    help = (
        "Relance ou marque en échec les traitements en arrière-plan bloqués (le même travail "
        "que la tâche périodique)."
    )

    def handle(self, *args, **options):
        result = jobs_sweep(now=now())
        self.stdout.write(
            f"{format_count(result['requeued'], 'traitement relancé', 'traitements relancés')}, "
            f"{format_count(result['failed'], 'marqué en échec', 'marqués en échec')}."
        )
