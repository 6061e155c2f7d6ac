"""The public-intake benchmark's users (bench/intake.py starts locust with them): each
opens the public form, posts it back with its CSRF token and every field a person fills
in, as multipart like a browser, follows the redirect and checks that the page it lands
on shows the submission filed. No think time.

BENCH_SYSTEM: "caseflow" (the complaint form) or "helpdesk" (django-helpdesk's public
ticket form). BENCH_SECONDS: after that long no user starts another submission; each
finishes the one it is in, and the last to finish ends the run, so that every submission
the server filed has been counted."""

import itertools
import os
import time

import gevent
from locust import HttpUser, constant, events, task
from locust.exception import StopUser

from bench.intake_pages import (
    caseflow_complaint,
    caseflow_receipt,
    helpdesk_ticket,
    helpdesk_ticket_shown,
)

SYSTEM = os.environ.get("BENCH_SYSTEM", "caseflow")
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
numbers = itertools.count(1)  # each submission its own name, subject, email
run = {"until": float("inf"), "finished": 0}


@events.test_start.add_listener
def started(**_):
    run["until"] = time.monotonic() + SECONDS


def multipart(fields: dict[str, str]) -> list:
    """Form fields as a browser sends a form with a file input: multipart/form-data (the
    file input left empty, as a person without an attachment leaves it)."""
    empty_file = ("", b"", "application/octet-stream")
    file_field = "attachments" if SYSTEM == "caseflow" else "attachment"
    return [(name, (None, value)) for name, value in fields.items()] + [
        (file_field, empty_file)]


class Submitter(HttpUser):
    wait_time = constant(0)

    @task
    def submit(self):
        if time.monotonic() >= run["until"]:
            self.finish()
        path = "/complaint/" if SYSTEM == "caseflow" else "/helpdesk/tickets/submit/"
        with self.client.get(path, name="form", catch_response=True) as page:
            if page.status_code != 200 or "csrfmiddlewaretoken" not in page.text:
                page.failure(f"form: HTTP {page.status_code}")
                return
        n = next(numbers)
        fields = (caseflow_complaint(page.text, n) if SYSTEM == "caseflow"
                  else helpdesk_ticket(page.text, n))
        with self.client.post(path, files=multipart(fields), name="submit",
                              catch_response=True) as answer:
            redirected = bool(answer.history) and answer.history[0].status_code == 302
            if SYSTEM == "caseflow":
                filed = caseflow_receipt(answer.text) is not None
            else:
                filed = helpdesk_ticket_shown(answer.url, answer.text, fields["title"]) is not None
            if answer.status_code != 200 or not redirected or not filed:
                answer.failure(f"submit: HTTP {answer.status_code}, "
                               f"{'redirected' if redirected else 'not redirected'}, "
                               f"{'filed' if filed else 'no receipt'}")

    def finish(self):
        run["finished"] += 1
        if run["finished"] == self.environment.parsed_options.num_users:
            gevent.spawn(self.environment.runner.quit)
        raise StopUser()
