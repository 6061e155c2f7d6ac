"""The register import's limits (issue 10): a file past them is refused with a clear
message naming the limit, from the command line as from the API and the admin."""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_the_command_refuses_a_file_over_the_import_limit(tmp_path, settings):
    settings.CASEFLOW_IMPORT_MAX_BYTES = 2**20
    register = tmp_path / "register.csv"
    register.write_bytes(b"report_number\n" + b"JS25A0012\n" * 200_000)
    with pytest.raises(CommandError, match="1 MB"):
        call_command("import_engagements", str(register))


def test_the_command_refuses_a_csv_field_past_the_csv_limit(tmp_path):
    register = tmp_path / "register.csv"
    register.write_bytes(b"report_number\nJS" + b"1" * 200_000 + b"\n")
    with pytest.raises(CommandError, match="131072"):
        call_command("import_engagements", str(register))


def test_the_admin_import_shows_the_limit_a_file_is_past(admin_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.CASEFLOW_IMPORT_MAX_ROWS = 3
    upload = SimpleUploadedFile("register.csv", b"report_number\n" + b"JS1\n" * 10)
    response = admin_client.post("/admin/caseflow/engagement/import/", {"file": upload},
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "more than 3 rows" in response.content.decode()
