from django.core.management.base import BaseCommand
from django.utils import timezone

from coopqualite.formats import format_count
from sav.services.daily import sav_daily


class Command(BaseCommand):
    help = (
        "Lève les réclamations restées sans réponse de l'acquéreur après l'intervention, puis "
        "envoie le récapitulatif du jour à chaque responsable de dossiers en retard ou dus "
        "aujourd'hui (le même travail que la tâche périodique)."
    )

    def handle(self, *args, **options):
        result = sav_daily(now=timezone.now())
        self.stdout.write(
            f"{format_count(result.lifted, 'réclamation levée', 'réclamations levées')}, "
            f"{format_count(result.digests, 'récapitulatif mis', 'récapitulatifs mis')} "
            "en file d'envoi."
        )
