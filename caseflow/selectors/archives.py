"""The archived dossier of a case (R10.05): its files named `序号-文件名称` in order, and
the event trail as a manifest."""

from __future__ import annotations

import io
import os
import zipfile

from django.utils import timezone

from caseflow.models import NOTICE_TITLES, Case, Finding, Staff
from caseflow.policies.confidentiality import notice_refusal
from caseflow.spreadsheets import csv_bytes

SIDE_TITLES = {Finding.Side.SUBMITTER: "提出方", Finding.Side.RESPONDENT: "被投诉方",
               Finding.Side.BODY: "本机构"}
SUBMISSION_TITLES = {"complaint": "投诉书面材料", "appeal": "书面申诉材料",
                     "dispute": "争议书面材料", "nonconformity": "不符合报告"}


def dossier_documents(case: Case, viewer: Staff | None = None) -> list[tuple[str, object]]:
    """(title, stored file) in the order they arose: submission, evidence, notices,
    corrective-action reports. For a `viewer`, the notices naming a person whose identity
    was erased are left out unless they keep the archive (X8, X12)."""
    documents = []
    if case.submission_document:
        documents.append((SUBMISSION_TITLES[case.kind], case.submission_document))
    for finding in case.findings.exclude(evidence="").order_by("recorded_at", "id"):
        documents.append((f"调查证据（{SIDE_TITLES[finding.side]}）", finding.evidence))
    for notice in case.notices.order_by("approved_at", "id"):
        if viewer is not None and notice_refusal(notice, viewer):
            continue
        documents.append((NOTICE_TITLES[notice.kind], notice.file))
    if hasattr(case, "nonconformity"):
        for cycle in case.nonconformity.cycles.exclude(report_file="").order_by("number"):
            documents.append((f"纠正措施实施报告（第{cycle.number}轮）", cycle.report_file))
    return documents


def event_manifest(case: Case) -> bytes:
    """The event trail as CSV; reasons are typed text, written formula-safe."""
    return csv_bytes(
        ["时间", "操作人", "操作", "原状态", "新状态", "理由"],
        ([timezone.localtime(event.at).isoformat(timespec="seconds"),
          event.actor.display_name if event.actor else event.actor_label,
          event.action, event.from_state, event.to_state, event.reason]
         for event in case.events.select_related("actor").order_by("at", "id")))


def dossier_zip(case: Case, viewer: Staff | None = None) -> tuple[str, bytes]:
    """The zip's file name and bytes; entries `01-…`, `02-…`, the manifest last; what
    `viewer` may open of it (a borrower does not get an erased person's notices)."""
    buffer = io.BytesIO()
    documents = dossier_documents(case, viewer)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (title, stored) in enumerate(documents, start=1):
            extension = os.path.splitext(stored.name)[1].lower()
            with stored.open("rb") as f:
                archive.writestr(f"{index:02d}-{title}{extension}", f.read())
        archive.writestr(f"{len(documents) + 1:02d}-案件记录.csv", event_manifest(case))
    number = case.archive.archive_number if hasattr(case, "archive") else case.number
    return f"{number.replace('/', '_')}.zip", buffer.getvalue()
