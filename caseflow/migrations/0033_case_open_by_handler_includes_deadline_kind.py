"""The morning digest counts each person's open cases due by its horizon from the index of
open cases by handler alone: the deadline's kind (a window is not a step's deadline) is
now in it. A partial index of the open cases (a tenth of the table: a second or two at a
million cases)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('caseflow', '0032_case_text_grams_by_block'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='case_open_by_handler',
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('state__in', ('closed', 'merged', 'rejected', 'withdrawn')), _negated=True), fields=['handler', 'due_at'], include=('deadline_kind',), name='case_open_by_handler'),
        ),
    ]
