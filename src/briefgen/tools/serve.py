"""briefgen serve: a brief's pages, each audience's, rebuilt and reloaded on every change.

Pages are rendered in memory (nothing is written to build/), served on
localhost only. A bar added in preview alone (never in built pages) switches
between the audiences, between the briefs of a project, and opens the PDF,
laid out and checked as a build lays it out, with its page count against the
audience's budget. A small script reloads the page when the content or the
templates change. A content error replaces the page with the list of problems
and is printed in the terminal; the server keeps running.

URLs: `/` (a lone brief's default audience, or a project's list of briefs),
`/AUDIENCE/`, `/AUDIENCE/brief.pdf`; in a project, each under `/BRIEF/`.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote

from ..audiences import check_templates_option, find_audiences, select_audiences
from ..document import document_for
from ..errors import BriefgenError, UsageError
from ..opening import OpenBrief, open_brief
from ..render.html import check_loads, render_html
from ..template_search import Root, search_path

RELOAD = """<script>
/* briefgen serve: reload when the brief changes (preview only, not in built pages). */
(function () {
  var seen = "%(version)s";
  setInterval(function () {
    fetch("/__version", {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (v) { if (v !== seen) { location.reload(); } }).catch(function () {});
  }, 700);
})();
</script>"""

# The preview bar's PDF facts arrive once the PDF is laid out, which takes seconds.
PAGES = """<script>
(function () {
  var shown = document.getElementById("briefgen-pages");
  if (!shown) { return; }
  fetch("%(info)s", {cache: "no-store"}).then(function (r) { return r.json(); })
    .then(function (info) { shown.textContent = info.text; shown.style.color = info.colour; })
    .catch(function () {});
})();
</script>"""

BAR_STYLE = (
    "all: initial; display: block; box-sizing: border-box; width: 100%; padding: 6px 12px; "
    "background: #1f2933; color: #f5f7fa; font: 13px/1.5 system-ui, sans-serif; "
    "direction: ltr; text-align: left"
)
LINK_STYLE = "color: #9fd3ff; margin-right: 10px"


class NoSuchAudience(Exception):
    """A URL names an audience the brief does not have: not found."""


@dataclass(frozen=True)
class Page:
    """What one URL shows: a brief (its name in the project, '' for a lone brief), an
    audience (None: the default one), and what of it."""

    brief: str
    audience: str | None
    part: str  # "page", "pdf" (the file) or "pdf.json" (its facts for the bar)


class Preview:
    """The briefs being previewed, the pages made since the last change, and a version
    number that changes with every change."""

    def __init__(self, folder: Path, audience: str | None, templates: Path | None = None) -> None:
        self.folder = folder
        self.templates = templates
        self.audience = audience
        self.version = 0
        self._made: dict[tuple[int, Page], bytes] = {}
        self._lock = threading.Lock()
        self._pdf_lock = threading.Lock()  # one layout at a time: each takes seconds
        self.briefs = self._find_briefs()
        # The page made after each change: a lone brief's, else the project's first.
        self.current = Page(next(iter(self.briefs), ""), audience, "page")
        self.rebuild()

    def _find_briefs(self) -> dict[str, Path]:
        from ..project import open_project

        project = open_project(self.folder)
        if project is None:
            return {"": self.folder}
        return {ref.name: ref.folder for ref in project.briefs}

    @property
    def is_project(self) -> bool:
        return "" not in self.briefs

    def rebuild(self) -> None:
        """After a change: forget what was made, and make the page last asked for again,
        so that its problems show in the terminal at once."""
        try:
            briefs = self._find_briefs()
        except BriefgenError as exc:  # briefgen.yaml mid-edit: keep the briefs known
            briefs = self.briefs
            for line in exc.lines():
                print(line, file=sys.stderr)
        with self._lock:
            self.version += 1
            self._made.clear()
            self.briefs = briefs
        page = self.current
        if page.brief in self.briefs:
            self.get(page, announce=True)

    def snapshot(self) -> int:
        with self._lock:
            return self.version

    def get(self, page: Page, *, announce: bool = False) -> bytes | None:
        """The bytes of a page, made once per version; None for an audience the brief
        does not have."""
        with self._lock:
            version = self.version
            made = self._made.get((version, page))
        if made is not None:
            return made
        try:
            if page.part == "page":
                made = self._page(page, version, announce)
                self.current = page
            else:
                with self._pdf_lock:
                    made = self._made.get((version, page)) or self._pdf(page)
        except NoSuchAudience:
            return None
        with self._lock:
            self._made[(version, page)] = made
        return made

    def _open(self, page: Page) -> tuple[OpenBrief, str]:
        brief = open_brief(self.briefs[page.brief], self.templates)  # as build opens it
        found = brief.audiences
        default = self.audience if self.audience in found else None
        name = page.audience or default or ("public" if "public" in found else next(iter(found)))
        if name not in found:
            raise NoSuchAudience(name)
        return brief, name

    def _page(self, page: Page, version: int, announce: bool) -> bytes:
        audiences: list[str] = []
        try:
            brief, name = self._open(page)
            audiences = list(brief.audiences)
            (audience,) = brief.select([name], self.templates)
            html = render_html(document_for(brief.content, audience), audience, "web")
            check_loads(html, audience, "web")  # the preview holds to the rules of the build
            pdf = "pdf" in audience.config.formats
            if announce:
                of = f" of {page.brief}" if page.brief else ""
                print(f"rebuilt the {name} page{of}", file=sys.stderr)
        except BriefgenError as exc:
            for line in exc.lines():
                print(line, file=sys.stderr)
            html, name, pdf = error_page(exc.lines()), page.audience or "", False
        bar = self._bar(page.brief, name, audiences, pdf)
        scripts = RELOAD % {"version": version}
        if pdf:
            scripts += PAGES % {"info": self._url(page.brief, name, "pdf.json")}
        html = _BODY.sub(lambda m: m[0] + bar, html, count=1)
        return html.replace("</body>", scripts + "</body>").encode()

    def _pdf(self, page: Page) -> bytes:
        """The PDF, or (for the bar) its page count against the budget as JSON."""
        from ..pipeline.make import pdf_of

        try:
            brief, name = self._open(page)
            (audience,) = brief.select([name], self.templates)
            if "pdf" not in audience.config.formats:
                raise UsageError(f"audience '{name}' makes no PDF")
            rendered = pdf_of(document_for(brief.content, audience), audience)
        except BriefgenError as exc:
            lines = exc.lines()
            if page.part == "pdf":
                return error_page(lines).encode()
            return json.dumps({"text": "PDF: " + " ".join(lines), "colour": "#ffb4a8"}).encode()
        if page.part == "pdf":
            return rendered.data
        with self._lock:  # the file itself, made with it, for the link beside the count
            self._made[(self.version, Page(page.brief, page.audience, "pdf"))] = rendered.data
        return json.dumps(pages_text(rendered.pages, audience.config.max_pages)).encode()

    def _url(self, brief: str, audience: str, part: str = "") -> str:
        base = f"/{quote(brief)}/" if brief else "/"
        return f"{base}{quote(audience)}/{part}"

    def _bar(self, brief: str, current: str, audiences: list[str], pdf: bool) -> str:
        """The preview's own bar: the briefs of a project, the audiences, the PDF."""
        parts = ['<strong style="margin-right: 14px">briefgen preview</strong>']
        if self.is_project:
            parts.append(f'<a style="{LINK_STYLE}" href="/">all briefs</a>')
            parts.append(f'<span style="margin-right: 14px">{escape(brief)}</span>')
        for name in audiences:
            label = f"<strong>{escape(name)}</strong>" if name == current else escape(name)
            parts.append(f'<a style="{LINK_STYLE}" href="{self._url(brief, name)}">{label}</a>')
        if pdf:
            link = self._url(brief, current, "brief.pdf")
            parts.append(f'<a style="{LINK_STYLE}" href="{link}">PDF</a>')
            parts.append('<span id="briefgen-pages">laying out the PDF…</span>')
        return f'<nav aria-label="briefgen preview" style="{BAR_STYLE}">{"".join(parts)}</nav>'

    def briefs_page(self) -> bytes:
        """A project's briefs, each a link to its pages."""
        items = "".join(
            f'<li><a href="/{quote(name)}/">{escape(name)}</a></li>' for name in self.briefs
        )
        version = self.snapshot()
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>briefgen: {len(self.briefs)} briefs</title></head><body>"
            '<main style="font-family: sans-serif; max-width: 60rem; margin: 2rem auto">'
            f"<h1>{len(self.briefs)} briefs in {escape(self.folder.resolve().name)}</h1>"
            f"<ul>{items}</ul></main>{RELOAD % {'version': version}}</body></html>"
        ).encode()

    @property
    def roots(self) -> list[Root]:
        return search_path(self.folder, self.templates)

    def watched(self) -> list[Path]:
        folders = [self.folder, *(r.folder for r in self.roots if r.folder.is_dir())]
        return list(dict.fromkeys(folders))

    def route(self, path: str) -> Page | None:
        """The page a URL path asks for, or None (not found)."""
        # A request's target is a path: '//host/x' is not a host to leave out.
        target = path.split("?", 1)[0].split("#", 1)[0]
        parts = [unquote(p) for p in target.split("/")[1:]]
        brief = ""
        if self.is_project:
            names = sorted(self.briefs, key=len, reverse=True)
            joined = "/".join(parts)
            brief = next((n for n in names if joined == n or joined.startswith(n + "/")), "")
            if not brief:
                return None
            parts = joined[len(brief) + 1 :].split("/")
        if parts in ([""], ["index.html"], ["brief.html"]):
            return Page(brief, None, "page")
        if len(parts) == 2 and parts[0] and parts[1] in ("", "brief.pdf", "pdf.json"):
            part = {"": "page", "brief.pdf": "pdf", "pdf.json": "pdf.json"}[parts[1]]
            return Page(brief, parts[0], part)
        return None


