import datetime as dt
from dataclasses import replace

import pytest

from caseflow.errors import InvalidInput
from caseflow.notice_pdf import NoticeDocument, content_sha256, render_notice_pdf, unprintable
from tests.pdf_text import pdf_text

TITLE = "申诉、投诉和争议受理通知书"
SENTENCE = "经审查，符合受理条件，本机构决定予以受理。"

NOTICE = NoticeDocument(
    title=TITLE,
    number="TS-2026-0007",
    recipient="张三",
    body=f"您于2026年3月2日提交的申诉材料已收到。\n\n{SENTENCE}",
    issued_on=dt.date(2026, 3, 5),
)


def test_render_is_a_pdf_and_deterministic():
    first, second = render_notice_pdf(NOTICE), render_notice_pdf(NOTICE)

    assert first.startswith(b"%PDF")
    assert first == second
    assert content_sha256(first) == content_sha256(second)
    assert len(content_sha256(first)) == 64


def test_different_body_gives_different_hash():
    changed = replace(NOTICE, body="本机构决定不予受理。")

    assert content_sha256(render_notice_pdf(changed)) != content_sha256(render_notice_pdf(NOTICE))


def test_chinese_text_is_in_the_pdf():
    text = pdf_text(render_notice_pdf(NOTICE))

    assert TITLE in text
    assert SENTENCE in text
    assert "TS-2026-0007" in text
    assert "致：张三" in text
    assert "2026年3月5日" in text


def test_markup_in_user_text_is_rendered_literally():
    notice = replace(NOTICE, recipient="", body="请注意 <b>& 与 <script>alert(1)</script>")

    text = pdf_text(render_notice_pdf(notice))

    assert "<b>&与<script>alert(1)</script>" in text
    assert "致：" not in text


# Names beyond the Basic Multilingual Plane: 𠮷 (U+20BB7, Extension B), 𬌗 (U+2C317,
# Extension E), 𠀁 (U+20001, drawn only by the second font of the chain), and a common one.
RARE_NAMES = "张𠮷、𬌗小明、𠀁某、王小红"


def test_issue_10_names_beyond_the_bmp_round_trip_through_the_pdf_text():
    """Issue 10: every character of the name is in the PDF's text as itself, not as a
    look-alike from the BMP (the CID font printed 张𠮷 as 张䋟)."""
    text = pdf_text(render_notice_pdf(replace(NOTICE, recipient=RARE_NAMES,
                                              body=f"{RARE_NAMES}：{SENTENCE}")))

    assert f"致：{RARE_NAMES}" in text
    assert f"{RARE_NAMES}：{SENTENCE}" in text
    assert "䋟" not in text


def test_issue_10_the_fonts_are_embedded_subsets_not_the_viewers_cid_font():
    pdf = render_notice_pdf(replace(NOTICE, recipient=RARE_NAMES))

    assert b"STSong-Light" not in pdf
    assert pdf.count(b"/FontFile2") >= 2  # HanaMinA and, for 𠀁, HanaMinB
    assert render_notice_pdf(replace(NOTICE, recipient=RARE_NAMES)) == pdf


def test_issue_10_a_character_no_font_draws_is_refused_not_replaced():
    notice = replace(NOTICE, recipient="张三🎉")

    assert unprintable(notice) == {"recipient": ["🎉"]}
    with pytest.raises(InvalidInput) as refused:
        render_notice_pdf(notice)
    assert (refused.value.rule, refused.value.field) == ("R8.07", "recipient")
