"""The scheduled task runs the same time-driven actions as `manage.py run_due`."""

import datetime as dt

import pytest
import time_machine

from caseflow.workdays import CHINA
from tests.domain.test_appeal_workflow import ruled_appeal
from tests.personas import clock_at
from workers.tasks import run_due_task

pytestmark = pytest.mark.django_db


def test_x5_scheduled_task_closes_appeal_after_window(people):
    """X5: the beat-scheduled task closes a ruled appeal once its window has ended."""
    with clock_at(people, dt.datetime(2026, 11, 2, 10, 0, tzinfo=CHINA)):
        case = ruled_appeal(people)
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, 0, tzinfo=CHINA)):
        result = run_due_task.apply().get()
    assert result["closed_appeals"] == [case.number]
    case.refresh_from_db()
    assert case.state == "closed"
