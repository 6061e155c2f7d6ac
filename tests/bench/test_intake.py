"""The public-intake benchmark posts what a person posts and counts only what was filed:
the complaint it builds from Caseflow's own form page files a case whose receipt it
reads; django-helpdesk's form is read the same way; a submission counts when it
succeeded, and the rate runs over the time the submissions took."""

import os

import pytest

from bench.intake import cpu_spent, percentile, process_cpu, submissions
from bench.intake_pages import (
    caseflow_complaint,
    caseflow_receipt,
    choices,
    helpdesk_ticket,
    helpdesk_ticket_shown,
    hidden_fields,
)
from caseflow.models import Case, Notification

# django-helpdesk 2.6.1's public form, as its page renders it (trimmed to the form).
HELPDESK_FORM = """
<form method="post" enctype="multipart/form-data">
<input type="hidden" name="csrfmiddlewaretoken" value="tok&amp;en">
<select name="queue" class="form-select" required id="id_queue">
  <option value="" selected>--------</option>
  <option value="7">Complaints</option>
</select>
<input type="text" name="title" class="form-control" maxlength="200" required id="id_title">
<textarea name="body" cols="40" rows="10" class="form-control" required id="id_body">
</textarea>
<select name="priority" class="form-select" id="id_priority">
  <option value="1">1. Critical</option>
  <option value="3" selected>3. Normal</option>
</select>
<input type="text" name="due_date" class="form-control" autocomplete="off" id="id_due_date">
<input type="email" name="submitter_email" class="form-control" required>
</form>"""


@pytest.mark.django_db
def test_the_complaint_built_from_the_public_form_files_a_case_and_its_receipt_is_read(
        client):
    client.handler.enforce_csrf_checks = True
    page = client.get("/complaint/").content.decode()
    fields = caseflow_complaint(page, 3)
    assert fields["csrfmiddlewaretoken"] and fields["website"] == ""  # honeypot left empty

    answer = client.post("/complaint/", fields, follow=True)

    case = Case.objects.get()
    assert answer.redirect_chain[0][1] == 302
    number, code = caseflow_receipt(answer.content.decode())
    assert number == case.number and len(code) >= 20
    assert case.submitter.email == "complainant3@example.com"
    assert Notification.objects.filter(case=case, template="submission_receipt").exists()


@pytest.mark.django_db
def test_a_form_given_back_with_errors_is_no_receipt(client):
    page = client.get("/complaint/").content.decode()
    fields = {**caseflow_complaint(page, 4), "website": "http://spam.example"}

    answer = client.post("/complaint/", fields, follow=True)

    assert answer.status_code == 400 and caseflow_receipt(answer.content.decode()) is None
    assert not Case.objects.exists()


def test_helpdesk_form_is_read_as_a_browser_reads_it():
    assert hidden_fields(HELPDESK_FORM) == {"csrfmiddlewaretoken": "tok&en"}
    assert choices(HELPDESK_FORM, "queue") == ["7"]

    ticket = helpdesk_ticket(HELPDESK_FORM, 5)

    assert ticket["queue"] == "7" and ticket["priority"] == "3"
    assert ticket["submitter_email"] == "submitter5@example.com"


def test_helpdesk_submission_counts_only_on_its_ticket_page():
    page = "<caption>[complaints-12] . Report wrong 1 [Open]</caption>"
    view = "http://127.0.0.1:9/helpdesk/view/?ticket=complaints-12&email=a%40b.c&key=k"

    assert helpdesk_ticket_shown(view, page, "Report wrong 1") == "complaints-12"
    assert helpdesk_ticket_shown(view, page, "Report wrong 2") is None
    assert helpdesk_ticket_shown("http://127.0.0.1:9/helpdesk/tickets/submit/", page,
                                 "Report wrong 1") is None


def test_only_successful_submissions_count_over_the_time_they_took():
    entries = [
        {"name": "form", "num_requests": 42, "num_failures": 0, "start_time": 1000.0,
         "last_request_timestamp": 1009.9, "response_times": {"100": 42}},
        {"name": "submit", "num_requests": 42, "num_failures": 2, "start_time": 1000.2,
         "last_request_timestamp": 1010.0,
         "response_times": {"200": 20, "300": 18, "900": 4}},
    ]

    figures = submissions(entries)

    assert figures["submitted"] == 40 and figures["failed"] == 2
    assert figures["per_second"] == 4.0  # 40 over the 10 s from the first form served
    assert (figures["p50"], figures["p95"]) == (300.0, 900.0)
    assert figures["form_p50"] == 100.0


def test_no_form_served_is_no_submission():
    entries = [{"name": "form", "num_requests": 9, "num_failures": 9, "start_time": 1.0,
                "last_request_timestamp": 2.0, "response_times": {"5": 9}}]

    assert submissions(entries)["submitted"] == 0
    assert submissions(entries)["failed"] == 9
    assert percentile({"10": 1, "20": 1}, 0.5) == 10.0


def test_the_cpu_of_each_part_is_shared_out_over_the_submissions_filed():
    before = {"gunicorn": 10.0, "postgres": 50.0, "load": 1.0, "idle": 100.0, "wall": 0.0}
    after = {"gunicorn": 12.0, "postgres": 51.5, "load": 1.5, "idle": 104.0, "wall": 20.0}

    spent = cpu_spent(before, after, submissions=50)

    assert (spent["gunicorn"], spent["postgres"], spent["load"]) == (40.0, 30.0, 10.0)
    assert spent["idle_share"] == round(4.0 / (20.0 * os.cpu_count()), 2)
    assert cpu_spent(before, after, submissions=0)["gunicorn"] == 2000.0  # none filed: the whole run's


def test_a_process_that_is_gone_counts_no_cpu():
    assert process_cpu(2 ** 22 + 1) == 0.0  # above Linux's largest pid
    assert process_cpu(os.getpid()) > 0
