"""R10.04: on PostgreSQL the database itself refuses to change or remove a case event."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION caseflow_case_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'caseflow_caseevent is append-only (R10.04)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER caseflow_case_event_append_only
    BEFORE UPDATE OR DELETE ON caseflow_caseevent
    FOR EACH ROW EXECUTE FUNCTION caseflow_case_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS caseflow_case_event_append_only ON caseflow_caseevent;
DROP FUNCTION IF EXISTS caseflow_case_event_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("caseflow", "0002_domain_core")]
    operations = [migrations.RunPython(create, drop)]
