"""The PDF report's Debian libraries are installed wherever the portal runs: `make run`, `make test` and the image."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What WeasyPrint loads (Pango, HarfBuzz and its subsetter, fontconfig) and a font to draw with.
PDF_PACKAGES = {
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz0b",
    "libharfbuzz-subset0",
    "libfontconfig1",
    "fonts-dejavu-core",
}


def test_make_run_installs_the_pdf_libraries():
    apt_run = re.search(r"^APT_RUN := (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1).split()
    assert PDF_PACKAGES <= set(apt_run)


def test_the_image_installs_the_pdf_libraries():
    assert PDF_PACKAGES <= set((ROOT / "Dockerfile").read_text().split())


def test_weasyprint_is_pinned_with_its_dependencies():
    lock = {line.split("==")[0] for line in (ROOT / "requirements.lock").read_text().split() if "==" in line}
    assert {"weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fonttools"} <= lock
