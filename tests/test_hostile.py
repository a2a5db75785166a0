"""Hostile and broken input against the surfaces of a project: each class of attack or
mistake fails closed, names where, and never ends in a traceback.

Each test is written from the class it guards, not from a single example: the
parametrised ones try several members of the class.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from briefgen.cli import app

CANARY_RESTRICTED = "CANARYRESTRICTEDJUDGMENT"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def no_internal_error(output: str) -> None:
    assert "Traceback" not in output and "internal error" not in output, output


# Leaks: an output its audience may no longer see --------------------------------------


def raise_everything(content: Path) -> None:
    """Every statement, figure and row made RESTRICTED, as a brief whose clearance rose."""
    for path in content.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("marking: PUBLIC", "marking: RESTRICTED")
        text = text.replace("marking: INTERNAL", "marking: RESTRICTED")
        path.write_text(text, encoding="utf-8")
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "marking: RESTRICTED\n")


@pytest.mark.parametrize("second", [[], ["-a", "minister"], ["-a", "analyst", "-f", "html"]])
def test_an_output_whose_audience_may_no_longer_see_it_is_removed(
    second: list[str], brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content, out = brief_dir(), tmp_path / "out"
    assert runner.invoke(app, ["build", str(content), "-o", str(out)]).exit_code == 0
    assert (out / "public" / "brief.html").is_file()
    raise_everything(content)
    done = runner.invoke(app, ["build", str(content), "-o", str(out), *second])
    assert done.exit_code == 0, done.output
    for name in ("brief.html", "brief.pdf"):
        assert not (out / "public" / name).exists(), done.output
    assert "removed" in done.output and "public/brief.html" in done.output
    assert "stale: public" not in done.output
    # The analyst outputs showed what is now RESTRICTED: gone too, whatever was asked.
    assert not (out / "analyst" / "brief.pdf").exists()
    assert not (out / "analyst" / "brief.docx").exists()


def test_a_partial_build_keeps_an_output_that_is_merely_out_of_date(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content, out = brief_dir(), tmp_path / "out"
    runner.invoke(app, ["build", str(content), "-o", str(out)])
    questions = content / "questions.yaml"
    questions.write_text(questions.read_text().replace("Yes, it is.", "Yes, it is still."))
    done = runner.invoke(app, ["build", str(content), "-o", str(out), "-a", "minister"])
    assert (out / "public" / "brief.html").is_file()
    assert "stale: public/brief.html" in done.output


def test_a_project_index_forgets_a_brief_its_audience_may_no_longer_see(
    tmp_path: Path, runner: CliRunner
) -> None:
    project = tmp_path / "desk"
    shutil.copytree(FIXTURES / "canary", project / "one")
    shutil.copytree(FIXTURES / "canary", project / "two")
    (project / "two" / "brief.yaml").write_text(
        (project / "two" / "brief.yaml").read_text().replace("Canary brief", "Second canary")
    )
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(project), "-o", str(out)]).exit_code == 0
    assert "Second canary" in (out / "public" / "index.html").read_text()
    raise_everything(project / "two")
    done = runner.invoke(app, ["build", str(project), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "Second canary" not in (out / "public" / "index.html").read_text()
    raise_everything(project / "one")
    runner.invoke(app, ["build", str(project), "-o", str(out)])
    assert not (out / "public" / "index.html").exists()


# Leaks: scaffolding and audiences ---------------------------------------------------


@pytest.mark.parametrize(("name", "base"), [("public", "minister"), ("analyst", "minister")])
def test_a_scaffolded_audience_never_takes_a_clearance_its_name_denies(
    name: str, base: str, brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    done = runner.invoke(app, ["audiences", "new", name, str(content), "--from", base])
    assert done.exit_code == 0, done.output
    written = (content.parent / "templates" / name / "audience.yaml").read_text()
    expected = {"public": "PUBLIC", "analyst": "INTERNAL"}[name]
    assert f"\nclearance: {expected}\n" in written
    out = tmp_path / "out"
    built = runner.invoke(app, ["build", str(content), "-a", name, "-f", "html", "-o", str(out)])
    assert built.exit_code == 0, built.output
    assert CANARY_RESTRICTED not in (out / name / "brief.html").read_text()


def test_an_audience_cleared_above_what_it_extends_is_named(
    brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    folder = content.parent / "templates" / "briefing"
    folder.mkdir(parents=True)
    (folder / "audience.yaml").write_text("extends: public\nclearance: RESTRICTED\n")
    listed = runner.invoke(app, ["audiences", str(content)])
    assert "cleared for RESTRICTED, above the PUBLIC of 'public'" in listed.output
    checked = runner.invoke(app, ["check", str(content)])
    assert "audience.yaml:2:12: warning[raised-clearance]" in checked.output


# Leaks: serve answers this machine only ---------------------------------------------


@pytest.fixture
def preview_server(brief_dir: Callable[..., Path]) -> Iterator[int]:
    from briefgen.tools.serve import Preview, make_server

    server = make_server(Preview(brief_dir(), "minister"), 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def get(port: int, host: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", "/", skip_host=True)
    if host:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}", "", "localhost:1"],
)
def test_serve_refuses_a_host_that_is_not_this_machine(preview_server: int, host: str) -> None:
    status, body = get(preview_server, host.format(port=preview_server))
    assert status == 403
    assert CANARY_RESTRICTED.encode() not in body


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}"])
def test_serve_answers_this_machine(preview_server: int, host: str) -> None:
    status, body = get(preview_server, host.format(port=preview_server))
    assert status == 200 and CANARY_RESTRICTED.encode() in body


# Files: nothing read through a link out of its folder ---------------------------------


@pytest.mark.parametrize("name", ["questions.yaml", "abbreviations.yaml", "background.yaml"])
def test_a_content_file_that_links_out_of_the_brief_is_refused(
    name: str, brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    secret = tmp_path / "secret.yaml"
    secret.write_text("SECRETLINE: SECRETVALUE\n")
    (content / name).unlink(missing_ok=True)
    (content / name).symlink_to(secret)
    for command in (["check", str(content)], ["build", str(content), "-o", str(tmp_path / "o")]):
        done = runner.invoke(app, command)
        assert done.exit_code == 1
        assert f"{name}: " in done.output and "the file links to" in done.output
        assert "SECRET" not in done.output.replace(str(secret), "")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("linked", ["sources.yaml", "briefgen.yaml"])
def test_a_project_file_that_links_out_of_the_project_is_refused(
    linked: str, tmp_path: Path, runner: CliRunner
) -> None:
    project = tmp_path / "desk"
    shutil.copytree(FIXTURES / "canary", project / "briefs" / "one")
    (project / "briefgen.yaml").write_text("title: Desk\n")
    outside = tmp_path / "outside.yaml"
    outside.write_text("- SECRETLIBRARYENTRY\n")
    (project / linked).unlink(missing_ok=True)
    (project / linked).symlink_to(outside)
    done = runner.invoke(app, ["check", str(project)])
    assert done.exit_code == 1
    assert f"{linked}: " in done.output and "the file links to" in done.output
    assert "SECRETLIBRARYENTRY" not in done.output


# Files: SVG figures that would load something -------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">{}</svg>'  # noqa: E501


@pytest.mark.parametrize(
    "inner",
    [
        '<style>@\\69mport "x.css";</style>',
        "<style>rect{fill:u\\72l(https://example.org/a)}</style>",
        "<style>@font-face{font-family:a;src:local(a)}</style>",
        '<rect style="fill:url(data:image/svg+xml,%3Csvg/%3E)"/>',
        '<rect fill="url(https://example.org/x#a)"/>',
        '<rect filter="u\\rl(other.svg#f)"/>',
        '<set attributeName="href" to="https://example.org/x.png"/>',
        '<a><animate attributeName="xlink:href" values="https://example.org"/></a>',
        '<image href="data:image/png;base64,PHN2Zz48L3N2Zz4="/>',
        "<rect style=\"background:image-set('a.png' 1x)\"/>",
    ],
)
def test_an_svg_that_would_load_anything_is_refused_at_the_figure(
    inner: str, brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    (content / "figures" / "open-chart.svg").write_text(SVG.format(inner))
    done = runner.invoke(app, ["check", str(content)])
    assert done.exit_code == 1
    assert "background.yaml:7:16: error[bad-image]" in done.output, done.output
    assert "open-chart.svg" in done.output


@pytest.mark.parametrize(
    ("size", "says"),
    [
        ('width="60000" height="60000"', "60,000 pixels"),
        ('viewBox="0 0 90000 10"', "90,000 pixels"),
        ('width="0" height="0"', "draws nothing"),
        ('width="2000in" height="1in"', "192,000 pixels"),
    ],
)
def test_an_svg_declares_a_size_that_can_be_drawn(
    size: str, says: str, brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    (content / "figures" / "open-chart.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" {size}><rect width="1" height="1"/></svg>'
    )
    done = runner.invoke(app, ["check", str(content)])
    assert done.exit_code == 1 and says in done.output, done.output


def test_an_empty_svg_is_refused(brief_dir: Callable[..., Path], runner: CliRunner) -> None:
    content = brief_dir()
    (content / "figures" / "open-chart.svg").write_bytes(b"")
    done = runner.invoke(app, ["check", str(content)])
    assert done.exit_code == 1 and "background.yaml:7:16" in done.output
    no_internal_error(done.output)


# Data loss: outputs go under --out only -----------------------------------------------


def test_a_brief_named_with_dot_dot_never_writes_outside_the_output_folder(
    tmp_path: Path, runner: CliRunner
) -> None:
    desk = tmp_path / "desk"
    shutil.copytree(FIXTURES / "canary", desk / "briefs" / "alpha")
    victim = desk / "briefs" / "alpha" / "public"
    victim.mkdir()
    (victim / "brief.html").write_text("MINE")
    (desk / "project").mkdir()
    (desk / "project" / "briefgen.yaml").write_text("briefs: [../briefs/alpha]\n")
    done = runner.invoke(app, ["build", str(desk / "project"), "-o", str(tmp_path / "out")])
    assert (victim / "brief.html").read_text() == "MINE"
    no_internal_error(done.output)
    # Inside the project, the same brief named the long way goes to OUT/<its folder>.
    (desk / "briefgen.yaml").write_text("briefs: [project/../briefs/alpha]\n")
    done = runner.invoke(app, ["build", str(desk), "-o", str(tmp_path / "out2")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out2" / "briefs" / "alpha" / "public" / "brief.html").is_file()
    assert (victim / "brief.html").read_text() == "MINE"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "canary", repo / "content")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    return repo


@pytest.mark.parametrize(
    "rev", ["--output=victim.txt..HEAD", "HEAD..--output=victim.txt", "-p", "--all"]
)
def test_a_revision_is_never_an_option(
    rev: str, repository: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = repository / "victim.txt"
    victim.write_text("KEEP")
    monkeypatch.chdir(repository)
    done = runner.invoke(app, ["diff", "content", "--rev", rev])
    assert done.exit_code == 2
    assert "is not a revision" in done.output
    assert victim.read_text() == "KEEP"
    since = rev.split("..")[0]
    if since.startswith("-"):
        changed = runner.invoke(app, ["changed", "content", "--since", since])
        assert changed.exit_code == 2 and victim.read_text() == "KEEP"


def test_diff_across_a_committed_absolute_symlink(repository: Path, runner: CliRunner) -> None:
    (repository / "content" / "snapshots-elsewhere").symlink_to("/etc")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "link")
    done = runner.invoke(app, ["diff", str(repository / "content"), "--rev", "HEAD~1..HEAD"])
    assert done.exit_code == 0, done.output
    assert "no changes" in done.output


def test_a_pull_request_that_adds_a_brief_is_one_line(tmp_path: Path, runner: CliRunner) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "canary", repo / "briefs" / "one")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    shutil.copytree(FIXTURES / "canary", repo / "briefs" / "two")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two")
    for target in (repo / "briefs", repo / "briefs" / "two"):
        done = runner.invoke(app, ["diff", str(target), "--rev", "HEAD~1..HEAD", "-f", "json"])
        assert done.exit_code == 0, done.output
        changes = json.loads(done.output)
        assert [c["kind"] for c in changes] == ["brief-added"], changes
        assert "briefgen-diff-" not in done.output


def test_sigterm_during_the_final_renames_waits_for_them(tmp_path: Path) -> None:
    """What `timeout` and a cancelled CI job send: every output lands, then the command
    ends with 143, and no temporary file stays."""
    script = f"""
