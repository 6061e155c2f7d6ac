"""schemathesis fuzzes the generated OpenAPI schema, in-process, with real tokens on the
demo data: no 5xx and no response outside the schema, for every persona.

Every persona gets schemathesis's coverage phase (on by default) and fuzzing: the
department head, malformed input included, five examples an operation plus a stateful
run that follows the schema's OpenAPI links (a created case leads to its steps); every
other persona, with well-formed requests only (what a role may do), one. Path ids
point at real objects of the demo data every other example (random ids only find 404s).
That every operation answers 2xx to some persona is the scripted tour's job
(test_schemathesis_tour.py): random payloads rarely satisfy a workflow's state.
The department head's run has all of schemathesis's default checks, with
`positive_data_acceptance` and `negative_data_rejection`: the schema tells the truth
(api/strict.py, api/filters.py, api/pagination.py). One narrow allowance: a 400 to
schema-valid data is forgiven only when every field it names is refused by a business
rule the schema cannot express (tests/api/schema_allowances.py: ids of objects that do
not exist, files whose content is not an accepted type, the rules it lists). The other
personas' runs leave those two checks out: they send well-formed requests only, and what
a role may do is 403/404.
"""

import itertools

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
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
    Notification,
    Organization,
    PreventiveAction,
)
from tests.api.demo_api import api_schema, headers, schema
from tests.api.schema_allowances import positive_data_acceptance_but_business_rules

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis,
              pytest.mark.usefixtures("keep_the_test_connection")]

# Which model a path's {pk} points at, by the path's first segment.
PK_MODELS = {
    "cases": Case, "tasks": CapaTask, "inspections": InternalInspection,
    "preventive-actions": PreventiveAction, "documents": ControlledDocument,
    "change-requests": ChangeRequest, "archives": ArchiveRecord, "loans": ArchiveLoan,
    "disclosures": DisclosureRequest, "organizations": Organization,
    "engagements": Engagement, "declarations": Declaration,
    "calendar": CalendarOverride, "notifications": Notification,
}
# The head (every check), and one persona for each kind of access besides: the office that
# receives and sends, the recused verifier, a committee member. The permission table
# tries every route as every persona; this keeps CI inside its 20 minutes.
PERSONAS = ["head", "office", "verifier", "member1"]


_turn = itertools.count()


def point_at_real_objects(case):
    """Every other example swaps an id that points nowhere for the id of an existing
    object, so 2xx paths are reached; ids that exist (from a link) are kept, and so are
    the invalid ids of a negative example (`0` must stay `0` to be refused)."""
    if not case.path_parameters or next(_turn) % 2:
        return
    if case.meta is not None and not case.meta.generation.mode.is_positive:
        return
    segment = case.path.strip("/").split("/")[1]
    model = PK_MODELS.get(segment)
    current = case.path_parameters.get("id")
    if model is not None and current is not None and not (
            isinstance(current, int) and model.objects.filter(pk=current).exists()):
        first = model.objects.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            case.path_parameters["id"] = first
    if "year" in case.path_parameters:
        case.path_parameters["year"] = 2026


def run(case, token, *, all_checks=False):
    point_at_real_objects(case)
    if all_checks:
        return case.call_and_validate(
            headers=headers(token), excluded_checks=[positive_data_acceptance],
            additional_checks=[positive_data_acceptance_but_business_rules])
    return case.call_and_validate(
        headers=headers(token),
        excluded_checks=[positive_data_acceptance, negative_data_rejection])


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
def test_api_conforms_for_the_department_head(case, tokens):
    run(case, tokens["head"], all_checks=True)


# The other personas probe what they may and may not do with well-formed requests: the
# head's run already covers malformed input, which no role changes.
well_formed = api_schema()
well_formed.config.generation.update(modes=["positive"])


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "head"])
@well_formed.parametrize()
@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
def test_api_conforms_for_every_other_persona(case, tokens, persona):
    run(case, tokens[persona])


def test_stateful_workflows_as_the_department_head(tokens):
    """Sequences of calls linked by what earlier responses returned (the schema's OpenAPI
    links, see api/schema.py), as the department head, with the default checks as the
    head's fuzzing run has them. `ignored_auth` is left out here: each call carries the
    head's token again, so its "invalid credentials" probe is not one (the permission
    table proves 401 for every route)."""
    token = tokens["head"]
    excluded = [positive_data_acceptance, ignored_auth]

    # Its own schema object: what the fuzzing runs before it taught the shared one (its
    # pool of constants) would make the machine's draws differ between replays.
    class Workflow(api_schema().as_state_machine()):
        def get_call_kwargs(self, case):
            point_at_real_objects(case)
            return {"headers": headers(token)}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response, excluded_checks=excluded,
                additional_checks=[positive_data_acceptance_but_business_rules])

    # No shrinking: the steps change the database, so replaying an example to shrink it
    # is not deterministic; a failure is reported as found.
    run_state_machine_as_test(Workflow, settings=settings(
        max_examples=25, stateful_step_count=6, deadline=None, derandomize=True,
        database=None, phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck)))