_BODY = re.compile(r"<body[^>]*>")


def pages_text(pages: int, budget: int | None) -> dict[str, str]:
    """The bar's words for a PDF's length: within its budget, or over it (in red)."""
    noun = "page" if pages == 1 else "pages"
    if budget is None:
        return {"text": f"{pages} {noun}", "colour": "#f5f7fa"}
    if pages <= budget:
        return {"text": f"{pages} {noun} of a budget of {budget}", "colour": "#b6f2c1"}
    return {"text": f"{pages} {noun}: over its budget of {budget}", "colour": "#ffb4a8"}


def error_page(lines: list[str]) -> str:
    items = "".join(f"<li><code>{escape(line)}</code></li>" for line in lines)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>briefgen: the brief has errors</title></head><body>"
        '<main style="font-family: sans-serif; max-width: 60rem; margin: 2rem auto">'
        "<h1>The brief has errors</h1><p>Fix them and save; this page reloads.</p>"
        f"<ul>{items}</ul></main></body></html>"
    )


# The names a browser on this machine uses for the preview. Any other Host header is a
# page elsewhere reaching the preview through DNS rebinding: refused, as Django's
# ALLOWED_HOSTS and Vite's server.allowedHosts refuse it.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


def allowed_host(header: str | None, port: int) -> bool:
    """Whether a request's Host header names this machine's loopback, at our port."""
    if not header:
        return False
    value = header.strip().lower()
    if value.startswith("["):  # [::1]:8000
        inside, _, rest = value.partition("]")
        host, given_port = inside + "]", rest.removeprefix(":")
    elif value.count(":") == 1:
        host, _, given_port = value.partition(":")
    else:
        host, given_port = value, ""
    if given_port and given_port != str(port):
        return False
    return host.rstrip(".") in LOCAL_HOSTS or host.endswith(".localhost")


