"""The gate the generated CI puts before a merge: run as written, in a shell, on a git
repository whose pull request makes a RESTRICTED key judgment PUBLIC."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from ci_runner import github_step, gitlab_job, run_github, run_gitlab
from conftest import FIXTURES
from typer.testing import CliRunner

from briefgen.cli import app

pytestmark = pytest.mark.skipif(not shutil.which("git"), reason="git is not installed")

RESTRICTED = (
    "CANARYRESTRICTEDJUDGMENT is for ministers only, as is the CRX.\n    marking: RESTRICTED"
)
LOWERED = "CANARYRESTRICTEDJUDGMENT is for ministers only, as is the CRX.\n    marking: PUBLIC"
INSTALL = "git+https://git.example.org/tools/briefgen.git@v0.1.0"
REWORDED = ("The public judgment stands in every output.", "The public judgment stands in each.")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def pull_request(tmp_path: Path) -> Callable[[tuple[str, str]], Path]:
    """A repository with the generated CI, its main on a remote `origin`, and a branch
    that makes one change to the canary brief."""

    def make(change: tuple[str, str]) -> Path:
        repo = tmp_path / "repo"
        shutil.copytree(FIXTURES / "canary", repo / "content")
        git(repo, "init", "-q", "-b", "main")
        result = CliRunner().invoke(
            app, ["ci", "init", str(repo / "content"), "--install", INSTALL]
        )
        assert result.exit_code == 0, result.output
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "main")
        remote = tmp_path / "origin.git"
        git(tmp_path, "init", "-q", "--bare", str(remote))
        git(repo, "remote", "add", "origin", str(remote))
        git(repo, "push", "-q", "origin", "main")
        git(repo, "checkout", "-qb", "change")
        brief = repo / "content" / "brief.yaml"
        text = brief.read_text()
        assert change[0] in text
        brief.write_text(text.replace(change[0], change[1]))
        git(repo, "commit", "-qam", "change")
        return repo

    return make


def github_gate(repo: Path, labels: str) -> subprocess.CompletedProcess[str]:
    step = github_step(
        repo / ".github" / "workflows" / "briefs.yml", "clearance", "What changed, and for whom"
    )
    event = {
        "github.base_ref": "main",
        "join(github.event.pull_request.labels.*.name, ',')": labels,
    }
    summary = repo.parent / "summary.md"
    return run_github(step, repo, event, {"GITHUB_STEP_SUMMARY": str(summary)})


def gitlab_gate(repo: Path, labels: str) -> subprocess.CompletedProcess[str]:
    job = gitlab_job(repo / ".gitlab-ci.yml", "check")
    job["script"] = job["script"][1:]  # the check line runs in its own test
    variables = {
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_MERGE_REQUEST_LABELS": labels,
        "CI_COMMIT_BEFORE_SHA": "0000000000000000000000000000000000000000",
    }
    return run_gitlab(job, repo, variables)


@pytest.mark.parametrize("gate", [github_gate, gitlab_gate], ids=["github", "gitlab"])
def test_a_change_that_makes_restricted_content_public_fails_the_check(
    gate: Callable[[Path, str], subprocess.CompletedProcess[str]],
    pull_request: Callable[[tuple[str, str]], Path],
) -> None:
    repo = pull_request((RESTRICTED, LOWERED))
    done = gate(repo, "")
    assert done.returncode != 0, done.stdout + done.stderr
    assert "clearance-approved" in done.stdout + done.stderr


@pytest.mark.parametrize("gate", [github_gate, gitlab_gate], ids=["github", "gitlab"])
def test_a_reworded_public_statement_passes(
    gate: Callable[[Path, str], subprocess.CompletedProcess[str]],
    pull_request: Callable[[tuple[str, str]], Path],
) -> None:
    repo = pull_request(REWORDED)
    done = gate(repo, "")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("gate", [github_gate, gitlab_gate], ids=["github", "gitlab"])
def test_the_approval_label_lets_it_pass(
    gate: Callable[[Path, str], subprocess.CompletedProcess[str]],
    pull_request: Callable[[tuple[str, str]], Path],
) -> None:
    repo = pull_request((RESTRICTED, LOWERED))
    assert gate(repo, "documentation,clearance-approved").returncode == 0
    assert gate(repo, "clearance-approved-later").returncode != 0  # the label itself


def test_the_summary_lists_what_became_visible_first(
    pull_request: Callable[[tuple[str, str]], Path],
) -> None:
    repo = pull_request((RESTRICTED, LOWERED))
    github_gate(repo, "")
    summary = (repo.parent / "summary.md").read_text()
    assert summary.index("Newly visible") < summary.index("### Changes")
    assert "CANARYRESTRICTEDJUDGMENT" in summary
