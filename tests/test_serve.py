"""briefgen serve, tried as a user would: start it, edit the brief, see the page change."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        body: bytes = response.read()
    return body.decode()


def wait_for(check: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@contextlib.contextmanager
def serving(folder: Path, *options: str) -> Iterator[str]:
    """`briefgen serve FOLDER` on a free port, as a user starts it; yields its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "serve", str(folder), "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:"), line
        yield line.split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def served(brief_dir: Callable[..., Path]) -> Iterator[tuple[Path, str]]:
    content = brief_dir()
    with serving(content) as url:
        yield content, url


def test_an_edit_shows_in_the_served_page(served: tuple[Path, str]) -> None:
    content, url = served
    page = fetch(url)
    assert "The public judgment stands in every" in page
    assert "CANARYINTERNAL" not in page  # the public page, filtered as in a build
    version = fetch(url + "__version")
    brief = content / "brief.yaml"
    brief.write_text(
        brief.read_text().replace("The public judgment stands", "The revised judgment stands")
    )
    assert wait_for(lambda: "The revised judgment stands" in fetch(url))
    assert fetch(url + "__version") != version  # what the page polls to reload itself


def test_a_content_error_shows_in_the_page_and_the_server_keeps_running(
    served: tuple[Path, str],
) -> None:
    content, url = served
    milestones = content / "milestones.yaml"
    good = milestones.read_text()
    milestones.write_text(good.replace("sources: [public-source]", "sources: [nato-2031]", 1))
    assert wait_for(lambda: "The brief has errors" in fetch(url))
    assert "unknown source &#x27;nato-2031&#x27;" in fetch(url)
    milestones.write_text(good)
    assert wait_for(lambda: "The public judgment stands" in fetch(url))


@pytest.mark.parametrize("path", ["../../etc/passwd", "brief.yaml", "snapshots/public.txt"])
def test_unknown_paths_are_not_found(served: tuple[Path, str], path: str) -> None:
    _, url = served
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch(url + path)
    assert error.value.code == 404


def test_the_open_page_reloads_itself(served: tuple[Path, str]) -> None:
    from test_browser import CHROMIUM, FLAGS

    if not CHROMIUM:
        pytest.skip("no chromium on this machine")
    from playwright.sync_api import sync_playwright

    content, url = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(url)
        assert "The public judgment" in page.inner_text("main")
        brief = content / "brief.yaml"
        brief.write_text(brief.read_text().replace("The public judgment", "The live judgment"))
        page.wait_for_function(
            "document.body.innerText.includes('The live judgment')", timeout=20_000
        )
        browser.close()


def test_a_project_lists_its_briefs_and_each_brief_its_audiences(tmp_path: Path) -> None:
    from briefgen.tools.new import create_brief

    for name in ("energy", "ports"):
        create_brief(tmp_path / "desk" / name, title=f"The {name} brief")
    with serving(tmp_path / "desk") as url:
        listing = fetch(url)
        assert '<a href="/energy/">energy</a>' in listing and "/ports/" in listing
        page = fetch(url + "ports/")
        assert "The ports brief" in page
        bar = page[page.index('<nav aria-label="briefgen preview"') :]
        bar = bar[: bar.index("</nav>")]
        assert 'href="/"' in bar  # back to the list of briefs
        for audience in ("analyst", "minister", "public"):
            assert f'href="/ports/{audience}/"' in bar
        assert 'href="/ports/public/brief.pdf"' in bar
        minister = fetch(url + "ports/minister/")
        assert "The ports brief" in minister and 'href="/ports/minister/brief.pdf"' in minister


def test_the_pdf_is_served_with_its_pages_against_the_budget(
    brief_dir: Callable[..., Path],
) -> None:
    import json

    from pypdf import PdfReader

    content = brief_dir()
    with serving(content) as url:
        info = json.loads(fetch(url + "minister/pdf.json"))
        with urllib.request.urlopen(url + "minister/brief.pdf", timeout=60) as response:
            assert response.headers["Content-Type"] == "application/pdf"
            pdf = PdfReader(io.BytesIO(response.read()))
    pages = len(pdf.pages)
    assert info["text"] == f"{pages} page{'s' * (pages != 1)} of a budget of 2"
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "CANARYRESTRICTEDJUDGMENT" in text  # the minister's PDF, as a build makes it


def test_an_audience_the_brief_lacks_is_not_found(served: tuple[Path, str]) -> None:
    _, url = served
    for path in ("nobody/", "nobody/brief.pdf", "nobody/pdf.json"):
        with pytest.raises(urllib.error.HTTPError) as error:
            fetch(url + path)
        assert error.value.code == 404


def test_pages_text_says_when_a_pdf_is_over_its_budget() -> None:
    from briefgen.tools.serve import pages_text

    assert pages_text(1, None)["text"] == "1 page"
    assert pages_text(3, 2) == {"text": "3 pages: over its budget of 2", "colour": "#ffb4a8"}


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/desk/energy/", ("desk/energy", None, "page")),
        ("/desk/energy/minister/brief.pdf", ("desk/energy", "minister", "pdf")),
        ("/desk/energy/public/?reload=1", ("desk/energy", "public", "page")),
        ("/desk/energy/public/pdf.json", ("desk/energy", "public", "pdf.json")),
        ("//elsewhere/desk/energy/public/", None),  # a path, never a host to skip
        ("/desk/energy/../ports/public/", None),
        ("/desk/energy/public/brief.pdf/more", None),
        ("/desk/", None),
    ],
)
def test_a_project_path_names_a_brief_an_audience_and_a_part(
    path: str, page: tuple[str, str | None, str] | None
) -> None:
    from briefgen.tools.serve import Page, Preview

    preview = Preview.__new__(Preview)  # its routes alone, without a brief to render
    preview.briefs = {"desk/energy": Path("."), "desk/ports": Path(".")}
    assert preview.route(path) == (Page(*page) if page else None)
