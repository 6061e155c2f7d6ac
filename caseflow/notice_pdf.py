"""Formal written notices (通知书) rendered as PDF bytes.

A notice sent on paper or by email must be exactly the version that was approved. So rendering
is deterministic (the same `NoticeDocument` always gives byte-identical PDFs: reportlab's
`invariant` mode drops the creation date and random document ID) and callers store
`content_sha256()` of the approved PDF to check that the file actually sent has the same hash.

Pure logic: no ORM, no settings. Chinese uses reportlab's built-in CID font STSong-Light, which
needs no font file on the server (the PDF viewer supplies the glyphs).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))  # idempotent: re-registering replaces it

_BASE = ParagraphStyle("notice", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK")
_TITLE = ParagraphStyle(
    "notice-title", parent=_BASE, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=6 * mm
)
_BODY = ParagraphStyle("notice-body", parent=_BASE, firstLineIndent=24, spaceAfter=3 * mm)
_SIGNATURE = ParagraphStyle("notice-signature", parent=_BASE, alignment=TA_RIGHT)

_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class NoticeDocument:
    title: str  # e.g. "申诉、投诉和争议受理通知书"
    number: str  # case number, e.g. "TS-2026-0007"
    recipient: str  # may be empty: then no "致：" line
    body: str  # paragraphs separated by blank lines; plain text, never markup
    issued_on: dt.date
    issuer: str = "碳核查业务 气候事业部"


def render_notice_pdf(doc: NoticeDocument) -> bytes:
    story = [
        Paragraph(_markup(doc.title), _TITLE),
        Paragraph(f"编号 / No.: {_markup(doc.number)}", _BASE),
    ]
    if doc.recipient.strip():
        story.append(Paragraph(f"致：{_markup(doc.recipient)}", _BASE))
    story.append(Spacer(1, 6 * mm))
    story += [Paragraph(_markup(p), _BODY) for p in _paragraphs(doc.body)]
    story += [
        Spacer(1, 12 * mm),
        Paragraph(_markup(doc.issuer), _SIGNATURE),
        Paragraph(_chinese_date(doc.issued_on), _SIGNATURE),
    ]

    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=doc.title,
        author=doc.issuer,
        invariant=1,  # no timestamp, no random ID: same input, same bytes, same hash
    ).build(story)
    return buffer.getvalue()


def content_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in _BLANK_LINES.split(body.strip()) if p.strip()]


def _markup(text: str) -> str:
    # User text is literal: escape it for Paragraph's XML markup; keep single line breaks.
    return escape(text).replace("\n", "<br/>")


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
