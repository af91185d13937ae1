from django.core.management.base import BaseCommand, CommandError

from coopqualite.formats import format_count
from enquetes.services.tallies import tallies_check, tallies_store


class Command(BaseCommand):
    help = (
        "Enregistre les décomptes des campagnes terminées qui n'en ont pas (le même travail que "
        "la tâche périodique) ; avec --check, vérifie que les décomptes enregistrés sont ceux "
        "qu'un nouveau calcul à partir des réponses donne."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="vérifier au lieu d'enregistrer")

    def handle(self, *args, check=False, **options):
        if not check:
            stored = tallies_store(limit=10_000)
            self.stdout.write(
                f"{format_count(stored, 'campagne décomptée', 'campagnes décomptées')}."
            )
            return
        wrong = tallies_check()
        for campaign_id, differences in wrong.items():
            self.stderr.write(f"Campagne {campaign_id} :")
            for line in differences:
                self.stderr.write(f"  {line}")
        if wrong:
            raise CommandError(
                f"{format_count(len(wrong), 'campagne a', 'campagnes ont')} des décomptes faux."
            )
        self.stdout.write("Les décomptes enregistrés sont ceux des réponses.")
