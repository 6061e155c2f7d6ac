"""The trigram indexes of a case's number, subject and description over the columns as
written, not upper-cased (migration 0007): searches compare with LIKE (a term without
letter case, as Chinese is) or ILIKE (pg_trgm serves both), so a walk over rows no longer
upper-cases every description it meets (caseflow.selectors.cases.TextContains). Built
concurrently: a large table stays writable while they build."""

from django.db import migrations

COLUMNS = ("number", "subject", "description")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS caseflow_case_{column}_trigram "
            f"ON caseflow_case USING gin ((({column})::text) gin_trgm_ops)")
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS caseflow_case_{column}_trgm")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS caseflow_case_{column}_trgm "
            f"ON caseflow_case USING gin ((UPPER(({column})::text)) gin_trgm_ops)")
        schema_editor.execute(
            f"DROP INDEX CONCURRENTLY IF EXISTS caseflow_case_{column}_trigram")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("caseflow", "0030_list_order_by_filter")]
    operations = [migrations.RunPython(create, restore)]
