"""How delivery waits between tries, as data (no ORM: the settings read it too).

One constant, `DELIVERY_RETRIES`: how many tries a notification gets, and the exponential
backoff between them. The Celery broker's `visibility_timeout` is derived from its longest
wait (caseflow.settings), so a message never outlives the broker's patience.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings  # read lazily, at call time: the settings import this module


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base: dt.timedelta
    cap: dt.timedelta

    def wait(self, attempts: int, *, retry_after: float | None = None) -> dt.timedelta:
        """How long to wait after `attempts` tries (1 = the first one failed): base × 2^(n-1)
        capped; a transport that said how long to wait (Telegram's 429) is honoured, capped
        too so that one answer cannot park a message for hours."""
        if retry_after is not None:
            wait = dt.timedelta(seconds=max(retry_after, 0))
        else:
            wait = self.base * 2 ** max(attempts - 1, 0)
        return min(wait, self.cap)

    @property
    def longest_wait(self) -> dt.timedelta:
        """The longest wait `wait` can return: the cap (a transport's retry_after reaches
        it even where the exponential series stops short)."""
        return self.cap


# 6 tries: waits of 30 s, 1, 2, 4, 8 min between them; then the notification is failed.
DELIVERY_RETRIES = RetryPolicy(max_attempts=6, base=dt.timedelta(seconds=30),
                               cap=dt.timedelta(minutes=30))

# A delivery claims its row for this long while it sends (another task for the same row
# does nothing meanwhile); a worker that dies mid-send leaves the row to be tried again
# once the claim runs out: at most one duplicate per crash.
# settings.CASEFLOW_DELIVERY_LEASE_SECONDS, default 600.
def in_flight_lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CASEFLOW_DELIVERY_LEASE_SECONDS)


# The relay hands a pending row to a delivery task again when the last hand-over is this
# old and the row is still pending (the task was lost between the relay and a worker, or
# the broker lost it in a restart). settings.CASEFLOW_RELAY_STALE_SECONDS, default 300.
def relay_stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CASEFLOW_RELAY_STALE_SECONDS)


RELAY_BATCH = 200
