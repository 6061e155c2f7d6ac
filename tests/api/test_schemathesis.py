"""schemathesis against the generated OpenAPI schema, in-process, with real tokens and
the demo data: no 5xx, no response outside the schema, for every persona. (That every
operation answers 2xx to some persona is checked over the whole suite, see
tests/test_zz_api_coverage.py.)

Every persona gets schemathesis's coverage phase (on by default) and fuzzing: the
department head five examples an operation plus a stateful run, every other persona one.
Path ids point at real objects of the demo data half the time (random ids find 404s).
Business validation the schema cannot express (a credit code's check digit, a year in
range) and DRF's lenient type coercion are not held against the API: the checks
`positive_data_acceptance` and `negative_data_rejection` are left out.
"""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

from caseflow.models import (
    ArchiveLoan,
    ArchiveRecord,
    CalendarOverride,
    CapaTask,
    Case,
    ChangeRequest,
    ControlledDocument,
    Declaration,
    DisclosureRequest,
    Engagement,
    InternalInspection,
    Organization,
    PreventiveAction,
    Staff,
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

# Which model a path's {pk} points at, by the path's first segment.
PK_MODELS = {
    "cases": Case, "tasks": CapaTask, "inspections": InternalInspection,
    "preventive-actions": PreventiveAction, "documents": ControlledDocument,
    "change-requests": ChangeRequest, "archives": ArchiveRecord, "loans": ArchiveLoan,
    "disclosures": DisclosureRequest, "organizations": Organization,
    "engagements": Engagement, "declarations": Declaration,
    "calendar": CalendarOverride,
}
PERSONAS = ["head", "deputy", "qm", "gm", "office", "qa", "project", "verifier", "member1"]


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """The demo data, once for the module; each example's own writes roll back with its
    test, and the module's data is flushed at the end."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
        keys = {s.user.username: Token.objects.get_or_create(user=s.user)[0].key
                for s in Staff.objects.select_related("user")}
    yield keys
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI transport runs requests the way a server does, and Django closes the
    database connection after each one; the test's transaction needs it open (Django's
    own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def point_at_real_objects(case):
    """Half the examples use ids of existing objects, so 2xx paths are reached."""
    if not case.path_parameters or hash(str(case.body)) % 2:
        return
    segment = case.path.strip("/").split("/")[1]
    model = PK_MODELS.get(segment)
    if model is not None and "id" in case.path_parameters:
        first = model.objects.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            case.path_parameters["id"] = first
    if "year" in case.path_parameters:
        case.path_parameters["year"] = 2026


def run(case, token):
    point_at_real_objects(case)
    return case.call_and_validate(
        headers={"Authorization": f"Token {token}", "Host": "localhost"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection])


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
def test_api_conforms_for_the_department_head(case, tokens):
    run(case, tokens["head"])


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "head"])
@schema.parametrize()
@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
def test_api_conforms_for_every_other_persona(case, tokens, persona):
    run(case, tokens[persona])


def test_stateful_workflows_as_the_department_head(tokens):
    """Sequences of calls linked by what earlier responses returned (schemathesis infers
    the links), as the department head. `ignored_auth` is left out here: each call
    carries the head's token again, so its "invalid credentials" probe is not one (the
    permission table proves 401 for every route)."""
    token = tokens["head"]
    excluded = [positive_data_acceptance, negative_data_rejection, ignored_auth]

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            point_at_real_objects(case)
            return {"headers": {"Authorization": f"Token {token}", "Host": "localhost"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, excluded_checks=excluded)

    # No shrinking: the steps change the database, so replaying an example to shrink it
    # is not deterministic; a failure is reported as found.
    run_state_machine_as_test(Workflow, settings=settings(
        max_examples=25, stateful_step_count=6, deadline=None, derandomize=True,
        database=None, phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck)))
