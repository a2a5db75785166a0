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
from playwright.sync_api import Browser, Page  # noqa: E402  (after the skip if it is missing)

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
def browser() -> Iterator[Browser]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def open_page(browser: Browser, path: Path, width: int = 1200) -> tuple[Page, list[str]]:
    """The page, and every problem seen while loading it: console errors, requests."""
    page = browser.new_page(viewport={"width": width, "height": 900})
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


def serious_violations(page: Page) -> list[str]:
    """What axe finds serious or critical on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_page_loads_without_errors_or_requests(
    browser: Browser, sample_build: Path, audience: str
) -> None:
    page, problems = open_page(browser, sample_build / audience / "brief.html")
    page.wait_for_load_state("networkidle")
    assert problems == []
    page.close()


def test_note_call_and_back_link(browser: Browser, sample_build: Path) -> None:
    page, _ = open_page(browser, sample_build / "analyst" / "brief.html")
    page.click("#call-12")
    assert page.url.endswith("#note-12")
    assert page.locator("#note-12").is_visible()
    page.click("#note-12 a.back")
    assert page.url.endswith("#call-12")
    page.close()


def test_note_shows_on_focus_without_script(browser: Browser, sample_build: Path) -> None:
    page, _ = open_page(browser, sample_build / "public" / "brief.html")
    preview = page.locator("#call-3 >> xpath=../..").locator(".note-preview")
    assert not preview.is_visible()
    page.focus("#call-3")
    assert preview.is_visible()
    assert "para" in preview.inner_text()
    page.close()


@pytest.mark.parametrize("audience", AUDIENCES)
def test_nothing_overflows_at_phone_width(
    browser: Browser, sample_build: Path, audience: str
) -> None:
    page, _ = open_page(browser, sample_build / audience / "brief.html", width=390)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.close()


@pytest.mark.parametrize("audience", AUDIENCES)
def test_axe_finds_no_serious_violations(
    browser: Browser, sample_build: Path, audience: str
) -> None:
    page, _ = open_page(browser, sample_build / audience / "brief.html")
    serious = serious_violations(page)
    assert serious == []
    page.close()


def test_a_phone_gets_a_vertical_timeline_it_can_read(browser: Browser, sample_build: Path) -> None:
    """At 390 px the drawn figure would shrink its labels past reading: it gives way to
    the list, as a vertical line with each date above its event, in readable type."""
    page, _ = open_page(browser, sample_build / "public" / "brief.html", width=390)
    assert not page.locator("figure.timeline").is_visible()
    items = page.locator(".timeline-list li")
    assert items.count() > 3
    for i in range(items.count()):
        date = items.nth(i).locator("time").bounding_box()
        event = items.nth(i).locator(".event").bounding_box()
        assert date and event and date["y"] + date["height"] <= event["y"] + 1  # stacked
    line = page.evaluate(
        "getComputedStyle(document.querySelector('.timeline-list')).borderInlineStartWidth"
    )
    assert line == "2px"
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.timeline-list .event')).fontSize)"
    )
    assert size >= 14
    page.close()


@pytest.fixture(scope="module")
def blocks_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A brief with a figure, a long table and a table too wide for a phone."""
    from blockbrief import write_brief

    from briefgen.pipeline import build

    folder = write_brief(tmp_path_factory.mktemp("blocks") / "brief", seed=3)
    build(folder, out_dir=folder.parent / "out", audiences=["public"], formats=["html"])
    return folder.parent / "out" / "public" / "brief.html"


def test_figures_and_tables_load_nothing_and_show(
    browser: Browser, blocks_page: Path, canary_build: Path
) -> None:
    for path in (blocks_page, canary_build / "public" / "brief.html"):
        page, problems = open_page(browser, path)
        page.wait_for_load_state("networkidle")
        assert problems == []
        widths = page.evaluate("[...document.images].map(i => i.naturalWidth)")
        assert widths and all(w > 0 for w in widths)
        page.close()


def test_a_wide_table_scrolls_in_its_own_box_on_a_phone(
    browser: Browser, blocks_page: Path
) -> None:
    page, _ = open_page(browser, blocks_page, width=390)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    box = page.locator("#tab-wide >> xpath=..")
    assert box.get_attribute("class") == "table-scroll"
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # it scrolls, inside
    assert box.get_attribute("tabindex") == "0"  # and a keyboard can scroll it
    page.close()


@pytest.mark.parametrize("width", [1200, 390])
def test_axe_finds_nothing_serious_beside_figures_and_tables(
    browser: Browser, blocks_page: Path, canary_build: Path, width: int
) -> None:
    for path in (blocks_page, canary_build / "analyst" / "brief.html"):
        page, _ = open_page(browser, path, width=width)
        serious = serious_violations(page)
        assert serious == [], path
        page.close()


@pytest.fixture(scope="module")
def project_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public index of a three-brief project (test_project.make_project)."""
    from test_project import make_project

    from briefgen.pipeline import build

    root = make_project(tmp_path_factory.mktemp("project"))
    build(root, out_dir=root / "out", formats=["html"])
    return root / "out" / "public" / "index.html"


def test_the_index_filters_as_one_types_under_its_own_policy(
    browser: Browser, project_index: Path
) -> None:
    page, problems = open_page(browser, project_index)
    assert page.locator("#filter").is_visible()  # the script ran: its hash is allowed
    assert page.locator("li.brief:visible").count() == 2
    page.fill("#filter", "港湾")
    assert page.locator("li.brief:visible").count() == 1
    assert page.locator("#count").inner_text() == "Shown: 1 of 2"
    page.fill("#filter", "no such words")
    assert page.locator("li.brief:visible").count() == 0
    assert page.locator("#none").is_visible()
    page.fill("#filter", "")
    assert page.locator("li.brief:visible").count() == 2
    assert page.locator("#count").inner_text() == "2 briefs"
    assert problems == []
    page.close()


@pytest.mark.parametrize("width", [1200, 390])
def test_the_index_is_accessible_and_fits_a_phone(
    browser: Browser, project_index: Path, width: int
) -> None:
    # axe is injected as a script, which the index's policy would refuse.
    page = browser.new_page(viewport={"width": width, "height": 900}, bypass_csp=True)
    page.goto(project_index.as_uri())
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    serious = serious_violations(page)
    assert serious == []
    page.close()
