"""The statements written once per process for the space (`espace.statements`) read what the
ORM reads: the same instances for a session, the same rows for the home page, with the rules
of the querysets (active session, published letters of the programme, the household's
documents, surveys waiting in an open campaign)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chantiers.models import Phase
from chantiers.selectors import timeline
from chantiers.services.letters import letter_save
from chantiers.services.publishing import letter_publish
from cooperatives.models import DeliveryAnnouncement
from enquetes.models import Campaign, Invitation
from espace.models import BuyerSession, digest
from espace.selectors import space_documents, space_home, space_letters
from espace.services.signin import session_open
from espace.statements import session_buyer
from tests import factories
from tests.buyer.conftest import make_campaign, make_invitation
from tests.espace.test_pages import _share

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _orm_buyer(key: str):
    return (
        BuyerSession.objects.active(NOW)
        .select_related(
            "buyer__lot__programme__cooperative",
            "buyer__lot__programme__interlocutor",
            "buyer__interlocutor",
        )
        .get(key_digest=digest(key))
        .buyer
    )


def test_the_session_statement_reads_the_instances_the_orm_reads(buyer, programme_a, staff_a):
    other_staff = factories.UserFactory(cooperative=programme_a.cooperative, first_name="Paul")
    programme_a.interlocutor = staff_a
    programme_a.save()
    buyer.interlocutor = other_staff
    buyer.save()
    key = session_open(buyer=buyer, now=NOW)
    expected = _orm_buyer(key)

    read = session_buyer(digest(key), NOW)

    pairs = [
        (read, expected), (read.lot, expected.lot), (read.lot.programme, expected.lot.programme),
        (read.lot.programme.cooperative, expected.lot.programme.cooperative),
        (read.lot.programme.interlocutor, expected.lot.programme.interlocutor),
        (read.interlocutor, expected.interlocutor),
    ]  # fmt: skip
    assert [_values(a) for a, _ in pairs] == [_values(b) for _, b in pairs]
    assert read.interlocutor.first_name == "Paul"


def test_the_session_statement_reads_missing_interlocutors_as_none_without_a_query(buyer):
    key = session_open(buyer=buyer, now=NOW)
    read = session_buyer(digest(key), NOW)

    with CaptureQueriesContext(connection) as queries:
        interlocutors = (read.interlocutor, read.lot.programme.interlocutor)
        name = read.lot.programme.cooperative.name

    assert interlocutors == (None, None)
    assert name == "Coop A"
    assert len(queries) == 0


def test_an_expired_or_unknown_session_reads_no_buyer(buyer):
    key = session_open(buyer=buyer, now=NOW)
    expires_at = BuyerSession.objects.get().expires_at

    assert session_buyer(digest(key), expires_at - dt.timedelta(seconds=1)) == buyer
    assert session_buyer(digest(key), expires_at) is None
    assert session_buyer(digest("inconnue"), NOW) is None


def _orm_home(buyer, now):
    """The home page's reads as querysets (the selectors' rules), for comparison."""
    letters = list(space_letters(buyer).values("pk", "title", "published_at"))
    surveys = (
        Invitation.objects.filter(
            buyer=buyer,
            answered_at__isnull=True,
            expires_at__gt=now,
            campaign__in=Campaign.objects.open_on(timezone.localdate(now)),
        )  # fmt: skip
        .order_by("campaign__closes_on")
        .values(
            "token", closes_on=F("campaign__closes_on"), title=F("campaign__questionnaire__title")
        )
    )
    announcements = DeliveryAnnouncement.objects.filter(buyer=buyer).order_by("announced_on")
    return {
        "timeline": [
            (s.phase.name, s.phase.planned_date, s.phase.actual_date, s.state)
            for s in timeline(list(Phase.objects.filter(programme_id=buyer.lot.programme_id)))
        ],
        "latest_letter": letters[0] if letters else None,
        "letters_count": len(letters),
        "announcements": list(announcements.values("month", "announced_on")),
        "surveys": list(surveys),
        "documents_count": space_documents(buyer).count(),
    }


def _read_home(buyer, now):
    home = space_home(buyer, now)
    return {
        "timeline": [
            (s["name"], s["planned_date"], s["actual_date"], s["state"]) for s in home.timeline
        ],
        "latest_letter": home.latest_letter,
        "letters_count": home.letters_count,
        "announcements": home.announcements,
        "surveys": home.surveys,
        "documents_count": home.documents_count,
    }


def test_the_home_statement_reads_what_the_querysets_read(household, programme_a, staff_a, coop_a):
    lea, karim = household
    elsewhere = factories.BuyerFactory(lot=factories.LotFactory(programme=programme_a))
    other_programme = factories.ProgrammeFactory(cooperative=coop_a)
    for programme, names in ((programme_a, ["Ouverture", "Hors d'eau", "Livraison"]),
                             (other_programme, ["Ailleurs"])):  # fmt: skip
        for position, name in enumerate(names, start=1):
            Phase.objects.create(
                programme=programme, position=position, name=name,
                planned_date=dt.date(2026, position, 1),
                actual_date=dt.date(2026, position, 9) if position == 1 else None,
            )  # fmt: skip
    phases = {p.name: p for p in Phase.objects.all()}
    for name, title, publish in (("Ouverture", "Publiée", True), ("Hors d'eau", "Brouillon", False),
                                 ("Ailleurs", "D'ailleurs", True)):  # fmt: skip
        letter = letter_save(phase=phases[name], user=staff_a, title=title, text="x")
        if publish:
            letter_publish(letter=letter, user=staff_a, now=NOW - dt.timedelta(days=3))
    for who, month in ((lea, dt.date(2027, 6, 1)), (lea, dt.date(2027, 7, 1)),
                       (karim, dt.date(2027, 9, 1))):  # fmt: skip
        DeliveryAnnouncement.objects.create(
            buyer=who, month=month, announced_on=dt.date(2026, month.month - 5, 2)
        )
    waiting = make_invitation(make_campaign(coop_a, closes_in_days=10), lea)
    make_invitation(make_campaign(coop_a, closes_in_days=5), lea, answered_at=NOW)
    make_invitation(make_campaign(coop_a), lea, expires_at=NOW)
    make_invitation(make_campaign(coop_a, launched=False), lea)
    make_invitation(make_campaign(coop_a, opens_in_days=1), lea)
    make_invitation(make_campaign(coop_a, opens_in_days=-9, closes_in_days=-1), lea)
    make_invitation(make_campaign(coop_a), karim)
    for who in (lea, karim, elsewhere):
        _share(who, staff_a)

    read = _read_home(lea, NOW)

    assert read == _orm_home(lea, NOW)
    assert [step[0] for step in read["timeline"]] == ["Ouverture", "Hors d'eau", "Livraison"]
    assert read["latest_letter"]["title"] == "Publiée"
    assert read["letters_count"] == 1
    assert [a["month"] for a in read["announcements"]] == [dt.date(2027, 6, 1), dt.date(2027, 7, 1)]
    assert [s["token"] for s in read["surveys"]] == [waiting.token]
    assert read["documents_count"] == 2


def test_the_home_statement_reads_an_empty_space(buyer):
    read = _read_home(buyer, NOW)

    assert read == _orm_home(buyer, NOW)
    assert read["documents_count"] == 0
    assert read["latest_letter"] is None
