"""The README's run command loads demo data built through the domain actions."""

import pytest
from django.core.management import call_command

from caseflow.models import Case, Role, Staff

pytestmark = pytest.mark.django_db


def test_demo_data_has_every_role_and_cases_in_several_states(capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    out = capsys.readouterr().out
    for role in Role.values:
        assert Staff.objects.filter(role_assignments__role=role).exists(), role
    for kind, states in {"complaint": {"received", "investigating", "closed"},
                         "appeal": {"received", "ruling_drafted"},
                         "dispute": {"with_department_head"},
                         "nonconformity": {"plan_approved"}}.items():
        assert states <= set(Case.objects.filter(kind=kind).values_list("state", flat=True))
    assert "head" in out and "caseflow-demo" in out
    assert Staff.objects.count() == 12
