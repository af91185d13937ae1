from django.core.management.base import BaseCommand
from django.utils import timezone

from coopqualite.formats import format_count
from enquetes.services.exporting import exports_purge


class Command(BaseCommand):
    help = (
        "Efface les exports de réponses construits depuis plus d'un jour, fichiers compris (le "
        "même travail que la tâche périodique)."
    )

    def handle(self, *args, **options):
        deleted = exports_purge(now=timezone.now())
        self.stdout.write(f"{format_count(deleted, 'export effacé', 'exports effacés')}.")
