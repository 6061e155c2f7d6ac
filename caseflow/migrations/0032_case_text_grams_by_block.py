"""The grams of a case's text (migration 0020) once more, each prefixed by the case's
block of ids (`id / 100000`, caseflow.selectors.cases.GRAM_BLOCK_IDS): `9:恒` is 恒 in a
case of ids 900000 to 999999. The bounded count of a short term reads one block's entries
at a time, newest first, and stops at its bound (caseflow.selectors.cases.count_up_to),
where the index of migration 0020 gives every case holding the term at once. That index
stays: pages and unbounded reads use it, and its statistics say how common a term is
(this one keeps none: ANALYZE need not read its keys). Built concurrently: a large
table stays writable while it builds."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION caseflow_text_grams_by_block(id bigint, a text, b text, c text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT (id / 100000)::text || ':' || g
                 FROM unnest(caseflow_text_grams(a, b, c)) AS g)
$$
"""
INDEX = "caseflow_case_text_grams_by_block"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON caseflow_case USING gin "
        "(caseflow_text_grams_by_block(id, number, subject, description))")
    schema_editor.execute(f"ALTER INDEX {INDEX} ALTER COLUMN 1 SET STATISTICS 0")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS caseflow_text_grams_by_block(bigint, text, text, text)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("caseflow", "0031_case_text_trigram_as_written")]
    operations = [migrations.RunPython(create, drop)]
