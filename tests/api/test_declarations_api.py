"""R9.01 over the API: an annual commitment for a far year is refused as input."""

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("years_ahead", [2, 5, 9])
def test_r9_01_an_annual_commitment_for_a_far_year_is_400(people, api, years_ahead):
    response = api(people.newcomer).post(
        "/api/declarations/",
        {"kind": "annual", "year": timezone.localdate().year + years_ahead}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["rule"], list(body["errors"])) == ("R9.01", ["year"])


def test_r9_01_next_years_annual_commitment_is_accepted(people, api):
    response = api(people.newcomer).post(
        "/api/declarations/", {"kind": "annual", "year": timezone.localdate().year + 1},
        format="json")
    assert response.status_code == 201
