"""Driving Debian's Chromium (never a downloaded browser) and keeping screenshots for
`make screenshots` (README)."""

import os
import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


def shot(page, name):
    """With SCREENSHOT_DIR set, the page as a full-length screenshot."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
