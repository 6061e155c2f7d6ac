"""Case text search for terms of one or two characters (common in Chinese: 碳, 核查),
which trigrams cannot serve. PostgreSQL: an IMMUTABLE SQL function gives the characters
and the pairs of characters of a case's number, subject and description, upper-cased as
`icontains` compares; a GIN index over it answers `@> ARRAY[term]` exactly. Other
databases scan (`icontains`), and this migration does nothing there."""

from django.db import migrations

# Characters by string_to_array, pairs by two passes of a regular expression (at even
# and at odd offsets): C code, yet 0.04 to 0.1 ms a case. Declared costly (the outer
# function is inlined, this one is not) so the planner tests a row's cheap conditions
# first; the search asks the index only for terms its statistics say are not common
# (`caseflow.selectors.cases.cases_matching`).
FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION caseflow_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
    SELECT string_to_array(t, NULL)
        || ARRAY(SELECT m[1] FROM regexp_matches(t, '(..)', 'g') AS m)
        || ARRAY(SELECT m[1] FROM regexp_matches(substr(t, 2), '(..)', 'g') AS m)
$$
""",
    """
CREATE OR REPLACE FUNCTION caseflow_text_grams(a text, b text, c text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT caseflow_grams(upper(a)) || caseflow_grams(upper(b)) || caseflow_grams(upper(c))
$$
""",
]

INDEX = """
CREATE INDEX IF NOT EXISTS caseflow_case_text_grams ON caseflow_case
USING gin (caseflow_text_grams(number, subject, description))
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for function in FUNCTIONS:
        schema_editor.execute(function)
    schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS caseflow_case_text_grams")
    schema_editor.execute("DROP FUNCTION IF EXISTS caseflow_text_grams(text, text, text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS caseflow_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("caseflow", "0019_scale_indexes")]
    operations = [migrations.RunPython(create, drop)]
