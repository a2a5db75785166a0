"""The edit–build loop: incremental, reproducible, atomic, locked, parallel."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES
from pdfread import info
from typer.testing import CliRunner

from briefgen.errors import OutputError
from briefgen.pipeline import MANIFEST, build, make, plan
from briefgen.pipeline.lock import output_lock

# Every built-in audience in PDF and HTML, and the minister's and analyst's Word files.
OUTPUTS = 8


def digests(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("brief.*"))
    }


@pytest.fixture
def built(brief_dir: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path]:
    content = brief_dir()
    out = tmp_path / "out"
    result = build(content, out_dir=out)
    assert len(result.written) == OUTPUTS and not result.skipped
    return content, out


def test_unchanged_rebuild_renders_and_writes_nothing(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out = built
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    def must_not_render(job: object) -> bytes:
        raise AssertionError("an up-to-date output was rendered again")

    monkeypatch.setattr(make, "render_job", must_not_render)
    result = build(content, out_dir=out)
    assert result.written == [] and len(result.skipped) == OUTPUTS
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_editing_a_statement_rebuilds_exactly_the_audiences_that_show_it(
    built: tuple[Path, Path],
) -> None:
    content, out = built
    brief = content / "brief.yaml"
    brief.write_text(
        brief.read_text().replace(
            "CANARYINTERNALJUDGMENT is for analysts", "CANARYINTERNALJUDGMENT now concerns analysts"
        )
    )
    result = build(content, out_dir=out)
    rebuilt = sorted(p.relative_to(out).as_posix() for p in result.written)
    assert rebuilt == [
        f"{audience}/brief.{fmt}"
        for audience in ("analyst", "minister")
        for fmt in ("docx", "html", "pdf")
    ]  # public never shows it


def test_force_rebuilds_everything(built: tuple[Path, Path]) -> None:
    content, out = built
    assert len(build(content, out_dir=out, force=True).written) == OUTPUTS


def test_a_changed_or_deleted_output_is_rebuilt(built: tuple[Path, Path]) -> None:
    content, out = built
    (out / "public" / "brief.html").write_text("edited by hand")
    (out / "minister" / "brief.pdf").unlink()
    result = build(content, out_dir=out)
    assert sorted(p.relative_to(out).as_posix() for p in result.written) == [
        "minister/brief.pdf",
        "public/brief.html",
    ]


def test_a_template_change_rebuilds_that_audience(built: tuple[Path, Path]) -> None:
    content, out = built
    override = content / "templates" / "public"
    override.mkdir(parents=True)
    (override / "style.css").write_text("h2 { color: black; }")
    plan.templates_digest.cache_clear()
    result = build(content, out_dir=out)
    assert sorted(p.relative_to(out).as_posix() for p in result.written) == [
        "public/brief.html",
        "public/brief.pdf",
    ]


def test_two_builds_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    outs = [tmp_path / "one", tmp_path / "two"]
    for out in outs:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "briefgen",
                "build",
                str(FIXTURES / "canary"),
                "--out",
                str(out),
                "--quiet",
            ],
            check=True,
        )
    assert digests(outs[0]) == digests(outs[1])
    assert len(digests(outs[0])) == OUTPUTS


def test_parallel_build_equals_serial_build(tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    build(FIXTURES / "canary", out_dir=serial, jobs=1)
    build(FIXTURES / "canary", out_dir=parallel, jobs=2)
    assert digests(serial) == digests(parallel)


def test_source_date_epoch_sets_the_pdf_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(FIXTURES / "canary", out_dir=tmp_path, audiences=["public"], formats=["pdf"])
    created = info(tmp_path / "public" / "brief.pdf", "/CreationDate")
    assert created.startswith("D:20231114221320")


def test_killed_build_leaves_previous_outputs_readable(built: tuple[Path, Path]) -> None:
    content, out = built
    before = digests(out)
    (content / "brief.yaml").write_text(
        (content / "brief.yaml").read_text().replace("Canary brief", "Changed brief")
    )
    # The build process kills itself after staging its first output, mid-write.
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from briefgen.pipeline import write
        real_replace = os.replace
        def die(src, dst):
            os.kill(os.getpid(), signal.SIGKILL)
        write.os.replace = die
        from briefgen.pipeline import build
        build(Path({str(content)!r}), out_dir=Path({str(out)!r}), jobs=1)
    """)
    killed = subprocess.run([sys.executable, "-c", script])
    assert killed.returncode == -9
    assert digests(out) == before
    for pdf in out.rglob("brief.pdf"):
        assert info(pdf, "/Title") == "Canary brief"
    assert list(out.rglob("*.tmp"))  # the staged files of the killed build…
    build(content, out_dir=out)
    assert not list(out.rglob("*.tmp"))  # …are cleared by the next one


def test_a_second_build_of_the_same_folder_waits(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "briefgen", "build", str(FIXTURES / "canary"), "-o", str(out)]
    with output_lock(out):  # a first build is writing here
        second = subprocess.Popen([*command, "-f", "html", "-q"], stderr=subprocess.PIPE, text=True)
        assert second.stderr is not None
        line = second.stderr.readline()  # it says so, and waits
        assert line.startswith(f"waiting for another briefgen build of {out} to finish")
        time.sleep(0.5)
        assert second.poll() is None and not list(out.rglob("brief.html"))
    assert second.wait(timeout=60) == 0  # then goes on once the first is done
    assert len(list(out.rglob("brief.html"))) == 3


