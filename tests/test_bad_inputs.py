"""The catalogue of bad inputs: each folder in tests/bad_inputs/ is one case.

A case folder holds the files that differ from the canary brief (copied over
it) and `expect.yaml`: the command's arguments, the exit code, where the
message points (`at`, file:line:col) and a fragment of it. Adding a case is
adding a folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES
from typer.testing import CliRunner

from briefgen.cli import app

CASES = Path(__file__).parent / "bad_inputs"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_bad_input(case: str, runner: CliRunner, tmp_path: Path) -> None:
    expect = yaml.safe_load((CASES / case / "expect.yaml").read_text(encoding="utf-8"))
    content = tmp_path / "brief"
    shutil.copytree(FIXTURES / "canary", content)
    shutil.copytree(
        CASES / case,
        content,
        symlinks=True,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("expect.yaml"),
    )
    command, *options = expect["args"]
    args = [command, str(content), *options]
    if command == "build":
        args += ["--out", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == expect["exit"], result.output
    assert expect["message"] in result.output
    if "at" in expect:  # file:line:col, as the message starts
        assert f"{expect['at']}: " in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    if expect["exit"] and command == "build":
        assert not list((tmp_path / "out").rglob("brief.*"))  # nothing half-built


def test_file_over_the_size_limit(runner: CliRunner, tmp_path: Path) -> None:
    content = tmp_path / "brief"
    shutil.copytree(FIXTURES / "canary", content)
    (content / "questions.yaml").write_text("# padding\n" * 600_000)
    result = runner.invoke(app, ["check", str(content)])
    assert result.exit_code == 1
    assert "questions.yaml: " in result.output
    assert "file is 6,000,000 bytes; the limit is 5 MiB: split or shorten it" in result.output


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_check_passes_only_where_build_succeeds(
    case: str, runner: CliRunner, tmp_path: Path
) -> None:
    """What build refuses, check finds first; what check passes, build builds."""
    expect = yaml.safe_load((CASES / case / "expect.yaml").read_text(encoding="utf-8"))
    content = tmp_path / "brief"
    shutil.copytree(FIXTURES / "canary", content)
    shutil.copytree(
        CASES / case,
        content,
        symlinks=True,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("expect.yaml"),
    )
    checked = runner.invoke(app, ["check", str(content)])
    refused_by_build = expect["args"][0] == "build" and "--strict" not in expect["args"]
    if refused_by_build and expect["exit"] == 1:
        assert checked.exit_code == 1, f"build refuses this, check passed it:\n{checked.output}"
    if checked.exit_code == 0:
        built = runner.invoke(app, ["build", str(content), "--out", str(tmp_path / "out")])
        assert built.exit_code == 0, f"check passed this, build refused it:\n{built.output}"
