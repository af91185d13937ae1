from django.core.management.base import BaseCommand
from django.utils import timezone

from espace.services.signin import sessions_purge


class Command(BaseCommand):
    help = "Supprime les sessions d'acquéreurs expirées, les vieux liens et demandes de lien."

    def handle(self, *args, **options):
        deleted = sessions_purge(now=timezone.now())
        self.stdout.write(f"{deleted} ligne(s) supprimée(s).")
