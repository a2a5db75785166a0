"""The CI workflow users adopt: it installs as the README says and runs check and build."""

from __future__ import annotations

import re
from typing import Any

import yaml
from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "briefs.yml"


def load() -> Any:
    # PyYAML reads the key `on` as True (YAML 1.1); take either.
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_every_job_installs_this_checkout() -> None:
    workflow = load()
    assert workflow["env"]["BRIEFGEN"] == "-e ."
    assert workflow["env"]["BRIEFS"] == "."
    for name in ("plan", "build", "pages"):
        commands = "\n".join(s.get("run", "") for s in workflow["jobs"][name]["steps"])
        assert "pip install $BRIEFGEN" in commands, name


def test_pull_requests_are_checked_diffed_and_built_brief_by_brief() -> None:
    workflow = load()
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    gate = "\n".join(s.get("run", "") for s in workflow["jobs"]["clearance"]["steps"])
    assert "briefgen diff" in gate and "$GITHUB_STEP_SUMMARY" in gate
    plan = "\n".join(s.get("run", "") for s in workflow["jobs"]["plan"]["steps"])
    assert 'briefgen changed "$BRIEFS" --since "$since" --json --max-jobs "$MAX_JOBS"' in plan
    build = "\n".join(s.get("run", "") for s in workflow["jobs"]["build"]["steps"])
    assert 'briefgen build "$BRIEFS" --briefs-from - --out build --strict' in build


def test_a_scheduled_job_tries_the_newest_patched_libraries() -> None:
    drift = yaml.safe_load((ROOT / ".github" / "workflows" / "drift.yml").read_text())
    triggers = drift.get("on", drift.get(True))
    assert triggers["schedule"][0]["cron"]
    commands = "\n".join(s.get("run", "") for s in drift["jobs"]["newest-releases"]["steps"])
    # Every library pyproject.toml bounds because briefgen patches or reaches into it.
    upgrade = next(line for line in commands.splitlines() if "pip install --upgrade" in line)
    for name in ("weasyprint", "pydyf", "citeproc-py", "python-docx"):
        assert name in upgrade.split(), name
        assert re.search(f'"{name}>=[^"]*,<', (ROOT / "pyproject.toml").read_text()), name
    assert "briefgen build content --strict" in commands
    assert ".venv/bin/pytest -q" in commands


def test_the_check_step_passes_in_a_fresh_clone_without_snapshots() -> None:
    from typer.testing import CliRunner

    from briefgen.cli import app

    steps = load()["jobs"]["plan"]["steps"]
    (check,) = [s["run"] for s in steps if "briefgen check" in s.get("run", "")]
    args = check.split("briefgen ", 1)[1].split()
    assert args[1] == '"$BRIEFS"' and "--snapshots" not in args
    result = CliRunner().invoke(app, [args[0], str(ROOT), *args[2:]])
    assert result.exit_code == 0, result.output
    assert "quotes not verified: no snapshot folder" in result.output
