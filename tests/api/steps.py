"""Helpers the end-to-end API tests share: check a response, sign a per-case commitment,
take a workflow step, upload a small PDF."""

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="document.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def ok(response, code=200):
    """Assert the status code; the JSON body (or the response itself for files)."""
    assert response.status_code == code, (response.status_code, response.content[:800])
    if code == 204:
        return response
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    return response


def refused(response, code, rule=None):
    """Assert a refusal: the status code and, where given, the rule it names."""
    assert response.status_code == code, (response.status_code, response.content[:800])
    body = response.json()
    if rule is not None:
        assert body["rule"] == rule, body
    return body


def sign(client, case_id):
    """R9.01: the caller signs the per-case commitment for `case_id` over HTTP."""
    return ok(client.post("/api/declarations/", {"kind": "case", "case": case_id},
                          format="json"), 201)


def step(client, case_id, name, payload=None, fmt="json", code=200):
    return ok(client.post(f"/api/cases/{case_id}/transitions/{name}/", payload or {},
                          format=fmt), code)


def attempt(client, case_id, name, payload=None, fmt="json"):
    """Take a step without asserting success (for refusals)."""
    return client.post(f"/api/cases/{case_id}/transitions/{name}/", payload or {}, format=fmt)


def transitions(client, case_id):
    return ok(client.get(f"/api/cases/{case_id}/transitions/"))["transitions"]


def events(detail):
    return [e["action"] for e in detail["events"]]
