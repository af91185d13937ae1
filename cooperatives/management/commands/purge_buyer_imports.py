from django.core.management.base import BaseCommand
from django.utils import timezone

from cooperatives.services.buyer_import import buyer_imports_purge
from coopqualite.formats import format_count


class Command(BaseCommand):
    help = (
        "Efface les fichiers d'acquéreurs vérifiés mais non importés depuis un jour (le même "
        "travail que la tâche périodique)."
    )

    def handle(self, *args, **options):
        deleted = buyer_imports_purge(now=timezone.now())
        self.stdout.write(f"{format_count(deleted, 'fichier effacé', 'fichiers effacés')}.")
