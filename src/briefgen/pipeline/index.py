"""The index page of each audience of a project: OUT/<audience>/index.html.

Each brief's manifest keeps, for each audience it was built for, what the index
shows of it (title, date, bottom line, highest marking, its files), taken from
the content as filtered for that audience. The index is made from the manifests,
so a build with nothing else to do needs no content loaded to write it, and it
can only show what that audience's own outputs show. An audience that sees no
statement of a brief gets no output of it, so no line in its index either.

The page is self-contained: one stylesheet and one script, both inline, and a
Content-Security-Policy that lets the page load nothing and run that script
alone. Without the script every brief is listed; with it, a text field filters
the list as one types.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..errors import TemplateError
from .manifest import MANIFEST, read_manifest

if TYPE_CHECKING:
    from ..document.model import Header, Marking
    from ..project import Project
    from .plan import Job

INDEX = "index.html"
ENTRY_KEYS = ("title", "subtitle", "date", "lang", "bottom_line", "marking", "audience_title")
# A marking as an entry keeps it: its level, its rank in the brief's scheme, its mark.
MARKING_KEYS = ("level", "portion")
_REFERENCE = re.compile(r"\s*\(?\{(?:fig|tab):[^}]*\}\)?")


def index_entries(
    planned: list[Job],
    todo: list[Job],
    selected: list[str],
    out_dir: Path,
    earlier: Any,
    withdrawn: Mapping[str, str],
) -> dict[str, dict[str, Any]]:
    """What the index of each audience shows of this brief, from the header of the
    document that audience reads. An audience built now gets a fresh entry (its
    document is made anyway); one whose outputs are current keeps its earlier entry;
    one left out of this build (`-a`) keeps its entry while its files are there and
    none of them is `withdrawn`; one that was selected but sees nothing gets none."""
    kept = {
        name: entry
        for name, entry in (earlier if isinstance(earlier, dict) else {}).items()
        if _intact(entry, out_dir)
    }
    gone = {name.rpartition("/")[0] for name in withdrawn}
    entries = {name: e for name, e in kept.items() if name not in selected and name not in gone}
    rebuilt = {job.audience.name for job in todo}
    for job in planned:
        name = job.audience.name
        if name not in entries:
            if name in kept and name not in rebuilt:
                entries[name] = {**kept[name], "files": dict(kept[name]["files"])}
            else:
                files = dict(kept[name]["files"]) if name in kept else {}
                header = header_entry(job.document().header)
                entries[name] = {**header, "audience_title": job.audience.config.title}
                entries[name]["files"] = files
        entries[name]["files"][job.fmt] = job.target.relative_to(out_dir).as_posix()
    return dict(sorted(entries.items()))


def header_entry(header: Header) -> dict[str, Any]:
    """An index entry: what the document's header says, as text, with the marking of
    each part the index shows (the title at the brief's lowest level, the bottom line
    at its own)."""
    bottom = _REFERENCE.sub("", header.bottom_line)
    return {
        "title": _plain(header.title),
        "subtitle": _plain(header.subtitle or ""),
        "date": header.date,
        "lang": header.lang,
        "bottom_line": " ".join(bottom.split()),
        "marking": header.marking.level,
        "marking_rank": header.marking.rank,
        "bottom_line_marking": _marking(header.bottom_line_marking),
    }


def _marking(marking: Marking | None) -> dict[str, Any]:
    if marking is None:
        return {"level": "", "rank": 0, "portion": ""}
    return {"level": marking.level, "rank": marking.rank, "portion": marking.portion}


def _plain(text: str) -> str:
    return text.replace("\u200b", "").replace("\u2060", "")


def _intact(entry: Any, out_dir: Path) -> bool:
    """An entry of the shape this module writes, whose files are all still there."""
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ENTRY_KEYS):
        return False
    line = entry.get("bottom_line_marking")
    if not isinstance(line, dict) or not all(isinstance(line.get(k), str) for k in MARKING_KEYS):
        return False
    ranks = (entry.get("marking_rank"), line.get("rank"))
    if not all(isinstance(r, int) and not isinstance(r, bool) for r in ranks):
        return False
    files = entry.get("files")
    if not isinstance(files, dict) or not files:
        return False
    return all(
        isinstance(p, str) and ".." not in p.split("/") and (out_dir / p).is_file()
        for p in files.values()
    )


def index_pages(
    project: Project, out_dir: Path, files: Mapping[Path, bytes | None]
) -> dict[Path, bytes | None]:
    """Every audience's index page, from the manifests being written (`files`) or, for
    the briefs not built now, those on disk."""
    listed: dict[str, list[dict[str, Any]]] = {}
    for ref in project.briefs:
        brief_out = out_dir / ref.name
        written = files.get(brief_out / MANIFEST)
        manifest = json.loads(written) if written is not None else read_manifest(brief_out)
        for audience, entry in (manifest.get("index") or {}).items():
            if not _intact(entry, brief_out) and written is None:
                continue
            folder = f"{ref.name}/" if ref.name else ""  # a lone brief's outputs: OUT/<audience>/
            links = {fmt: "../" + quote(folder + path) for fmt, path in entry["files"].items()}
            listed.setdefault(audience, []).append({**entry, "links": links, "brief": ref.name})
    pages: dict[Path, bytes | None] = {
        out_dir / audience / INDEX: render_index(project, audience, entries).encode()
        for audience, entries in sorted(listed.items())
    }
    # An audience that now sees no brief at all loses its index: an earlier page would
    # still list what it may no longer read. Only a page briefgen wrote is taken away.
    for page in sorted(out_dir.glob(f"*/{INDEX}")):
        if page not in pages and _made_here(page):
            pages[page] = None
    return pages


def _made_here(page: Path) -> bool:
    """An index page briefgen wrote: it carries the hash of briefgen's filter script."""
    try:
        return page.is_file() and script_hash().encode() in page.read_bytes()[:20_000]
    except OSError:
        return False


