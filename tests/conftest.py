"""Fixtures shared by the whole suite: settings for tests, personas, real services."""

import pytest
from django.core.cache import cache
from django.utils.functional import empty

from cooperatives.models import User
from coopqualite.celery import app as celery_app
from coopqualite.storage import private_storage
from engagements.services.charter import commitments_create_charter
from enquetes.answering.frames import frames_clear
from enquetes.answering.snapshot import snapshots_clear
from tests import factories
from tests.services import celery_worker, redis_url_or_skip  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Evidence files and reports go to a per-test folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
    yield
    private_storage._wrapped = empty


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Personas sign in with force_login, which knows no second factor: the suite runs with it
    # required of nobody; tests/cooperatives/test_two_factor.py turns the real rule on.
    settings.OTP_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _forget_snapshots():
    """Rolled-back tests may reuse ids (SQLite): no questionnaire snapshot or page frame survives
    a test."""
    snapshots_clear()
    frames_clear()
    yield
    snapshots_clear()
    frames_clear()


@pytest.fixture(autouse=True)
def _forget_cache():
    """A running campaign's counts are cached a minute (enquetes.tallies): not from a test to
    the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_eager():
    """Unit tests run tasks in-process; the integration tests start a real worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def coop_a(db):
    cooperative = factories.CooperativeFactory(name="Coop A", slug="coop-a")
    commitments_create_charter(cooperative=cooperative)
    return cooperative


@pytest.fixture
def coop_b(db):
    """A cooperative of another federation: its users are the outsiders."""
    cooperative = factories.CooperativeFactory(name="Coop B", slug="coop-b")
    commitments_create_charter(cooperative=cooperative)
    return cooperative


@pytest.fixture
def staff_a(coop_a):
    return factories.UserFactory(username="staff-a", cooperative=coop_a, role=User.Role.STAFF)


@pytest.fixture
def director_a(coop_a):
    return factories.UserFactory(username="director-a", cooperative=coop_a, role=User.Role.DIRECTOR)


@pytest.fixture
def board_a(coop_a):
    return factories.UserFactory(username="board-a", cooperative=coop_a, role=User.Role.BOARD)


@pytest.fixture
def staff_b(coop_b):
    return factories.UserFactory(username="staff-b", cooperative=coop_b, role=User.Role.STAFF)


@pytest.fixture
def federation_a(coop_a):
    """A federation reader whose federation holds coop A (and not coop B)."""
    return factories.UserFactory(
        username="federation-a",
        role=User.Role.FEDERATION,
        cooperative=None,
        federation=coop_a.federation,
    )


@pytest.fixture
def federation_b(coop_b):
    return factories.UserFactory(
        username="federation-b",
        role=User.Role.FEDERATION,
        cooperative=None,
        federation=coop_b.federation,
    )


@pytest.fixture
def programme_a(coop_a):
    return factories.ProgrammeFactory(cooperative=coop_a, name="Les Jardins de l'Ill", code="JDI")


@pytest.fixture
def buyer_a(programme_a):
    lot = factories.LotFactory(programme=programme_a, code="JDI-001")
    return factories.BuyerFactory(lot=lot, last_name="Girard", first_name="Amélie")
