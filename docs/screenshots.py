"""Regenerate the README's pictures: page 1 of each audience's PDF and the top of its web page.

    .venv/bin/python docs/screenshots.py

Needs poppler-utils (pdftoppm) and Chromium, as the tests do.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from briefgen.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
LANGUAGES = ROOT / "tests" / "fixtures" / "languages"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def page_one(pdf: Path, prefix: Path) -> None:
    """Page 1 of a PDF as PNG, at a size the README can show."""
    command = ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*command, str(pdf), str(prefix)], check=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp)
        build(ROOT / "content", out_dir=built)
        for audience in ("minister", "analyst", "public"):
            page_one(built / audience / "brief.pdf", OUT / f"{audience}-pdf")
        for lang in ("ja", "ar"):  # briefs written for the tests, in other scripts
            build(LANGUAGES / lang, out_dir=built / lang, audiences=["analyst"])
            page_one(built / lang / "analyst" / "brief.pdf", OUT / f"analyst-{lang}-pdf")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            for audience, width in (("public", 1000), ("analyst", 1000)):
                page = browser.new_page(viewport={"width": width, "height": 760})
                page.goto((built / audience / "brief.html").as_uri())
                page.screenshot(path=str(OUT / f"{audience}-web.png"))
            phone = browser.new_page(viewport={"width": 390, "height": 760})
            phone.goto((built / "public" / "brief.html").as_uri())
            phone.screenshot(path=str(OUT / "public-phone.png"))
            browser.close()
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.png')))}")


if __name__ == "__main__":
    main()