import os, signal, sys
from pathlib import Path
sys.argv = ["briefgen"]
from briefgen import __main__ as entry
from briefgen.errors import Interrupted
signal.signal(signal.SIGTERM, entry._interrupt)
import briefgen.pipeline.write as write
real = os.replace
calls = []
def replace(a, b):
    calls.append(b)
    if len(calls) == 1:
        os.kill(os.getpid(), signal.SIGTERM)
    real(a, b)
write.os.replace = replace
out = Path({str(tmp_path)!r})
try:
    write.write_outputs({{out / f"f{{i}}.txt": b"new" for i in range(5)}})
except Interrupted as exc:
    print("interrupted after", len(calls))
    sys.exit(exc.exit_code)
"""
    for i in range(5):
        (tmp_path / f"f{i}.txt").write_bytes(b"old")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 143, done.stderr
    assert "interrupted after 5" in done.stdout
    assert all((tmp_path / f"f{i}.txt").read_bytes() == b"new" for i in range(5))
    assert not list(tmp_path.glob(".briefgen-tmp-*"))


def wait_for_fork_server(session: int, seconds: float = 30) -> bool:
    """Until a process of the build's session runs multiprocessing's fork server, which
    then imports the PDF engine."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            try:
                if not entry.name.isdigit() or os.getsid(int(entry.name)) != session:
                    continue
                if b"forkserver" in (entry / "cmdline").read_bytes():
                    return True
            except OSError:
                continue
        time.sleep(0.01)
    return False


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc")
def test_ctrl_c_to_the_whole_process_group_early_in_a_build(tmp_path: Path) -> None:
    """A terminal's Ctrl-C reaches every process of the build, the PDF engine's fork
    server too, while it is still loading the engine."""
    from conftest import SAMPLE

    build = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", str(SAMPLE), "-o", str(tmp_path), "--force"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert wait_for_fork_server(build.pid), "no fork server started"
    os.killpg(build.pid, signal.SIGINT)
    _, stderr = build.communicate(timeout=60)
    assert "Traceback" not in stderr, stderr
    assert build.returncode in (0, 130)


