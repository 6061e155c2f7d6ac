"""The fonts PDFs are printed in: TrueType fonts embedded as subsets, chosen per
character along a fallback chain.

Notices name people, and Chinese names use characters beyond the Basic Multilingual
Plane (张𠮷, 𬌗: CJK Unified Ideographs Extension B and later). reportlab's built-in CID
font STSong-Light is not embedded and covers the BMP only, so such a name came out as
another character (张䋟). The default chain is Hanazono Mincho (Debian's
`fonts-hanazono`, SIL OFL 1.1 / Hanazono Font License): HanaMinA, which covers the BMP
and part of the supplementary planes, then HanaMinB for the rest of Extensions B–F.
A character no font of the chain can draw is reported by `missing()`, never printed as
something else.

No ORM. The directory is `settings.PDF_FONT_DIR` (environment variable
`CASEFLOW_PDF_FONT_DIR`), read by `configured_fonts()` only.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/hanazono"
DEFAULT_CHAIN = ("HanaMinA.ttf", "HanaMinB.ttf")


class FontsMissing(RuntimeError):
    """The configured font files are not there (run `make install`)."""


@dataclass(frozen=True)
class FontChain:
    names: tuple[str, ...]  # registered reportlab font names, first choice first
    coverage: tuple[frozenset[int], ...]  # the code points each one draws

    @property
    def base(self) -> str:
        return self.names[0]

    def font_for(self, char: str) -> str | None:
        code = ord(char)
        for name, covered in zip(self.names, self.coverage, strict=True):
            if code in covered:
                return name
        return None

    def missing(self, text: str) -> list[str]:
        """The characters of `text` no font of the chain draws, each once, in order
        (line breaks and other whitespace need no glyph)."""
        seen: list[str] = []
        for char in text:
            if not char.isspace() and char not in seen and self.font_for(char) is None:
                seen.append(char)
        return seen

    def markup(self, text: str) -> str:
        """`text` escaped for a reportlab Paragraph, each run of characters that the
        base font lacks wrapped in the fallback font that has them."""
        parts: list[str] = []
        run, run_font = "", self.base
        for char in text:
            font = self.base if char.isspace() else (self.font_for(char) or self.base)
            if font != run_font and run:
                parts.append(self._run(run, run_font))
                run = ""
            run, run_font = run + char, font
        if run:
            parts.append(self._run(run, run_font))
        return "".join(parts).replace("\n", "<br/>")

    def _run(self, run: str, font: str) -> str:
        if font == self.base:
            return escape(run)
        return f'<font name="{font}">{escape(run)}</font>'


def _to_unicode_cmap(fontname, subset):
    """reportlab's ToUnicode CMap, with each character as UTF-16BE as the PDF reference
    requires: reportlab 5.1 writes `<%04X>` of the code point, so 𠮷 (U+20BB7) came out
    as `<20BB7>` and text extraction, search and copy read another character."""
    cmap = _REPORTLAB_TO_UNICODE_CMAP(fontname, subset)
    head, _, rest = cmap.partition("beginbfchar\n")
    _, _, tail = rest.partition("endbfchar")
    pairs = "\n".join(f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>"
                      for i, v in enumerate(subset))
    return f"{head}beginbfchar\n{pairs}\nendbfchar{tail}"


_REPORTLAB_TO_UNICODE_CMAP = ttfonts.makeToUnicodeCMap
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@functools.cache
def font_chain(directory: str, files: tuple[str, ...] = DEFAULT_CHAIN) -> FontChain:
    """Register the chain's fonts with reportlab once per process (they are large)."""
    names, coverage = [], []
    for file in files:
        path = os.path.join(directory, file)
        if not os.path.isfile(path):
            raise FontsMissing(f"PDF font {path} not found: install fonts-hanazono "
                               "(`make install`) or set CASEFLOW_PDF_FONT_DIR.")
        name = "Caseflow-" + os.path.splitext(file)[0]
        font = TTFont(name, path)
        pdfmetrics.registerFont(font)
        names.append(name)
        coverage.append(frozenset(c for c, glyph in font.face.charToGlyph.items() if glyph))
    return FontChain(tuple(names), tuple(coverage))


def configured_fonts() -> FontChain:
    from django.conf import settings

    return font_chain(str(getattr(settings, "PDF_FONT_DIR", DEFAULT_FONT_DIR)))
