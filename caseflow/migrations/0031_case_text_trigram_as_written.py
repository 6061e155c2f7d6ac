"""The trigram indexes of a case's number, subject and description over the columns as
written, not upper-cased (migration 0007): searches compare with LIKE (a term without
letter case, as Chinese is) or ILIKE (pg_trgm serves both), so a walk over rows no longer
upper-cases every description it meets (caseflow.selectors.cases.TextContains). Built
concurrently: a large table stays writable while they build."""

from django.db import migrations

COLUMNS = ("number", "subject", "description")
# Each index of a column: its name and the expression it indexes.
AS_WRITTEN = ("caseflow_case_{column}_trigram", "(({column})::text)")
UPPER_CASED = ("caseflow_case_{column}_trgm", "(UPPER(({column})::text))")


def indexes_replace(schema_editor, built, dropped):
    """For each column, build the `built` index, then drop the `dropped` one."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        name, expression = (part.format(column=column) for part in built)
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
                              f"ON caseflow_case USING gin ({expression} gin_trgm_ops)")
        schema_editor.execute(
            f"DROP INDEX CONCURRENTLY IF EXISTS {dropped[0].format(column=column)}")


def create(apps, schema_editor):
    indexes_replace(schema_editor, AS_WRITTEN, UPPER_CASED)


def restore(apps, schema_editor):
    indexes_replace(schema_editor, UPPER_CASED, AS_WRITTEN)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("caseflow", "0030_list_order_by_filter")]
    operations = [migrations.RunPython(create, restore)]
