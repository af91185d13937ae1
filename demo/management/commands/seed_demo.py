import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cooperatives.models import User
from coopqualite.buyer_links import buyer_link_url
from demo import builders
from demo.chantiers import chantiers_seed, demo_space_buyer
from demo.engagements import engagements_seed
from demo.enquetes import demo_invitation, enquetes_seed
from demo.journey import journey_seed
from demo.rapports import reports_seed
from demo.sav import OTHER_COMPANIES, SavDemo, sav_seed

LOGINS = [
    ("collaborateur", "Collaborateur (staff) de Coop Horizon Habitat"),
    ("dirigeant", "Dirigeant de Coop Horizon Habitat"),
    ("administrateur", "Administrateur (conseil d'administration) de Coop Horizon Habitat"),
    ("federation", "Lecteur de la fédération (toutes les coopératives)"),
    ("collaborateur.orne", "Collaborateur d'une autre coopérative (Les Toits de l'Orne)"),
    ("admin", "Superutilisateur (administration Django, /admin/)"),
]


class Command(BaseCommand):
    help = (
        "Charge une coopérative de démonstration (idempotent). Refuse de tourner si DEBUG est faux."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuse de tourner quand DEBUG est désactivé : "
                "les données et mots de passe de démonstration n'ont rien à faire en production."
            )
        with transaction.atomic():
            self._seed()
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {builders.DEMO_PASSWORD}) :")
        for username, label in LOGINS:
            self.stdout.write(f"  {username:<20} {label}")
        invitation = demo_invitation()
        if invitation is not None:
            link = settings.SITE_URL + reverse("survey_start", args=[invitation.token])
            self.stdout.write("Côté acquéreur, une enquête de démonstration à remplir :")
            self.stdout.write(f"  {link}")
        buyer = demo_space_buyer()
        if buyer is not None:
            self.stdout.write(
                f"L'espace acquéreur de {buyer.first_name} {buyer.last_name} "
                f"({buyer.lot.programme.name}), lien de connexion valable 60 jours :"
            )
            self.stdout.write(f"  {buyer_link_url(buyer.pk)}")

    def _seed(self) -> None:
        reference = timezone.localdate()
        rng = random.Random(2026)
        federation = builders.federation_seed()
        horizon = builders.cooperative_seed(
            federation=federation,
            slug="horizon-habitat",
            name="Coop Horizon Habitat",
            city="Lyon",
            homes=2400,
            public=True,
        )
        orne = builders.cooperative_seed(
            federation=federation,
            slug="toits-de-l-orne",
            name="Les Toits de l'Orne",
            city="Caen",
            homes=850,
        )
        for spec in builders.DEMO_PROGRAMMES:
            builders.programme_seed(cooperative=horizon, spec=spec, reference=reference, rng=rng)
        for spec in builders.OTHER_PROGRAMMES:
            builders.programme_seed(cooperative=orne, spec=spec, reference=reference, rng=rng)

        role = User.Role
        staff = builders.user_seed(
            username="collaborateur",
            first_name="Claire",
            last_name="Roche",
            role=role.STAFF,
            cooperative=horizon,
        )
        director = builders.user_seed(
            username="dirigeant",
            first_name="Marc",
            last_name="Lenoir",
            role=role.DIRECTOR,
            cooperative=horizon,
        )
        builders.user_seed(
            username="administrateur",
            first_name="Sylvie",
            last_name="Pons",
            role=role.BOARD,
            cooperative=horizon,
        )
        builders.user_seed(
            username="federation",
            first_name="Hervé",
            last_name="Costa",
            role=role.FEDERATION,
            federation=federation,
        )
        staff_orne = builders.user_seed(
            username="collaborateur.orne",
            first_name="Yves",
            last_name="Marie",
            role=role.STAFF,
            cooperative=orne,
        )
        builders.user_seed(
            username="admin", first_name="Admin", last_name="Démo", role=role.STAFF, superuser=True
        )
        engagements_seed(
            cooperative=horizon, owners=[staff, director], reference=reference, rng=rng
        )
        engagements_seed(cooperative=orne, owners=[staff_orne], reference=reference, rng=rng)
        journey_seed(cooperative=horizon, staff=[staff, director], reference=reference)
        chantiers_seed(cooperative=horizon, staff=staff, reference=reference)
        enquetes_seed(cooperative=horizon, reference=reference, rng=rng)
        sav_seed(
            demos=[
                SavDemo(horizon, [staff, director]),
                SavDemo(orne, [staff_orne], OTHER_COMPANIES),
            ],
            reference=reference,
        )
        reports_seed(
            cooperative=horizon, director=director, owners=[staff, director], reference=reference
        )
