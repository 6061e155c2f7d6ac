"""How the site's own forms (public and staff pages) render: each field's row and its
widget through Jinja2, which compiles templates to Python code. With Django's engine a
form's dozen fields and their widget templates (several includes each) were most of the
CPU that serving the complaint form took (bench/RESULTS.md, public intake); the markup is
the same. Django's admin keeps Django's renderer (its widgets have no Jinja2 templates)."""

from pathlib import Path

from django.forms.renderers import Jinja2
from django.utils.functional import cached_property


class SiteFormRenderer(Jinja2):
    # A field's row: label, widget, help and errors (caseflow/web/jinja2/caseflow/field.html).
    field_template_name = "caseflow/field.html"

    @cached_property
    def engine(self):
        import django.forms

        return self.backend({
            "APP_DIRS": False,
            "DIRS": [Path(__file__).parent / "jinja2",
                     Path(django.forms.__file__).parent / "jinja2"],
            "NAME": "caseflow-forms",
            "OPTIONS": {},
        })


# One for the process: its Jinja2 environment compiles each template once.
site_form_renderer = SiteFormRenderer()