def port_of(server: object) -> int:
    address = getattr(server, "server_address", ("", 0))
    return int(address[1])


KINDS = {
    "page": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "pdf.json": "application/json",
}


def make_server(preview: Preview, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            if not allowed_host(self.headers.get("Host"), port_of(self.server)):
                self.send_error(403, "briefgen serve answers localhost only")
                return
            if self.path == "/__version":
                self._send(str(preview.snapshot()).encode(), "text/plain")
                return
            if self.path in ("/", "/index.html") and preview.is_project:
                self._send(preview.briefs_page(), KINDS["page"])
                return
            page = preview.route(self.path)
            if page is None:
                self.send_error(404)
                return
            body = preview.get(page)
            if body is None:
                self.send_error(404)
                return
            failed = page.part == "pdf" and not body.startswith(b"%PDF")  # the error page
            self._send(body, KINDS["page" if failed else page.part])

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per rebuild is enough

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def watch(preview: Preview, stop: threading.Event, ready: threading.Event) -> None:
    from watchfiles import watch as watch_files

    # yield_on_timeout: the first (empty) batch says the watches are in place.
    for changes in watch_files(
        *preview.watched(),
        stop_event=stop,
        debounce=150,
        raise_interrupt=False,
        yield_on_timeout=True,
        rust_timeout=200,
    ):
        ready.set()
        if changes:
            preview.rebuild()


def serve(
    folder: Path,
    audience: str | None,
    port: int,
    templates: Path | None = None,
    opened: Callable[[str], object] | None = None,
) -> None:
    """Serve until interrupted; `opened` is given the address once it answers."""
    from ..locate import is_brief

    if not folder.is_dir():
        raise UsageError(f"no brief folder at '{folder}'")
    check_templates_option(templates)
    if audience is not None and is_brief(folder):
        roots = search_path(folder, templates)
        select_audiences(find_audiences(folder, templates), [audience], roots)
    preview = Preview(folder, audience, templates)
    try:
        server = make_server(preview, port)
    except OSError as exc:
        raise UsageError(f"cannot serve on port {port}: {exc.strerror}") from None
    stop, ready = threading.Event(), threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop, ready), daemon=True)
    watcher.start()
    ready.wait(timeout=10)  # announce the page only once edits will be seen
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    what = f"{len(preview.briefs)} briefs" if preview.is_project else "the brief"
    print(f"serving {url} ({what}; Ctrl-C stops)", flush=True)
    if opened is not None:
        opened(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
