"""Faults around a build: each gives a clear message, exit 1, and earlier outputs intact."""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen import write
from briefgen.cli import app


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
    written = []

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
