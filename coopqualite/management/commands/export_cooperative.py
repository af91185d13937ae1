"""manage.py export_cooperative SLUG --output FILE.zip: everything of one cooperative."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cooperatives.models import Cooperative
from coopqualite.exportlog import personal_data_export_record
from coopqualite.takeout import cooperative_export


class Command(BaseCommand):
    help = (
        "Exporte toutes les données d'une coopérative dans un fichier zip : une table CSV par "
        "type de données, les fichiers des preuves et des rapports, une description (LISEZMOI)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Identifiant de la coopérative (slug).")
        parser.add_argument("--output", required=True, type=Path, help="Fichier zip à écrire.")

    def handle(self, *args, slug, output, **options):
        cooperative = Cooperative.objects.filter(slug=slug).first()
        if cooperative is None:
            raise CommandError(
                f"Aucune coopérative n'a l'identifiant « {slug} ». Les identifiants connus se "
                "lisent dans l'administration (Coopératives, champ « slug »)."
            )
        if not output.parent.is_dir():
            raise CommandError(f"Le dossier « {output.parent} » n'existe pas.")
        summary = cooperative_export(cooperative=cooperative, output=output)
        personal_data_export_record(
            cooperative_id=cooperative.pk, user=None, what="Export complet de la coopérative"
        )
        self.stdout.write(
            f"{summary.path} : {summary.tables} tables, {summary.rows} lignes, "
            f"{summary.files} fichiers"
            + (f" ({summary.missing_files} absents du stockage)" if summary.missing_files else "")
            + "."
        )
