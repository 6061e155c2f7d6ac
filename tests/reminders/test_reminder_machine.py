"""A hypothesis state machine over the complaint workflow, the clock and the deadline
sweep (issue 12): complaints are registered, assigned, accepted, evaluated, closed;
reminders are acknowledged; time jumps to the next working morning or by some days;
`run_due` runs. Whatever the order, three things hold:

- no closed case is reminded after it closed;
- at most one reminder per (what, deadline, threshold, recipient, day);
- right after a sweep, every open case overdue by a working day or more has an
  escalation queued since that morning.
"""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from caseflow.actions.complaints import complaint_evaluate
from caseflow.actions.intake import case_accept, case_assign, case_reject, case_withdraw
from caseflow.actions.reminders import reminder_acknowledge
from caseflow.actions.time_driven import run_due
from caseflow.deadlines import CaseDeadline, reminded_on_case
from caseflow.errors import Conflict
from caseflow.models import Case, Declaration, Notification
from caseflow.policies.transitions import FINAL_STATES
from caseflow.reminder_schedule import OVERDUE, ReminderSchedule
from caseflow.selectors.calendar import calendar_overrides
from caseflow.workdays import CHINA, china_date
from tests.personas import annual, commit, complaint

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 9, 21, 10, 0, tzinfo=CHINA)  # the Monday before National Day
REMINDERS = ("reminder", "escalation")
OPEN = ["received", "accepted", "investigating"]