# Data loss: sources import and ci init -------------------------------------------------

IMPORT = """[{"id": "smith2024", "type": "report", "title": "A report on harbours",
  "author": [{"family": "Smith", "given": "Ann"}], "issued": {"date-parts": [[2024]]}}]"""


@pytest.mark.parametrize(
    "form",
    [
        "markers",  # --- … ... around the list
        "flow",  # [ {id: …}, … ]
    ],
)
def test_import_never_breaks_a_sources_file_it_cannot_append_to(
    form: str, brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    import yaml

    content = brief_dir()
    target = content / "sources.yaml"
    entries = yaml.safe_load(target.read_text())
    if form == "markers":
        target.write_text("---\n" + target.read_text() + "...\n")
    else:
        target.write_text(yaml.safe_dump(entries, default_flow_style=True))
    before = target.read_bytes()
    export = tmp_path / "export.json"
    export.write_text(IMPORT)
    done = runner.invoke(app, ["sources", "import", str(export), str(content)])
    after = yaml.safe_load(target.read_text())
    if done.exit_code == 0:  # appended: the same entries, then the new one
        assert [e["id"] for e in after] == [e["id"] for e in entries] + ["smith-2024"]
    else:
        assert done.exit_code == 2 and "nothing was changed" in done.output
        assert target.read_bytes() == before


def test_import_follows_an_indented_list(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    import yaml

    content = brief_dir()
    target = content / "sources.yaml"
    target.write_text("".join("  " + line for line in target.read_text().splitlines(True)))
    export = tmp_path / "export.json"
    export.write_text(IMPORT)
    done = runner.invoke(app, ["sources", "import", str(export), str(content)])
    assert done.exit_code == 0, done.output
    ids = [e["id"] for e in yaml.safe_load(target.read_text())]
    assert ids == ["public-source", "restricted-source", "smith-2024"]


def test_import_in_a_project_does_not_add_what_the_library_holds(
    tmp_path: Path, runner: CliRunner
) -> None:
    project = tmp_path / "desk"
    shutil.copytree(FIXTURES / "canary", project / "briefs" / "one")
    (project / "briefgen.yaml").write_text("title: Desk\n")
    (project / "sources.yaml").write_text(
        "- id: smith-2024\n  title: A report on harbours\n  reliability: B\n"
    )
    export = tmp_path / "export.json"
    export.write_text(IMPORT)
    brief = project / "briefs" / "one"
    done = runner.invoke(app, ["sources", "import", str(export), str(brief)])
    assert "already in the project's sources.yaml" in done.output
    assert "smith" not in (brief / "sources.yaml").read_text()


@pytest.mark.parametrize(
    "export",
    [
        '[{"title": "A", "issued": {"date-parts": []}}]',
        '[{"title": "A", "issued": {"date-parts": null}, "accessed": {"date-parts": [[null]]}}]',
        '[{"title": "A", "issued": {"date-parts": [["x", {}]]}, "author": "Smith"}]',
        '[{"title": {"nested": [1]}, "author": [1, null, {"family": []}]}]',
        '[{"title": "A", "issued": {"date-parts": [[99999999999999999999]]}}]',
        "[" * 5000 + "]" * 5000,
        '{"items": 3}',
    ],
)
def test_import_of_csl_json_with_wrong_types_never_fails_inside(
    export: str, brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "export.json"
    path.write_text(export)
    done = runner.invoke(app, ["sources", "import", str(path), str(brief_dir())])
    assert done.exit_code in (0, 2), done.output
    no_internal_error(done.output)


@pytest.mark.parametrize("link", [".gitlab-ci.yml", ".github/workflows/briefs.yml", ".github"])
def test_ci_init_never_writes_through_a_link(link: str, tmp_path: Path, runner: CliRunner) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "canary", repo / "content")
    git(repo, "init", "-q")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "briefs.yml").write_text("KEEP")
    (repo / link).parent.mkdir(parents=True, exist_ok=True)
    (repo / link).symlink_to(victim if link == ".github" else victim / "briefs.yml")
    done = runner.invoke(
        app, ["ci", "init", str(repo / "content"), "--install", "./briefgen.whl", "--force"]
    )
    assert done.exit_code == 2 and "symbolic link" in done.output, done.output
    assert (victim / "briefs.yml").read_text() == "KEEP"
    assert sorted(p.name for p in victim.iterdir()) == ["briefs.yml"]


# Internal errors: styles, templates ----------------------------------------------------


@pytest.mark.parametrize(
    ("style", "says"),
    [
        ("not xml at all", "is not XML"),
        ("<html/>", "is not a CSL style"),
        (
            '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><info/></style>',
            "no citation layout",
        ),  # noqa: E501
        (
            '<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">'
            '<citation><layout><text macro="nowhere"/></layout></citation></style>',
            "cannot be used",
        ),
    ],
)
def test_a_broken_style_file_is_an_error_at_its_line(
    style: str, says: str, brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    (content / "house.csl").write_text(style)
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text() + "citation_style: house.csl\n")
    line = len(brief.read_text().splitlines())
    for command in (["check", str(content)], ["build", str(content), "-o", str(tmp_path / "o")]):
        done = runner.invoke(app, command)
        assert done.exit_code == 1, done.output
        assert f"brief.yaml:{line}:17" in done.output and says in done.output, done.output
        no_internal_error(done.output)


@pytest.mark.parametrize("name", ["../../../../../../tmp/house", "/etc/hostname", "apa/../apa"])
def test_a_style_name_is_never_a_path(
    name: str, brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text() + f"citation_style: {name}\n")
    done = runner.invoke(app, ["check", str(content)])
    assert done.exit_code == 1 and "unknown citation style" in done.output


@pytest.mark.parametrize(
    "expression",
    [
        "{{ range(200000) | list | length }}",
        "{{ 'a' * 100000000 }}",
        "{{ 7 ** 9999999 }}",
        "{{ content.folder.joinpath('/etc/hostname').read_text() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ notes._content }}",
        "{{ ''.__class__.__mro__ }}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    ],
)
def test_a_template_that_reaches_past_its_data_is_a_template_error(
    expression: str, brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    folder = content / "templates" / "public"
    folder.mkdir(parents=True)
    (folder / "brief.html.j2").write_text(
        '{% extends "layout.html.j2" %}\n{% block body %}' + expression + "{% endblock %}\n"
    )
    for command in (["check", str(content)], ["build", str(content), "-o", str(tmp_path / "o")]):
        done = runner.invoke(app, command)
        assert done.exit_code == 1, done.output
        assert "templates/public/brief.html.j2:2" in done.output, done.output
        no_internal_error(done.output)
        assert os.uname().nodename not in done.output


# Wrong results and messages -------------------------------------------------------------


def test_changed_finds_briefs_with_non_ascii_names(tmp_path: Path, runner: CliRunner) -> None:
    repo = tmp_path / "repo"
    for name in ("énergie", "日本", "grain"):
        shutil.copytree(FIXTURES / "canary", repo / "briefs" / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    for name in ("énergie", "日本"):
        questions = repo / "briefs" / name / "questions.yaml"
        questions.write_text(questions.read_text().replace("Yes, it is.", "Yes."))
    git(repo, "commit", "-qam", "two")
    done = runner.invoke(app, ["changed", str(repo / "briefs"), "--since", "HEAD~1"])
    assert done.exit_code == 0, done.output
    assert sorted(done.output.split()) == sorted(["énergie", "日本"])


def test_slugs_are_unique(tmp_path: Path, runner: CliRunner) -> None:
    for name in ("2026 grain", "2026-grain", "日本", "中国"):
        shutil.copytree(FIXTURES / "canary", tmp_path / "briefs" / name)
    done = runner.invoke(app, ["changed", str(tmp_path / "briefs"), "--json"])
    slugs = [entry["slug"] for entry in json.loads(done.output)["include"]]
    assert len(slugs) == 4 and len(set(slugs)) == 4
    assert all(slug.isascii() and "/" not in slug for slug in slugs)


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("{fig:Open-chart}", "did you mean '{fig:open-chart}'"),
        ("{fig:open_chart}", "did you mean '{fig:open-chart}'"),
        ("{fig: open-chart}", "did you mean '{fig:open-chart}'"),
        ("{Tab:work}", "did you mean '{tab:work}'"),
        ("{figure:open-chart}", "did you mean '{fig:open-chart}'"),
    ],
)
def test_a_mistyped_cross_reference_is_an_error_with_the_right_form(
    written: str, hint: str, brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    background = content / "background.yaml"
    text = background.read_text()
    assert "({fig:open-chart})" in text
    line = next(x for x in text.splitlines() if "({fig:open-chart})" in x)
    value = line.split("- text: ", 1)[1].replace("({fig:open-chart})", f"({written})")
    quoted = line.split("- text: ", 1)[0] + "- text: '" + value + "'"
    background.write_text(text.replace(line, quoted))
    done = runner.invoke(app, ["check", str(content)])
    assert done.exit_code == 1, done.output
    assert "error[unknown-reference]" in done.output and hint in done.output, done.output


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (
            (
                "      sources: [public-source]\n    - text: The work",
                "      sources: [public-source]\n      marking: INTERNAL\n    - text: The work",
            ),  # noqa: E501
            "it belongs inside 'figure:'",
        ),
        (
            (
                "        sources: [public-source]\n    - text: The work",
                "        sources: [{source: public-source, credibility: 2}]\n    - text: The work",
            ),  # noqa: E501
            "it belongs one level up, beside 'sources:'",
        ),
    ],
)
def test_a_key_one_level_off_is_told_where_it_belongs(
    edit: tuple[str, str], says: str, brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    background = content / "background.yaml"
    text = background.read_text()
    assert edit[0] in text
    background.write_text(text.replace(edit[0], edit[1], 1))
    done = runner.invoke(app, ["check", str(content)])
    assert says in done.output, done.output
    assert "did you mean 'marking'" not in done.output


@pytest.mark.parametrize("tag", ["en-US-x-private", "ar-EG-u-nu-latn", "sr-Latn-RS", "de-CH-1996"])
def test_a_well_formed_language_tag_is_accepted(
    tag: str, brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text() + f"lang: {tag}\n")
    done = runner.invoke(app, ["build", str(content), "-f", "html", "-o", str(tmp_path / "o")])
    assert done.exit_code == 0, done.output
    assert f'lang="{tag}"' in (tmp_path / "o" / "public" / "brief.html").read_text()


@pytest.mark.parametrize(
    ("tag", "says"),
    [("xx-Bogus", "not one briefgen supports"), ("jp", "did you mean 'ja'"), ("en_GB", "'en-GB'")],
)
def test_a_language_tag_is_never_called_invalid_when_it_is_only_unsupported(
    tag: str, says: str, brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text() + f"lang: {tag}\n")
    done = runner.invoke(app, ["check", str(content)])
    assert done.exit_code == 1 and says in done.output, done.output
    project = tmp_path / "desk"
    shutil.copytree(FIXTURES / "canary", project / "one")
    (project / "briefgen.yaml").write_text(f"lang: {tag}\n")
    done = runner.invoke(app, ["check", str(project)])
    assert done.exit_code == 1 and "briefgen.yaml:1:7" in done.output and says in done.output
    no_internal_error(done.output)


def test_the_documented_author_form_builds_everywhere(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    sources = content / "sources.yaml"
    sources.write_text(
        sources.read_text().replace("publisher: Public Office", "author: Library Office")
    )
    assert runner.invoke(app, ["check", str(content)]).exit_code == 0
    done = runner.invoke(app, ["build", str(content), "-o", str(tmp_path / "o")])
    assert done.exit_code == 0, done.output
    assert "Library Office" in (tmp_path / "o" / "public" / "brief.html").read_text()


# Leaks: what an image carries besides its picture -----------------------------------


def test_an_images_metadata_reaches_no_output(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    import base64
    import io
    import re

    from PIL import Image as Pillow
    from PIL import PngImagePlugin

    content = brief_dir()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "QMETACOMMENTX from the restricted memo")
    info.add_itxt("Author", "QMETAAUTHORX")
    buffer = io.BytesIO()
    Pillow.new("RGB", (120, 80), "steelblue").save(buffer, "PNG", pnginfo=info)
    (content / "figures" / "open-photo.png").write_bytes(buffer.getvalue())
    svg = content / "figures" / "open-chart.svg"
    svg.write_text(
        svg.read_text().replace("</svg>", "<!-- QMETASVGX --><metadata>QMETASVGX</metadata></svg>")
    )
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(content), "-o", str(out)]).exit_code == 0
    for path in out.rglob("brief.*"):
        data = path.read_bytes()
        found = [data]
        if path.suffix == ".html":
            found += [base64.b64decode(m) for m in re.findall(rb"base64,([A-Za-z0-9+/=]+)", data)]
        if path.suffix == ".docx":
            package = zipfile.ZipFile(path)
            found += [package.read(n) for n in package.namelist()]
        for blob in found:
            assert b"QMETA" not in blob, path
