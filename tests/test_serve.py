"""briefgen serve, tried as a user would: start it, edit the brief, see the page change."""

from __future__ import annotations

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


@pytest.fixture
def served(brief_dir: Callable[..., Path]) -> Iterator[tuple[Path, str]]:
    content = brief_dir()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "serve", str(content), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:"), line
        yield content, line.split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


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


def test_serving_a_project_names_its_briefs(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from briefgen.cli import app
    from briefgen.tools.new import create_brief

    for name in ("energy", "ports"):
        create_brief(tmp_path / "desk" / name)
    result = CliRunner().invoke(app, ["serve", str(tmp_path / "desk"), "--port", "0"])
    assert result.exit_code == 2
    assert "is a project of 2 briefs; serve shows one at a time" in result.stderr
    assert "desk/energy" in result.stderr
