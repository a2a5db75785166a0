"""briefgen serve: the web page of one audience, rebuilt and reloaded on every change.

The page is rendered in memory (nothing is written to build/), served on
localhost only, and a small script added in preview alone reloads it when the
content or the templates change. A content error replaces the page with the
list of problems and is printed in the terminal; the server keeps running.
"""

from __future__ import annotations

import sys
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..audiences import check_templates_option, find_audiences, select_audiences
from ..document import document_for
from ..errors import BriefgenError, UsageError
from ..opening import open_brief
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


class Preview:
    """The current page and a version number that changes with every rebuild."""

    def __init__(
        self, content_dir: Path, audience: str | None, templates: Path | None = None
    ) -> None:
        self.content_dir = content_dir
        self.templates = templates
        self.audience = audience
        self.version = 0
        self.page = b""
        self._lock = threading.Lock()
        self.rebuild()

    def rebuild(self) -> None:
        try:
            page = self._render()
            print(f"rebuilt the {self.audience or 'public'} page", file=sys.stderr)
        except BriefgenError as exc:
            for line in exc.lines():
                print(line, file=sys.stderr)
            page = error_page(exc.lines())
        with self._lock:
            self.version += 1
            self.page = page.replace(
                "</body>", RELOAD % {"version": self.version} + "</body>"
            ).encode()

    def _render(self) -> str:
        brief = open_brief(self.content_dir, self.templates)  # as build and check open it
        found = brief.audiences
        name = self.audience or ("public" if "public" in found else next(iter(found)))
        (audience,) = brief.select([name], self.templates)
        html = render_html(document_for(brief.content, audience), audience, "web")
        check_loads(html, audience, "web")  # the preview holds to the rules of the build
        return html

    @property
    def roots(self) -> list[Root]:
        return search_path(self.content_dir, self.templates)

    def snapshot(self) -> tuple[int, bytes]:
        with self._lock:
            return self.version, self.page


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


def make_server(preview: Preview, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            if not allowed_host(self.headers.get("Host"), port_of(self.server)):
                self.send_error(403, "briefgen serve answers localhost only")
                return
            version, page = preview.snapshot()
            if self.path == "/__version":
                self._send(str(version).encode(), "text/plain")
            elif self.path in ("/", "/index.html", "/brief.html"):
                self._send(page, "text/html; charset=utf-8")
            else:
                self.send_error(404)

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

    folders = [preview.content_dir, *(r.folder for r in preview.roots if r.folder.is_dir())]
    # yield_on_timeout: the first (empty) batch says the watches are in place.
    for changes in watch_files(
        *folders,
        stop_event=stop,
        debounce=150,
        raise_interrupt=False,
        yield_on_timeout=True,
        rust_timeout=200,
    ):
        ready.set()
        if changes:
            preview.rebuild()


def _one_brief(folder: Path) -> None:
    """serve shows one brief: a project's folder is answered with the briefs in it."""
    from ..locate import is_brief
    from ..project import open_project

    if is_brief(folder):
        return
    project = open_project(folder)  # a folder of no brief at all says so
    names = [ref.folder for ref in project.briefs] if project else []
    shown = ", ".join(str(name) for name in names[:5]) + (" …" if len(names) > 5 else "")
    raise UsageError(
        f"'{folder}' is a project of {len(names)} briefs; serve shows one at a time: "
        f"name its folder, e.g. 'briefgen serve {names[0] if names else folder}' ({shown})"
    )


def serve(
    content_dir: Path, audience: str | None, port: int, templates: Path | None = None
) -> None:
    """Serve until interrupted."""
    if not content_dir.is_dir():
        raise UsageError(f"no brief folder at '{content_dir}'")
    _one_brief(content_dir)
    check_templates_option(templates)
    roots = search_path(content_dir, templates)
    if audience is not None:
        select_audiences(find_audiences(content_dir, templates), [audience], roots)
    preview = Preview(content_dir, audience, templates)
    try:
        server = make_server(preview, port)
    except OSError as exc:
        raise UsageError(f"cannot serve on port {port}: {exc.strerror}") from None
    stop, ready = threading.Event(), threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop, ready), daemon=True)
    watcher.start()
    ready.wait(timeout=10)  # announce the page only once edits will be seen
    print(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
