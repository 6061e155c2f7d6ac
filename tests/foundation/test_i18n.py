"""The interface speaks Chinese by default, English on request."""

import pytest

pytestmark = pytest.mark.django_db


def test_default_language_is_simplified_chinese(client):
    response = client.get("/admin/login/")
    assert "Caseflow 管理" in response.content.decode()


def test_english_on_request(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Caseflow administration" in response.content.decode()


def test_domain_terms_use_the_manuals_chinese(admin_client):
    """The zh-hans admin names things as the quality manual does."""
    page = admin_client.get("/admin/caseflow/engagement/").content.decode()
    assert "核查项目" in page and "导入核查项目" in page
    page = admin_client.get("/admin/caseflow/declaration/").content.decode()
    assert "公正性和保密承诺" in page


def test_admin_pages_of_every_registered_model_load(admin_client, people, engagement):
    """Every admin list and (read-only) detail page renders."""
    from django.contrib import admin

    from tests.personas import complaint

    complaint(people, engagement=engagement)
    for model in admin.site._registry:
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url
        first = model.objects.first()
        if first is not None:
            page = admin_client.get(f"{url}{first.pk}/change/")
            assert page.status_code == 200, url
