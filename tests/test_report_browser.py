"""The HTML report rendered for real, in headless Chromium: no console errors, no requests
beyond the file itself, the charts drawn. Skipped where no Chromium is installed.

``KSMCODE_UPDATE_SCREENSHOT=1 python -m pytest tests/test_report_browser.py`` also writes
the README's screenshot, docs/report.png, from the sample study.
"""

from __future__ import annotations

import os

import pytest
from browser import find_chromium, visit

import ksmcode

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="Chromium is not installed (Debian: apt-get install chromium); the HTML report is "
    "not rendered in a browser",
)
PNG = b"\x89PNG\r\n\x1a\n"
LOCAL = ("file:", "data:", "about:")


def test_the_harness_sees_console_errors_and_external_requests(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="https://example.invalid/x.png">'
        "<script>console.error('broken'); undefinedFunction();</script></body></html>"
    )
    result = visit(page, evaluate={})
    assert len(result.errors) >= 2
    assert "https://example.invalid/x.png" in result.requests


def test_report_renders_offline_without_errors(study_out, repo):
    page = ksmcode.write_report(
        study_out,
        study_out / "report.html",
        gold=repo / "gold" / "ksm_gold.csv",
        split=repo / "gold" / "split.csv",
        part="test",
    )
    width = 1100
    result = visit(
        page,
        evaluate={
            "charts": "document.querySelectorAll('figure > svg').length",
            "sections": "document.querySelectorAll('main > section').length",
            "steps": "document.querySelectorAll('ol.seq > li').length",
            "overflow": f"document.documentElement.scrollWidth > {width}",
        },
        width=width,
        shot_height=1720,
    )
    assert result.errors == []
    assert [url for url in result.requests if not url.startswith(LOCAL)] == []
    # 4 frequency charts (one per family), matrix, co-occurrence, pairwise agreement, scores
    assert result.values == {"charts": 8, "sections": 10, "steps": 7, "overflow": False}
    assert result.screenshot.startswith(PNG) and len(result.screenshot) > 50_000
    if os.environ.get("KSMCODE_UPDATE_SCREENSHOT") == "1":
        (repo / "docs").mkdir(exist_ok=True)
        (repo / "docs" / "report.png").write_bytes(result.screenshot)
