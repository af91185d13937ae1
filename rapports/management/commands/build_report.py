from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cooperatives.models import Cooperative
from rapports.models import Report
from rapports.services.building import report_build


class Command(BaseCommand):
    help = "Construit le rapport annuel d'une coopérative et l'écrit dans un fichier PDF."

    def add_arguments(self, parser):
        parser.add_argument("--cooperative", required=True, help="Identifiant (slug).")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True, help="Fichier PDF à écrire.")

    def handle(self, *args, cooperative, year, output, **options):
        coop = Cooperative.objects.filter(slug=cooperative).first()
        if coop is None:
            raise CommandError(f"Coopérative inconnue : {cooperative}")
        if not 2000 <= year <= 2100:
            raise CommandError(f"Année invalide : {year}")
        report = report_build(report=Report.objects.create(cooperative=coop, year=year))
        Path(output).write_bytes(report.file.read())
        report.file.close()
        self.stdout.write(f"{output} : {report.pages} pages, {report.size} octets.")
