"""The generated CI files' steps, run here in a shell as a runner runs them: a step's
script as written, its `${{ … }}` expressions filled in from an event, and the
environment GitHub or GitLab sets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

BIN = str(Path(sys.executable).parent)  # where the briefgen under test is installed


def github_step(workflow: Path, job: str, name: str) -> dict[str, Any]:
    """A step of a workflow by its name."""
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    for step in data["jobs"][job]["steps"]:
        if step.get("name") == name:
            return {"env": {**data.get("env", {}), **step.get("env", {})}, "run": step["run"]}
    raise KeyError(f"no step {name!r} in job {job!r}")


def expand(text: str, event: dict[str, str]) -> str:
    """`${{ expression }}` replaced by the event's value for that expression, as
    written (the test names each expression the step uses)."""

    def value(match: re.Match[str]) -> str:
        expression = match[1].strip()
        if expression not in event:
            raise KeyError(f"the test gives no value for ${{{{ {expression} }}}}")
        return event[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def run_github(
    step: dict[str, Any], cwd: Path, event: dict[str, str], extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A `run:` step under `bash -e`, GitHub's default shell, with the step's env."""
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    env |= {key: expand(str(value), event) for key, value in step["env"].items()}
    env |= extra or {}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-c", expand(step["run"], event)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def gitlab_job(pipeline: Path, job: str) -> dict[str, Any]:
    data = yaml.safe_load(pipeline.read_text(encoding="utf-8"))
    return {"variables": data.get("variables", {}), "script": data[job]["script"]}


def run_gitlab(
    job: dict[str, Any], cwd: Path, variables: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """A job's script lines, each as GitLab's runner runs them: in one shell that stops at
    the first line that fails."""
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    env |= {key: str(value) for key, value in job["variables"].items()} | variables
    script = "\n".join(job["script"])
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