FILTER_SCRIPT = """
(function () {
  var box = document.getElementById("filter-box");
  var field = document.getElementById("filter");
  var items = Array.prototype.slice.call(document.querySelectorAll("li.brief"));
  var count = document.getElementById("count");
  var none = document.getElementById("none");
  var all = count.textContent;
  var words = function (text) {
    return text.toLocaleLowerCase().normalize("NFKC").split(/\\s+/).filter(Boolean);
  };
  box.hidden = false;
  field.addEventListener("input", function () {
    var wanted = words(field.value);
    var shown = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-text");
      var match = wanted.every(function (w) { return text.indexOf(w) !== -1; });
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    var number = shown.toLocaleString(document.documentElement.lang);
    count.textContent = wanted.length ? count.getAttribute("data-some").replace("#", number) : all;
    none.hidden = shown !== 0;
  });
})();
""".strip()


def script_hash() -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(FILTER_SCRIPT.encode()).digest()).decode()


def render_index(project: Project, audience: str, entries: list[dict[str, Any]]) -> str:
    """One audience's index: newest brief first, in the project's language."""
    from ..document.i18n import I18n
    from ..render.index_page import index_html

    langs = {e["lang"] for e in entries}
    lang = project.lang or (langs.pop() if len(langs) == 1 else "en")
    i18n = I18n(lang)
    ordered = sorted(entries, key=lambda e: e["title"].casefold())
    ordered.sort(key=lambda e: e["date"], reverse=True)  # newest first, stable by title
    html = index_html(project, audience, ordered, i18n, FILTER_SCRIPT, script_hash())
    _check_loads(html)
    return html


def _check_loads(html: str) -> None:
    """The index loads nothing and runs its one script alone."""
    from ..render.assets import scan

    loads, refused = scan(html)
    if loads or refused != ["<script>"]:
        raise TemplateError(f"the index page would load or run more than it may: {loads, refused}")
