"""Operators: remove a person's second factor (lost phone, no recovery code left) and lift a
lock; they set up a new one at their next sign-in. For a director locked out of the portal."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cooperatives.models import User
from cooperatives.two_factor.services import second_factor_reset


class Command(BaseCommand):
    help = "Réinitialise la double authentification d'un compte (et lève un blocage)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="identifiant du compte")

    def handle(self, *args, username: str, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"Aucun compte « {username} ».") from None
        if second_factor_reset(user=user, actor=None, now=timezone.now()):
            self.stdout.write(f"Double authentification de « {username} » réinitialisée.")
        else:
            self.stdout.write(
                f"« {username} » n'avait pas de double authentification ; blocage levé."
            )
