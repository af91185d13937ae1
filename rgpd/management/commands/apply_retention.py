from django.core.management.base import BaseCommand
from django.utils import timezone

from coopqualite.formats import format_count
from rgpd.retention import BUYER_IDENTITY, SURVEY_INVITATIONS
from rgpd.services.retention import retention_apply_all


class Command(BaseCommand):
    help = (
        "Applique les règles de conservation de chaque coopérative : anonymise l'identité des "
        "acquéreurs et les invitations arrivées à échéance (le même travail que la tâche "
        "périodique). Avec --essai, compte sans rien modifier."
    )

    def add_arguments(self, parser):
        parser.add_argument("--essai", action="store_true", dest="dry_run")

    def handle(self, *args, **options):
        totals = retention_apply_all(today=timezone.localdate(), dry_run=options["dry_run"])
        verb = "à anonymiser" if options["dry_run"] else "anonymisés"
        buyers = format_count(totals[BUYER_IDENTITY.key], "acquéreur", "acquéreurs")
        invitations = format_count(totals[SURVEY_INVITATIONS.key], "invitation", "invitations")
        self.stdout.write(f"{buyers} et {invitations} {verb}.")
