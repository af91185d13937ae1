"""Fixtures of the surveys tests: a real SMTP server, for this process or a Celery worker."""

import pytest

from tests.smtp import smtp_server  # noqa: F401  (fixture)


@pytest.fixture
def celery_worker_smtp(smtp_server, monkeypatch, request):  # noqa: F811
    """A real Celery worker whose settings send mail to `smtp_server`.

    The worker's environment is copied from os.environ when it starts, so the SMTP variables are
    set first and the `celery_worker` fixture is requested afterwards.
    """
    for name, value in smtp_server.env.items():
        monkeypatch.setenv(name, value)
    return request.getfixturevalue("celery_worker")
