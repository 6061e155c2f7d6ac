"""Case text search: substring (ILIKE) on number, subject and description works for
Chinese, which has no spaces to split words on. On PostgreSQL pg_trgm GIN indexes keep it
fast; other databases scan."""

from django.db import migrations

COLUMNS = ("number", "subject", "description")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS caseflow_case_{column}_trgm "
            f"ON caseflow_case USING gin ((UPPER(({column})::text)) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS caseflow_case_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("caseflow", "0006_capa_documents_archives")]
    operations = [migrations.RunPython(create, drop)]
