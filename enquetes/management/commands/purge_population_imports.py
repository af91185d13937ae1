from django.core.management.base import BaseCommand
from django.utils import timezone

from coopqualite.formats import format_count
from enquetes.services.importing import population_imports_purge


class Command(BaseCommand):
    help = (
        "Efface les fichiers de population vérifiés mais non importés depuis un jour (le même "
        "travail que la tâche périodique)."
    )

    def handle(self, *args, **options):
        deleted = population_imports_purge(now=timezone.now())
        self.stdout.write(f"{format_count(deleted, 'fichier effacé', 'fichiers effacés')}.")
