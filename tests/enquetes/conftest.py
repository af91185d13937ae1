"""Fixtures of the surveys tests: a real SMTP server, for this process or a Celery worker; the
browser of the buyer tests (the results charts are checked in it)."""

import pytest

from tests.buyer.conftest import browser, phone, strict_page  # noqa: F401  (fixtures)
from tests.smtp import smtp_server  # noqa: F401  (fixture)


@pytest.fixture
def celery_worker_smtp(transactional_db, smtp_server, monkeypatch, request):  # noqa: F811
    """A real Celery worker whose settings send mail to `smtp_server`.

    The worker's environment is copied from os.environ when it starts, so the SMTP variables are
    set first and the `celery_worker` fixture is requested afterwards. `transactional_db` is
    requested here, not only by `celery_worker`: pytest-django chooses between a rolled-back
    transaction and real commits from the fixtures it sees before the test runs, and a fixture
    asked for with getfixturevalue is not among them (the worker would never see the rows).
    """
    for name, value in smtp_server.env.items():
        monkeypatch.setenv(name, value)
    return request.getfixturevalue("celery_worker")
