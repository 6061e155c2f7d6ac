"""The retry policy as data, and the broker settings derived from it: a message is never
kept waiting longer than the broker's visibility timeout, so Redis does not hand it to a
second worker while it is still due to the first (at-least-once, not many-times)."""

import datetime as dt

from django.conf import settings

from caseflow.celery import app
from caseflow.delivery_policy import DELIVERY_RETRIES, in_flight_lease


def longest_countdown() -> dt.timedelta:
    """Every wait the policy can produce: after each try, and for a transport asking to
    wait any length of time."""
    waits = [DELIVERY_RETRIES.wait(n) for n in range(1, DELIVERY_RETRIES.max_attempts + 1)]
    waits += [DELIVERY_RETRIES.wait(1, retry_after=s) for s in (1, 600, 10**7)]
    return max(waits)


def test_visibility_timeout_exceeds_the_longest_countdown_of_the_policy():
    timeout = settings.BROKER_VISIBILITY_TIMEOUT
    if settings.CELERY_BROKER_URL.startswith("redis"):  # only Redis takes the option
        assert app.conf.broker_transport_options["visibility_timeout"] == timeout
    else:  # the embedded transport would hand it to SQLAlchemy, which refuses it
        assert "visibility_timeout" not in app.conf.broker_transport_options
    assert timeout > longest_countdown().total_seconds()
    assert timeout > in_flight_lease().total_seconds()
    assert longest_countdown() == DELIVERY_RETRIES.longest_wait


def test_at_least_once_settings_stay_on():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    relay = settings.CELERY_BEAT_SCHEDULE["notifications-relay"]
    assert relay == {"task": "caseflow.notifications_relay", "schedule": 5.0}


def test_backoff_doubles_from_thirty_seconds_and_is_capped():
    assert [DELIVERY_RETRIES.wait(n).total_seconds() for n in range(1, 8)] == [
        30, 60, 120, 240, 480, 960, 1800]
    assert DELIVERY_RETRIES.wait(30) == dt.timedelta(minutes=30)


def test_a_rate_limit_is_honoured_up_to_the_cap():
    assert DELIVERY_RETRIES.wait(5, retry_after=3).total_seconds() == 3
    assert DELIVERY_RETRIES.wait(1, retry_after=7200) == DELIVERY_RETRIES.cap
