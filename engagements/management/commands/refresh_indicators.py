from django.core.management.base import BaseCommand

from coopqualite.formats import format_count
from engagements.services.measuring import indicators_refresh


class Command(BaseCommand):
    help = "Recalcule les indicateurs calculés (parcours, enquêtes) des périodes récentes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--periods", type=int, default=2, help="Nombre de périodes recalculées (défaut : 2)."
        )

    def handle(self, *args, periods, **options):
        count = indicators_refresh(periods_back=periods)
        self.stdout.write(f"{format_count(count, 'mesure calculée', 'mesures calculées')}.")
