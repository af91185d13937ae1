from django.core.management.base import BaseCommand

from enquetes.tasks import surveys_dispatch_task


class Command(BaseCommand):
    help = (
        "Invite les acquéreurs arrivés à une étape clé, planifie invitations et relances, "
        "et met en file les e-mails à envoyer (le même travail que la tâche périodique)."
    )

    def handle(self, *args, **options):
        queued = surveys_dispatch_task()
        self.stdout.write(f"{queued} e-mail(s) mis en file d'envoi.")
