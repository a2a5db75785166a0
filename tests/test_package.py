"""The package: templates found the same way installed or editable, CLI start-up kept light."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from conftest import FIXTURES, ROOT
from typer.testing import CliRunner

from briefgen.audiences import find_audiences
from briefgen.cli import app
from briefgen.render.html import make_environment
from briefgen.template_search import builtin_templates


def test_wheel_contains_the_builtin_audiences(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("briefgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for audience in ("minister", "analyst", "public"):
        for name in ("audience.yaml", "brief.html.j2", "style.css"):
            assert f"briefgen/templates/{audience}/{name}" in names
    assert "briefgen/templates/_common/layout.html.j2" in names
    for section in ("summary", "background", "milestones", "cooperation", "questions", "sources"):
        assert f"briefgen/templates/_common/sections/{section}.html.j2" in names
    assert "briefgen/templates/_common/fonts/CharisSIL-Regular.ttf" in names
    assert "briefgen/tools/scaffold/snapshots/example-release.txt" in names


def test_builtin_templates_are_the_top_level_folder() -> None:
    assert (builtin_templates() / "analyst" / "audience.yaml").is_file()


def test_help_does_not_load_weasyprint() -> None:
    code = "import sys; from briefgen.cli import app; print('weasyprint' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "False"


def test_every_command_has_help(runner: CliRunner) -> None:
    for command in ("build", "check", "audiences", "new", "schema"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_brief_templates_come_first_and_can_extend_builtins(brief_dir: Callable[..., Path]) -> None:
    content = brief_dir()
    override = content / "templates" / "public"
    override.mkdir(parents=True)
    (override / "brief.html.j2").write_text(
        '{% extends "builtin/public/brief.html.j2" %}'
        "{% block kicker %}Our own kicker{% endblock %}",
        encoding="utf-8",
    )
    audience = find_audiences(content)["public"]
    assert audience.origin == "overrides public"
    assert audience.dirs[0] == override
    env = make_environment(audience)
    assert env.get_template("brief.html.j2").filename == str(override / "brief.html.j2")
    assert (
        Path(env.get_template("level-1/style.css").filename or "")
        == builtin_templates() / "public" / "style.css"
    )


def test_audiences_lists_origin(runner: CliRunner) -> None:
    result = runner.invoke(app, ["audiences", str(FIXTURES / "canary")])
    assert result.exit_code == 0
    assert "analyst" in result.output and "INTERNAL" in result.output
    assert "built-in" in result.output


def test_readme_commands_are_the_ones_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
        ".venv/bin/briefgen build content"
    ) in readme
    assert ".venv/bin/pytest -q" in readme and ".venv/bin/pytest -q" in ci
    assert "python3 -m venv .venv" in ci and ".venv/bin/pip install" in ci


def test_readmes_check_command_passes_in_a_fresh_clone(runner: CliRunner) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/briefgen check content --strict\n" in readme
    result = runner.invoke(app, ["check", str(ROOT / "content"), "--strict"])
    assert result.exit_code == 0, result.output  # no snapshot folder: a note, not a failure


def test_a_wheel_holds_every_module_whatever_the_ignore_file_says(tmp_path: Path) -> None:
    """The usual Python .gitignore has an unanchored `build/` line: no source folder of
    briefgen may be named like an output folder, or the wheel would leave it out."""
    import shutil

    project = tmp_path / "project"
    for name in ("src", "templates"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    (project / ".gitignore").write_text("build/\ndist/\n*.egg-info/\n__pycache__/\n")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=project,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("briefgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        "briefgen/" + p.relative_to(ROOT / "src" / "briefgen").as_posix()
        for p in (ROOT / "src" / "briefgen").rglob("*.py")
    }
    assert modules <= names, sorted(modules - names)


def test_the_benchmark_runs(tmp_path: Path) -> None:
    """bench/run.py, once and small: its generated brief builds, every route runs."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "12",
            "--repeat",
            "1",
            "--smoke",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "| 12 |" in done.stdout
