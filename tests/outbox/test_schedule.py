"""The outbox's timing as shipped: retry delays and window, sweep and countdown limits."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from coopqualite.env import env_int_list
from coopqualite.outbox.models import REQUEUE_AFTER, SENDING_TIMEOUT
from coopqualite.outbox.services.sending import COUNTDOWN_MAX, retry_delay, retry_window


def test_transient_failures_are_retried_after_1_5_15_60_minutes_then_every_3_hours():
    minutes = [retry_delay(attempts).total_seconds() / 60 for attempts in range(1, 9)]

    assert minutes == [1, 5, 15, 60, 180, 180, 180, 180]


def test_a_message_is_tried_for_24_hours_after_its_first_try():
    assert retry_window().total_seconds() == 24 * 3600


def test_a_message_is_swept_only_after_any_live_send_would_have_been_killed():
    assert SENDING_TIMEOUT.total_seconds() == 15 * 60
    assert SENDING_TIMEOUT.total_seconds() >= settings.CELERY_TASK_TIME_LIMIT


def test_countdowns_stay_well_under_the_brokers_visibility_timeout():
    """A countdown longer than Redis' visibility timeout would deliver its task twice."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    assert COUNTDOWN_MAX.total_seconds() == 15 * 60
    assert COUNTDOWN_MAX.total_seconds() * 2 <= visibility
    assert REQUEUE_AFTER.total_seconds() == 10 * 60


def test_the_retry_delays_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("OUTBOX_RETRY_DELAYS", "30, 120,600")

    assert env_int_list("OUTBOX_RETRY_DELAYS", [1]) == [30, 120, 600]


@pytest.mark.parametrize("raw", ["60,une minute", "0,60", "-5"])
def test_retry_delays_that_are_not_positive_integers_stop_the_start(monkeypatch, raw):
    monkeypatch.setenv("OUTBOX_RETRY_DELAYS", raw)

    with pytest.raises(ImproperlyConfigured, match="OUTBOX_RETRY_DELAYS"):
        env_int_list("OUTBOX_RETRY_DELAYS", [1])