def test_a_build_that_must_not_wait_says_why(tmp_path: Path) -> None:
    with (
        output_lock(tmp_path),
        pytest.raises(OutputError, match="another briefgen build"),
        output_lock(tmp_path, wait=False),
    ):
        pass


def test_manifest_records_every_output(built: tuple[Path, Path]) -> None:
    import json

    _, out = built
    manifest = json.loads((out / MANIFEST).read_text())
    assert sorted(manifest["outputs"]) == sorted(digests(out))
    assert all(set(entry) == {"inputs", "output"} for entry in manifest["outputs"].values())
    assert sorted(manifest["tree"]["outputs"]) == sorted(digests(out))


def test_cli_summary(brief_dir: Callable[..., Path], tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    args = [
        sys.executable,
        "-m",
        "briefgen",
        "build",
        str(brief_dir()),
        "--out",
        str(tmp_path),
        "-a",
        "public",
        "-f",
        "html",
    ]
    first = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    assert first.stdout.startswith("built 1, skipped 0, in ")
    again = subprocess.run(
        [*args, "--verbose"], capture_output=True, text=True, env=env, check=True
    )
    assert again.stdout.startswith("built 0, skipped 1, in ")
    assert "skipped" in again.stderr and "public/brief.html" in again.stderr
    quiet = subprocess.run([*args, "--quiet"], capture_output=True, text=True, env=env, check=True)
    assert quiet.stdout == "" and quiet.stderr == ""


def test_unchanged_rebuild_does_not_even_load_the_content(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.content.validate

    content, out = built

    def refuse(*_: object) -> None:
        raise AssertionError("the content was loaded")

    monkeypatch.setattr(briefgen.content.validate, "validate_brief", refuse)
    assert len(build(content, out_dir=out).skipped) == OUTPUTS


def test_a_byte_change_that_no_audience_sees_is_checked_then_fast_again(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.content.validate

    content, out = built
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    result = build(content, out_dir=out)  # the full check: same content, nothing to render
    assert not result.written and len(result.skipped) == OUTPUTS

    monkeypatch.setattr(briefgen.content.validate, "validate_brief", None)  # must not be needed now
    assert len(build(content, out_dir=out).skipped) == OUTPUTS


def test_a_damaged_output_defeats_the_fast_check(built: tuple[Path, Path]) -> None:
    content, out = built
    (out / "analyst" / "brief.html").write_text("edited by hand")
    assert [p.relative_to(out).as_posix() for p in build(content, out_dir=out).written] == [
        "analyst/brief.html"
    ]


def test_a_partial_build_names_the_outputs_it_leaves_stale(
    built: tuple[Path, Path], runner: CliRunner
) -> None:
    from briefgen.cli import app

    content, out = built
    before = digests(out)
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text().replace("Canary brief", "Changed brief"))
    result = build(content, out_dir=out, formats=["html"])
    stale = sorted(w.message for w in result.warnings)
    assert stale == [
        f"stale: {name} — the content changed since it was built"
        for name in (
            "analyst/brief.docx",
            "analyst/brief.pdf",
            "minister/brief.docx",
            "minister/brief.pdf",
            "public/brief.pdf",
        )
    ]
    assert {k: v for k, v in digests(out).items() if k.endswith(".pdf")} == {
        k: v for k, v in before.items() if k.endswith(".pdf")
    }  # left as they were
    again = runner.invoke(app, ["build", str(content), "-o", str(out), "-f", "html"])
    assert again.exit_code == 0  # nothing to do, and still said
    assert "warning: stale: public/brief.pdf — the content changed since it was built" in (
        again.stderr
    )
    strict = runner.invoke(app, ["build", str(content), "-o", str(out), "-f", "html", "--strict"])
    assert strict.exit_code == 1
    assert "error: 5 warnings and --strict: nothing was written" in strict.stderr


def test_strict_writes_nothing_when_a_build_warns(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.errors import StrictError

    content, out = built
    before = digests(out)
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text().replace("Canary brief", "Changed brief"))
    with pytest.raises(StrictError):
        build(content, out_dir=out, formats=["html"], strict=True)
    assert digests(out) == before
    assert build(content, out_dir=out).warnings == []  # a full build leaves nothing stale


def test_only_briefgens_own_temporaries_are_removed(built: tuple[Path, Path]) -> None:
    from briefgen.pipeline.write import TEMPORARY_PREFIX

    content, out = built
    mine = out / "public" / f"{TEMPORARY_PREFIX}brief.pdf.abc123.tmp"
    theirs = [out / ".notes.tmp", out / "public" / ".draft.pdf.tmp"]
    for path in (mine, *theirs):
        path.write_text("x")
    build(content, out_dir=out, force=True)
    assert not mine.exists()
    assert all(path.exists() for path in theirs)


def test_the_incremental_key_includes_briefgens_own_code(tmp_path: Path) -> None:
    from briefgen.pipeline.manifest import code_digest, tool_versions

    package = tmp_path / "package"
    package.mkdir()
    (package / "render.py").write_text("A = 1\n")
    first = code_digest(package)
    (package / "render.py").write_text("A = 2\n")
    assert code_digest(package) != first
    assert f"code={code_digest(Path(make.__file__).parents[1])}" in tool_versions()
