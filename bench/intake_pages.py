"""What the public-intake benchmark reads in the pages it is served and what it posts back:
the form's hidden fields (the CSRF token among them) and choices, the submission each
system's form needs, and the answer that proves a submission was filed (Caseflow's
receipt, django-helpdesk's ticket page). Plain functions over HTML text, so the locust
users (bench/locust_intake.py) and the tests share them."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
SELECT = re.compile(r"<select\b[^>]*\bname=\"([^\"]+)\"[^>]*>(.*?)</select>",
                    re.IGNORECASE | re.DOTALL)
OPTION = re.compile(r"<option\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"([a-zA-Z_:-]+)(?:=\"([^\"]*)\")?")
RECEIPT_NUMBER = re.compile(r"<dd class=\"number\">\s*([^<\s]+)\s*</dd>")
RECEIPT_CODE = re.compile(r"<code class=\"code\">\s*([^<\s]+)\s*</code>")


def attributes(tag: str) -> dict[str, str]:
    inner = tag.strip("<>/").split(None, 1)
    found = ATTRIBUTE.findall(inner[1]) if len(inner) > 1 else []
    return {name.lower(): html.unescape(value) for name, value in found}


def hidden_fields(page: str) -> dict[str, str]:
    """The form's hidden inputs as a browser sends them back (the CSRF token, Caseflow's
    kept attachments)."""
    fields = {}
    for tag in INPUT.findall(page):
        found = attributes(tag)
        if found.get("type", "").lower() == "hidden" and found.get("name"):
            fields[found["name"]] = found.get("value", "")
    return fields


def choices(page: str, name: str) -> list[str]:
    """The values offered for field `name`: its radio buttons' or its select's options
    (the empty "choose one" option left out)."""
    values = []
    for tag in INPUT.findall(page):
        found = attributes(tag)
        if found.get("type", "").lower() == "radio" and found.get("name") == name:
            values.append(found.get("value", ""))
    for select_name, options in SELECT.findall(page):
        if select_name == name:
            values += [attributes(f"<option {o}>").get("value", "")
                       for o in OPTION.findall(options)]
    return [v for v in values if v]


def selected(page: str, name: str) -> str:
    """The option a select shows as chosen (its first one when none is marked)."""
    for select_name, options in SELECT.findall(page):
        if select_name == name:
            offered = [attributes(f"<option {o}>") for o in OPTION.findall(options)]
            marked = [o for o in offered if "selected" in o]
            return (marked or offered)[0].get("value", "") if offered else ""
    return ""


def caseflow_complaint(page: str, n: int) -> dict[str, str]:
    """A named complaint filed on Caseflow's public form (`page`: the form as served):
    every required field, the privacy acknowledgement, the honeypot left empty as a
    person leaves it, an email so that a receipt is queued (django-helpdesk mails one
    too)."""
    scopes = choices(page, "scope")
    return {
        **hidden_fields(page),
        "name": f"张伟{n}",
        "email": f"complainant{n}@example.com",
        "phone": "",
        "address": "",
        "subject": f"核查报告数据有误 {n}",
        "scope": scopes[n % len(scopes)],
        "report_number": "",
        "description": "核查报告中的排放量与我们的监测数据不一致，请核实。" * 4,
        "privacy_acknowledged": "on",
        "website": "",  # the honeypot
    }


def helpdesk_ticket(page: str, n: int) -> dict[str, str]:
    """A ticket filed on django-helpdesk's public form (`page`: the form as served)."""
    return {
        **hidden_fields(page),
        "queue": choices(page, "queue")[0],
        "title": f"Verification report figures wrong {n}",
        "body": "The emissions in the verification report differ from our monitoring "
                "data; please check them. " * 4,
        "priority": selected(page, "priority"),
        "due_date": "",
        "submitter_email": f"submitter{n}@example.com",
    }


def caseflow_receipt(page: str) -> tuple[str, str] | None:
    """The case number and tracking code a receipt shows, or None if `page` is not one."""
    number, code = RECEIPT_NUMBER.search(page), RECEIPT_CODE.search(page)
    return (number.group(1), code.group(1)) if number and code else None


def helpdesk_ticket_shown(url: str, page: str, title: str) -> str | None:
    """The ticket django-helpdesk redirected to (`bench-12`), if `page` at `url` is its
    public view showing the ticket filed with `title`; None otherwise."""
    parts = urlsplit(url)
    ticket = parse_qs(parts.query).get("ticket", [""])[0]
    if (not parts.path.endswith("/view/") or not ticket or f"[{ticket}]" not in page
            or html.escape(title) not in page):
        return None
    return ticket
