"""What schemathesis's `positive_data_acceptance` cannot know: a schema-valid request may
still break a business rule. One narrow allowance, shared by the in-process fuzzing
(tests/api/test_schemathesis.py) and the run against a live server (`make fuzz`,
through tests/api/schemathesis_hooks.py): a 400 to schema-valid data is forgiven only
when a domain rule refused it (the body names the rule) or every field it names is one no
schema can judge."""

from __future__ import annotations

import json

from schemathesis.checks import positive_data_acceptance
from schemathesis.openapi.checks import RejectedPositiveData

# Fields a business rule refuses in a well-formed request (400 naming the field), which
# no schema can say: the rule, for the reader.
BUSINESS_RULES = {
    "credit_code": "GB 32100: a unified social credit code's check digit",
    "return_due_on": "R10.02: a loan is returned after today",
    "kind": "correct_kind: the new kind differs from the case's",
    "name": "intake: a party is named by a name or an organization",
    "year": "R9.03: a conflict analysis is for a year not analysed yet",
    "notify_by_telegram": "Telegram needs the bot's /start first",
    "file": "engagement import: a .csv or .xlsx file (by content)",
    "received_at": "intake: a case is not received in the future",
}
# ...and refusals no schema can say that name no field, by operation.
OPERATION_RULES = {
    "POST /api/auth/token/": {
        "non_field_errors": "sign-in: a username and password that match an active account"},
}
MAX_ID = 2**31 - 1


def unjudgeable_fields(raw_schema: dict) -> set[str]:
    """Fields no schema can judge for the API: ids (they may point at nothing: their
    schema is `minimum: 1, maximum: MAX_ID`, see api/strict.py), files (judged by their
    content, api/uploads.py), and those of BUSINESS_RULES."""
    found = set(BUSINESS_RULES)
    for component in raw_schema["components"]["schemas"].values():
        for field, prop in component.get("properties", {}).items():
            if prop.get("format") == "binary" or prop.get("maximum") == MAX_ID:
                found.add(field)
    return found


_unjudgeable: dict[int, set[str]] = {}


def _leaves(errors: dict) -> set[str]:
    """The fields an error body names, nested ones by their own name."""
    names = set()
    for name, value in errors.items():
        names |= _leaves(value) if isinstance(value, dict) else {name}
    return names


def positive_data_acceptance_but_business_rules(ctx, response, case):
    """schemathesis's `positive_data_acceptance`, forgiving a 400 to a request body only
    when a domain rule refused it (the body names the rule: the domain's InvalidInput,
    e.g. R8.08, X4) or when every field it names is unjudgeable."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        raw = case.operation.schema.raw_schema
        unjudgeable = _unjudgeable.setdefault(id(raw), unjudgeable_fields(raw))
        body = json.loads(response.content)
        fields = _leaves(body.get("errors") or {})
        unjudgeable = unjudgeable | set(OPERATION_RULES.get(case.operation.label, ()))
        if response.status_code == 400 and case.body is not None and (
                body.get("rule") or fields and fields <= unjudgeable):
            return None
        raise
