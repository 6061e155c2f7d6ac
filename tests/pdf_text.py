"""The text of a generated PDF, for tests that read what a notice or report says."""

import io

from pdfminer.high_level import extract_text


def pdf_text(pdf: bytes) -> str:
    """All text, whitespace removed: CJK lines wrap anywhere, so compare without breaks."""
    return "".join(extract_text(io.BytesIO(pdf)).split())
