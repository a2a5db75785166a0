"""Faults around a build: each gives a clear message, exit 1, and earlier outputs intact."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.pipeline import write


def snapshot(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in out.rglob("*")
        if p.is_file()
    }


def test_output_folder_that_cannot_be_made(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    result = runner.invoke(app, ["build", str(brief_dir()), "--out", str(blocker / "out")])
    assert result.exit_code == 1
    assert "cannot use the output folder" in result.stderr
    assert "Traceback" not in result.output


def test_disk_full_leaves_earlier_outputs_intact(
    brief_dir: Callable[..., Path],
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = brief_dir()
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(content), "-o", str(out), "-f", "html"]).exit_code == 0
    before = snapshot(out)
    (content / "brief.yaml").write_text(
        (content / "brief.yaml").read_text().replace("Canary brief", "Changed brief")
    )
    written: list[Path] = []

    def full_disk(path: Path, data: bytes) -> Path:
        if written:  # the first file fits, the second finds the disk full
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path)
        return real_stage(path, data)

    real_stage = write._stage
    monkeypatch.setattr(write, "_stage", full_disk)
    result = runner.invoke(app, ["build", str(content), "-o", str(out), "-f", "html"])
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert "earlier outputs are unchanged" in result.stderr
    assert snapshot(out) == before  # the staged first file was removed too


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG])
def test_disk_full_or_file_too_big_while_rendering_names_the_output(
    brief_dir: Callable[..., Path],
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
) -> None:
    import briefgen.render.pdf

    def engine_fails(*_: object) -> None:  # as the engine's own temporary files would
        raise OSError(code, os.strerror(code), "/tmp/weasyprint-font-cache")

    monkeypatch.setattr(briefgen.render.pdf, "render_pdf", engine_fails)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(brief_dir()), "-o", str(out), "-f", "pdf", "-j", "1"])
    assert result.exit_code == 1
    assert f"brief.pdf: could not render ({os.strerror(code)}); earlier outputs are unchanged" in (
        result.stderr
    )
    assert "internal error" not in result.output and "weasyprint-font-cache" not in result.output
    assert not list(out.rglob("brief.*"))


def test_an_output_path_taken_by_a_folder_names_the_output(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "public" / "brief.html").mkdir(parents=True)
    result = runner.invoke(app, ["build", str(brief_dir()), "-o", str(out), "-f", "html"])
    assert result.exit_code == 1
    assert "public/brief.html: a folder is where this output goes: remove or rename" in (
        result.stderr
    )
    assert ".tmp" not in result.stderr  # the output, not a temporary, is named
    assert not list(out.rglob("*.tmp"))


@pytest.mark.parametrize(
    "manifest",
    [
        "{not json",
        "[]",
        '{"outputs": {"public/brief.html": 5}}',
        '{"outputs": {}, "tree": {"key": 1, "outputs": "x"}}',
        '{"outputs": {"../../etc/passwd": {"inputs": "a", "output": "b"}}}',
        '{"outputs": {}, "tree": {"key": "k", "outputs": ["gone"]}}',
    ],
)
def test_a_damaged_manifest_is_treated_as_absent(
    brief_dir: Callable[..., Path], tmp_path: Path, manifest: str
) -> None:
    from briefgen.pipeline import MANIFEST, build

    content, out = brief_dir(), tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text(manifest)
    assert len(build(content, out_dir=out, formats=["html"]).written) == 3  # rebuilt
    assert len(build(content, out_dir=out, formats=["html"]).skipped) == 3  # and recorded anew
