"""Builders of the demo data. Each is idempotent: rows are looked up by their natural key and
created only when missing, so running the seed twice changes nothing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from cooperatives.models import Buyer, Cooperative, Federation, Lot, Programme, User
from engagements.services.charter import commitments_create_charter

DEMO_PASSWORD = "coopqualite-demo"

LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Diallo",
    "Nguyen",
    "Benali",
    "Öztürk",
]
FIRST_NAMES = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Sarah",
    "Julie",
    "Emma",
    "Amélie",
    "Louise",
    "Lucas",
    "Hugo",
    "Thomas",
    "Nicolas",
    "Karim",
    "Julien",
    "Antoine",
    "Mathis",
    "Yanis",
    "Paul",
    "Nadia",
    "Sophie",
    "Claire",
    "Fatou",
    "Élodie",
    "Pierre",
    "Mehdi",
    "Olivier",
    "Hélène",
    "Jean",
]


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    city: str
    financing: str
    lots: int
    delivery_offset_days: int  # delivery relative to the reference date (negative: past)
    sold_share: float


DEMO_PROGRAMMES = [
    ProgrammeSpec("JDI", "Les Jardins de l'Ill", "Illkirch-Graffenstaden", "psla", 40, -540, 1.0),
    ProgrammeSpec("BEL", "Résidence Belledonne", "Échirolles", "brs", 40, -150, 1.0),
    ProgrammeSpec("CDC", "Le Clos des Canuts", "Villeurbanne", "vefa", 40, 240, 0.85),
]
OTHER_PROGRAMMES = [
    ProgrammeSpec("VDO", "Les Terrasses de l'Orne", "Caen", "tva_reduite", 12, -60, 1.0),
]


# One delivered household in this many has no e-mail address: the after-sales service reaches
# it by phone and letter (its claims wait for staff to acknowledge them).
NO_EMAIL_EVERY = 17


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _slugify_email(text: str) -> str:
    table = str.maketrans("éèêëàâäîïôöùûüçÉÖ", "eeeeaaaiioouuucEO")
    return "".join(c for c in text.translate(table).lower() if c.isalnum())


@transaction.atomic
def federation_seed() -> Federation:
    federation, _ = Federation.objects.get_or_create(
        slug="federation-demo", defaults={"name": "Fédération régionale des Coop'HLM (démo)"}
    )
    return federation


def cooperative_seed(
    *, federation: Federation, slug: str, name: str, city: str, homes: int, public: bool = False
) -> Cooperative:
    cooperative, _ = Cooperative.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "city": city,
            "federation": federation,
            "homes_count": homes,
            "transparency_enabled": public,
        },
    )
    commitments_create_charter(cooperative=cooperative)
    return cooperative


def programme_seed(
    *, cooperative: Cooperative, spec: ProgrammeSpec, reference: dt.date, rng: random.Random
) -> Programme:
    """A programme, its lots and one buying household per sold lot, at a journey step set by
    the programme's delivery date (past programmes are delivered, future ones are on site)."""
    programme, _ = Programme.objects.get_or_create(
        cooperative=cooperative,
        code=spec.code,
        defaults={"name": spec.name, "city": spec.city, "financing": spec.financing},
    )
    typologies = ["T2", "T3", "T3", "T4", "T4", "T5", "T2", "T3"]
    for index in range(1, spec.lots + 1):
        code = f"{spec.code}-{index:03d}"
        lot, _ = Lot.objects.get_or_create(
            programme=programme, code=code, defaults={"typology": typologies[index % 8]}
        )
        # Draw every random value, sold or not, so that the sequence never depends on the data.
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        sold = rng.random() < spec.sold_share
        reservation_before = rng.randint(250, 720)
        deed_after = rng.randint(45, 120)
        delivery_shift = rng.randint(-10, 40)
        notice_days = rng.choice([120, 110, 100, 95, 95, 93, 92, 70, 60])
        phone_suffix = rng.randint(10_000_000, 99_999_999)
        if not sold:
            continue
        delivery = reference + dt.timedelta(days=spec.delivery_offset_days + delivery_shift)
        reservation = min(
            delivery - dt.timedelta(days=reservation_before), reference - dt.timedelta(days=7)
        )
        deed = reservation + dt.timedelta(days=deed_after)
        delivered = delivery <= reference
        announced_on = delivery - dt.timedelta(days=notice_days)
        email = f"{_slugify_email(first)}.{_slugify_email(last)}.{code.lower()}@exemple.fr"
        if delivered and index % NO_EMAIL_EVERY == NO_EMAIL_EVERY // 2:
            email = ""  # a household reached by phone and letter only
        Buyer.objects.get_or_create(
            lot=lot,
            email=email,
            defaults={
                "last_name": last,
                "first_name": first,
                "phone": f"06 {str(phone_suffix)[:2]} {str(phone_suffix)[2:4]} "
                f"{str(phone_suffix)[4:6]} {str(phone_suffix)[6:]}",
                "reservation_date": reservation,
                "deed_date": deed if deed <= reference else None,
                "delivery_month_announced": (
                    _month_start(delivery) if announced_on <= reference else None
                ),
                "delivery_month_announced_on": announced_on if announced_on <= reference else None,
                "delivery_date": delivery if delivered else None,
                "perfect_completion_end": _add_years(delivery, 1) if delivered else None,
            },
        )
    return programme


def user_seed(
    *,
    username: str,
    first_name: str,
    last_name: str,
    role: str,
    cooperative: Cooperative | None = None,
    federation: Federation | None = None,
    superuser: bool = False,
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@exemple.fr",
            role=role,
            cooperative=cooperative,
            federation=federation,
            is_staff=superuser,
            is_superuser=superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user
