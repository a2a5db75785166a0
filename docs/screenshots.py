"""Regenerate the README's pictures: page 1 of each audience's PDF and the top of its web page.

    .venv/bin/python docs/screenshots.py

Needs poppler-utils (pdftoppm), Chromium and LibreOffice, as the tests do.
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


# An English article, cited by the Arabic brief's first statement: the page shows
# Latin-script names, a page range and a URL read in order inside a right-to-left note.
ENGLISH_SOURCE = """- id: doe-2023
  type: article-journal
  title: Storm surge damage to small ports
  authors: [{family: Doe, given: Jane}, {family: Roe, given: Richard}]
  container: Journal of Coastal Engineering
  volume: "12"
  pages: 45–67
  published: 2023
  url: https://example.org/ports/2023
  language: en
  reliability: C
"""


def cite_english_source(content: Path) -> None:
    sources = content / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + ENGLISH_SOURCE, encoding="utf-8")
    brief = content / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("sources: [dirasa-2026]", "sources: [doe-2023]", 1))


def word_page_one(docx: Path, folder: Path, prefix: Path) -> None:
    """Page 1 of a .docx as LibreOffice lays it out."""
    command = ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder)]
    subprocess.run([*command, str(docx)], check=True, capture_output=True)
    page_one(folder / "brief.pdf", prefix)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp)
        build(ROOT / "content", out_dir=built)
        for audience in ("minister", "analyst", "public"):
            page_one(built / audience / "brief.pdf", OUT / f"{audience}-pdf")
        for lang in ("ja", "ar"):  # briefs written for the tests, in other scripts
            content = built / f"{lang}-content"
            shutil.copytree(LANGUAGES / lang, content)
            if lang == "ar":
                cite_english_source(content)
            build(content, out_dir=built / lang, audiences=["analyst"])
            page_one(built / lang / "analyst" / "brief.pdf", OUT / f"analyst-{lang}-pdf")
        word_page_one(built / "minister" / "brief.docx", built / "word", OUT / "minister-docx")
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
