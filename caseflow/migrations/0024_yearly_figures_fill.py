from django.db import migrations


def figures_fill(apps, schema_editor):
    """X1: the figures stored on the cases and cycles that exist, and the summary tables,
    from a full recount (the code of the `yearly_figures_rebuild` command, through this
    migration's models)."""
    from caseflow.actions.yearly_figures import yearly_figures_rebuild

    yearly_figures_rebuild(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ("caseflow", "0023_yearly_figures_summary"),
    ]

    operations = [
        migrations.RunPython(figures_fill, migrations.RunPython.noop),
    ]
