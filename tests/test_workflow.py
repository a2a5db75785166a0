"""The CI workflow users adopt: it installs as the README says and runs check and build."""

from __future__ import annotations

from typing import Any

import yaml
from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "briefs.yml"
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]'"


def load() -> Any:
    # PyYAML reads the key `on` as True (YAML 1.1); take either.
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_triggers_cover_content_and_templates() -> None:
    workflow = load()
    triggers = workflow.get("on", workflow.get(True))
    for event in ("push", "pull_request"):
        assert {"content/**", "templates/**"} <= set(triggers[event]["paths"])


def test_runs_the_readme_install_and_both_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert INSTALL in readme
    steps = load()["jobs"]["build"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    assert INSTALL in commands
    assert ".venv/bin/briefgen check content --format github --strict" in commands
    assert ".venv/bin/briefgen build content" in commands
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["path"] == "build/"


def test_publishes_the_public_page_from_main_only() -> None:
    jobs = load()["jobs"]
    assert "refs/heads/main" in jobs["publish"]["if"]
    assert jobs["publish"]["steps"][0]["uses"].startswith("actions/deploy-pages")
    steps = jobs["build"]["steps"]
    assert any("build/public/brief.html" in s.get("run", "") for s in steps)


def test_a_scheduled_job_tries_the_newest_patched_libraries() -> None:
    drift = yaml.safe_load((ROOT / ".github" / "workflows" / "drift.yml").read_text())
    triggers = drift.get("on", drift.get(True))
    assert triggers["schedule"][0]["cron"]
    commands = "\n".join(s.get("run", "") for s in drift["jobs"]["newest-releases"]["steps"])
    assert "pip install --upgrade weasyprint citeproc-py" in commands
    assert "briefgen build content --strict" in commands
    assert ".venv/bin/pytest -q" in commands


def test_the_check_step_passes_in_a_fresh_clone_without_snapshots() -> None:
    from typer.testing import CliRunner

    from briefgen.cli import app

    steps = load()["jobs"]["build"]["steps"]
    (check,) = [s["run"] for s in steps if "briefgen check" in s.get("run", "")]
    args = check.split("briefgen ", 1)[1].split()
    assert "--snapshots" not in args
    result = CliRunner().invoke(app, [*args[:1], str(ROOT / "content"), *args[2:]])
    assert result.exit_code == 0, result.output
    assert "quotes not verified: no snapshot folder" in result.output
