from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cooperatives.models import Cooperative
from rapports.models import Report, ReportVersion
from rapports.services.building import report_build
from rapports.services.versions import report_version_open


class Command(BaseCommand):
    help = (
        "Construit le PDF de la dernière version du rapport annuel d'une coopérative (un "
        "brouillon s'il n'y en a pas) et l'écrit dans un fichier."
    )

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
        # The latest version of the year (a first draft if there is none), as a preview file.
        version = ReportVersion.objects.for_cooperative(coop).filter(year=year).first()
        if version is None:
            version = report_version_open(
                cooperative=coop, year=year, user=None, today=timezone.localdate()
            )
        report = report_build(
            report=Report.objects.create(cooperative=coop, year=year, version=version)
        )
        Path(output).write_bytes(report.file.read())
        report.file.close()
        self.stdout.write(f"{output} : {report.pages} pages, {report.size} octets.")
