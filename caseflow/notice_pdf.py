"""Formal written notices (通知书) rendered as PDF bytes.

A notice sent on paper or by email must be exactly the version that was approved. So rendering
is deterministic (the same `NoticeDocument` always gives byte-identical PDFs: reportlab's
`invariant` mode drops the creation date and random document ID) and callers store
`content_sha256()` of the approved PDF to check that the file actually sent has the same hash.

No ORM. The text is printed in embedded subsets of the TrueType fonts of a
`caseflow.pdf_fonts.FontChain` (by default the configured one), chosen per character, so
that a name such as 张𠮷 prints as itself in any viewer; `unprintable()` names the
characters the fonts cannot draw, which callers refuse before rendering.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from caseflow.errors import InvalidInput
from caseflow.pdf_fonts import FontChain, configured_fonts

_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class NoticeDocument:
    title: str  # e.g. "申诉、投诉和争议受理通知书"
    number: str  # case number, e.g. "TS-2026-0007"
    recipient: str  # may be empty: then no "致：" line
    body: str  # paragraphs separated by blank lines; plain text, never markup
    issued_on: dt.date
    issuer: str = "碳核查业务 气候事业部"


@dataclass(frozen=True)
class _Styles:
    base: ParagraphStyle
    title: ParagraphStyle
    body: ParagraphStyle
    signature: ParagraphStyle


def _styles(font: str) -> _Styles:
    base = ParagraphStyle("notice", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    return _Styles(
        base=base,
        title=ParagraphStyle("notice-title", parent=base, fontSize=20, leading=28,
                             alignment=TA_CENTER, spaceAfter=6 * mm),
        body=ParagraphStyle("notice-body", parent=base, firstLineIndent=24,
                            spaceAfter=3 * mm),
        signature=ParagraphStyle("notice-signature", parent=base, alignment=TA_RIGHT),
    )


def unprintable(doc: NoticeDocument, fonts: FontChain | None = None) -> dict[str, list[str]]:
    """{field: characters no font can draw} for the fields of `doc` that have any."""
    fonts = fonts or configured_fonts()
    found = {name: fonts.missing(getattr(doc, name))
             for name in ("title", "number", "recipient", "body", "issuer")}
    return {name: chars for name, chars in found.items() if chars}


def render_notice_pdf(doc: NoticeDocument, fonts: FontChain | None = None) -> bytes:
    fonts = fonts or configured_fonts()
    for field, chars in unprintable(doc, fonts).items():
        raise InvalidInput(_("The PDF cannot print %(chars)s.") % {"chars": " ".join(chars)},
                           rule="R8.07", field=field)
    styles = _styles(fonts.base)
    markup = fonts.markup
    story = [
        Paragraph(markup(doc.title), styles.title),
        Paragraph(f"编号 / No.: {markup(doc.number)}", styles.base),
    ]
    if doc.recipient.strip():
        story.append(Paragraph(f"致：{markup(doc.recipient)}", styles.base))
    story.append(Spacer(1, 6 * mm))
    story += [Paragraph(markup(p), styles.body) for p in _paragraphs(doc.body)]
    story += [
        Spacer(1, 12 * mm),
        Paragraph(markup(doc.issuer), styles.signature),
        Paragraph(_chinese_date(doc.issued_on), styles.signature),
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


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
