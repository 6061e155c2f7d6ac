"""`KeyAmong`: a key column among a list of ids, the form the recusal and the visibility
lists take on every list, page and count."""

import pytest
from django.db import connection
from django.db.models import Q

from caseflow.models import Case
from caseflow.models.expressions import KeyAmong
from tests.personas import complaint

pytestmark = pytest.mark.django_db


def test_a_key_among_ids_matches_them_and_excluding_them_keeps_rows_without_a_key(
        people, engagement):
    """As Django's `__in`: excluding the recused engagements' cases keeps every case that
    has no engagement at all (a null key is in no list)."""
    about = complaint(people, engagement=engagement)
    unrelated = complaint(people)
    assert unrelated.engagement_id is None
    among = Q(KeyAmong("engagement_id", {engagement.pk}))
    assert list(Case.objects.filter(among).values_list("pk", flat=True)) == [about.pk]
    assert list(Case.objects.exclude(among).values_list("pk", flat=True)) == [unrelated.pk]
    nothing = Q(KeyAmong("engagement_id", set()))
    assert not Case.objects.filter(nothing).exists()
    assert Case.objects.exclude(nothing).count() == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's arrays")
def test_on_postgresql_the_ids_are_one_array_of_the_columns_type():
    """Hundreds of ids as one parameter, typed as the column (PostgreSQL hashes the list
    only then), not one placeholder each, sent as the array's text."""
    ids = set(range(1, 501))
    sql, params = Case.objects.filter(KeyAmong("engagement_id", ids)).query.sql_with_params()
    assert "= ANY(%s::bigint[])" in sql and sql.count("%s") == 1
    assert params == ("{" + ",".join(str(pk) for pk in sorted(ids)) + "}",)
    assert Case.objects.filter(KeyAmong("engagement_id", ids)).count() == 0
