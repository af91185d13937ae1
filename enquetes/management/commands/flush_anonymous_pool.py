from django.core.management.base import BaseCommand
from django.utils import timezone

from coopqualite.formats import format_count
from enquetes.services.pool import pool_flush


class Command(BaseCommand):
    help = (
        "Verse dans les résultats, mélangées, les réponses anonymes en attente des campagnes "
        "dont le lot est prêt (assez de réponses, attente écoulée ou campagne close) : le même "
        "travail que la tâche périodique."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tout",
            action="store_true",
            dest="everything",
            help="Verser aussi les lots incomplets (toutes les campagnes).",
        )

    def handle(self, *args, **options):
        result = pool_flush(now=timezone.now(), everything=options["everything"])
        responses = format_count(
            result.responses, "réponse anonyme versée", "réponses anonymes versées"
        )
        campaigns = format_count(result.campaigns, "campagne", "campagnes")
        self.stdout.write(f"{responses} ({campaigns}).")
