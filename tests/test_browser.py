"""The web pages in a real browser: no errors, no network, working notes, phone width, axe.

Drives the system's Chromium (Debian package `chromium`) through Playwright;
set BRIEFGEN_CHROMIUM to use another binary.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("BRIEFGEN_CHROMIUM") or shutil.which("chromium") or ""
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no chromium on this machine")

AUDIENCES = ("minister", "analyst", "public")
# Chromium as root, offline: no sandbox, no background traffic.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def open_page(browser: object, path: Path, width: int = 1200) -> tuple[object, list[str]]:
    """The page, and every problem seen while loading it: console errors, requests."""
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith(("file:", "data:")) else problems.append(f"request: {r.url}")
        ),
    )
    page.goto(path.as_uri())
    return page, problems


@pytest.mark.parametrize("audience", AUDIENCES)
def test_page_loads_without_errors_or_requests(
    browser: object, sample_build: Path, audience: str
) -> None:
    page, problems = open_page(browser, sample_build / audience / "brief.html")
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert problems == []
    page.close()  # type: ignore[attr-defined]


def test_note_call_and_back_link(browser: object, sample_build: Path) -> None:
    page, _ = open_page(browser, sample_build / "analyst" / "brief.html")
    page.click("#call-12")  # type: ignore[attr-defined]
    assert page.url.endswith("#note-12")  # type: ignore[attr-defined]
    assert page.locator("#note-12").is_visible()  # type: ignore[attr-defined]
    page.click("#note-12 a.back")  # type: ignore[attr-defined]
    assert page.url.endswith("#call-12")  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_note_shows_on_focus_without_script(browser: object, sample_build: Path) -> None:
    page, _ = open_page(browser, sample_build / "public" / "brief.html")
    preview = page.locator("#call-3 >> xpath=../..").locator(".note-preview")  # type: ignore
    assert not preview.is_visible()
    page.focus("#call-3")  # type: ignore[attr-defined]
    assert preview.is_visible()
    assert "para." in preview.inner_text()
    page.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_nothing_overflows_at_phone_width(
    browser: object, sample_build: Path, audience: str
) -> None:
    page, _ = open_page(browser, sample_build / audience / "brief.html", width=390)
    overflow = page.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_axe_finds_no_serious_violations(
    browser: object, sample_build: Path, audience: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, _ = open_page(browser, sample_build / audience / "brief.html")
    results = Axe().run(page)
    serious = [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    page.close()  # type: ignore[attr-defined]