def test_reminders_hold_their_invariants_whatever_happens(people):
    reached = Counter()  # what the runs got to: the invariants must not hold vacuously

    class ReminderMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.traveller = time_machine.travel(START, tick=False)
            self.clock = self.traveller.start()
            self.sign_this_year()
            self.cases: list[int] = []
            self.swept_at = None  # the clock of the last sweep, while no time passed since

        def teardown(self):
            self.traveller.stop()
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def move_to(self, moment):
            self.clock.move_to(moment)
            self.swept_at = None
            self.sign_this_year()

        def sign_this_year(self):
            """R9.01: everyone's annual commitment for the year the clock is in."""
            year = timezone.localdate().year
            for staff in people.signed_up():
                if not Declaration.objects.filter(staff=staff, kind="annual",
                                                  year=year).exists():
                    annual(staff)

        def in_states(self, states) -> list[Case]:
            return list(Case.objects.filter(pk__in=self.cases, state__in=states).order_by("pk"))

        def register(self, assign):
            case = complaint(people)
            commit(case, people.head, people.handler, people.office)
            if assign:
                case_assign(case=case, handler=people.handler, acting_user=people.head)
            self.cases.append(case.pk)

        @initialize(assigned=st.lists(st.booleans(), min_size=2, max_size=3))
        def complaints(self, assigned):
            for assign in assigned:
                self.register(assign)

        @precondition(lambda self: len(self.cases) < 5)
        @rule(assign=st.booleans())
        def another_complaint(self, assign):
            self.register(assign)

        @precondition(lambda self: self.in_states(["received"]))
        @rule(pick=st.integers(0, 4))
        def accept(self, pick):
            received = self.in_states(["received"])
            case_accept(case=received[pick % len(received)], acting_user=people.head,
                        action_to_take="调查")

        @precondition(lambda self: self.in_states(["accepted"]))
        @rule(pick=st.integers(0, 4))
        def evaluate(self, pick):
            accepted = self.in_states(["accepted"])
            complaint_evaluate(case=accepted[pick % len(accepted)], acting_user=people.head,
                               valid=True, reasoning="材料具体")

        @precondition(lambda self: len(self.in_states(OPEN)) >= 2)  # one stays open
        @rule(pick=st.integers(0, 4))
        def close(self, pick):
            open_cases = self.in_states(OPEN)
            case = open_cases[pick % len(open_cases)]
            if case.state == "received":
                case_reject(case=case, acting_user=people.head, reason="不属于受理范围")
            else:
                case_withdraw(case=case, acting_user=people.office, reason="投诉人撤回")

        def reminders_to_acknowledge(self) -> list[Notification]:
            return list(Notification.objects.filter(template__in=REMINDERS, case__isnull=False)
                        .filter(recipient_staff=people.handler)
                        | Notification.objects.filter(template__in=REMINDERS,
                                                      recipient_role="department_head"))

        @precondition(lambda self: self.reminders_to_acknowledge())
        @rule(pick=st.integers(0, 50))
        def acknowledge(self, pick):
            """Liu Yang acknowledges one of his reminders, or Zhang Min one to the head."""
            mine = self.reminders_to_acknowledge()
            notification = mine[pick % len(mine)]
            who = people.handler if notification.recipient_staff_id else people.head
            try:
                reminder_acknowledge(notification=notification, acting_user=who)
                reached["acknowledged"] += 1
            except Conflict:
                reached["stale"] += 1  # the deadline moved on since: refused, as it should be

        @rule(minutes=st.integers(0, 180), swept=st.booleans())
        def next_working_morning(self, minutes, swept):
            """The clock on the next working morning, at or after the reminder hour; the
            scheduler's sweep runs then, or not yet."""
            schedule = ReminderSchedule(calendar_overrides())
            day = schedule.working_day_after(china_date(timezone.now()))
            self.move_to(schedule.morning(day) + dt.timedelta(minutes=minutes))
            if swept:
                self.sweep()

        @rule(days=st.sampled_from([1, 2, 4, 7, 10]), hour=st.integers(0, 23),
              swept=st.booleans())
        def days_pass(self, days, hour, swept):
            moment = timezone.now().astimezone(CHINA) + dt.timedelta(days=days)
            self.move_to(moment.replace(hour=hour, minute=0))
            if swept:
                self.sweep()

        @rule()
        def sweep(self):
            """`run_due`, as the scheduler runs it every few minutes (again at the same
            moment, too)."""
            run_due(now=timezone.now())
            self.swept_at = timezone.now()

        @invariant()
        def no_closed_case_reminded_after_closing(self):
            for case in Case.objects.filter(state__in=FINAL_STATES):
                reached["closed"] += 1
                assert not Notification.objects.filter(
                    case=case, template__in=REMINDERS, context__subject_kind="case",
                    created_at__gt=case.closed_at).exists(), case.number

        @invariant()
        def at_most_one_reminder_per_key(self):
            keys = Counter(
                (n.case_id, n.about, n.context["due_at"], n.context["threshold"],
                 n.recipient_staff_id, n.recipient_role, china_date(n.created_at))
                for n in Notification.objects.filter(template__in=REMINDERS))
            assert all(count == 1 for count in keys.values()), keys.most_common(1)

        @invariant()
        def overdue_open_cases_have_their_escalation(self):
            if self.swept_at is None:
                return
            schedule = ReminderSchedule(calendar_overrides())
            for case in Case.objects.exclude(state__in=FINAL_STATES):
                deadline = CaseDeadline(case.due_at, case.due_step, case.deadline_kind)
                if not reminded_on_case(deadline):
                    continue
                threshold = schedule.latest(case.due_at, self.swept_at)
                if threshold is None or threshold.name != OVERDUE:
                    continue
                assert threshold.overdue_working_days >= 1
                escalations = Notification.objects.filter(
                    case=case, template="escalation",
                    context__due_at=case.due_at.astimezone(CHINA).isoformat())
                # queued on that morning, or later by a sweep that ran late (at midnight)
                assert any(n.created_at >= threshold.moment for n in escalations), (
                    case.number, threshold)
                reached["escalated"] += 1
                reached["quality manager too"] += threshold.overdue_working_days >= 2

    run_state_machine_as_test(ReminderMachine, settings=settings(
        max_examples=10, stateful_step_count=20, deadline=None, derandomize=True,
        database=None, phases=[Phase.explicit, Phase.generate],  # bounded: no shrinking
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
    print(dict(reached))
    assert reached["escalated"] and reached["quality manager too"] and reached["closed"]
    assert reached["acknowledged"]
