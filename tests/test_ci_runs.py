"""The CI files `briefgen ci init` writes, run from start to end as GitHub's and GitLab's
runners run them (see workflow_runner.py), on a repository of three briefs, one of
them Japanese, on a runner image with no font but DejaVu."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner
from workflow_runner import GitHubEvent, GitHubRunner, GitLabEvent, GitLabRunner, JobRun

from briefgen.cli import app
from briefgen.tools.new import create_brief

pytestmark = pytest.mark.skipif(not shutil.which("git"), reason="git is not installed")

INSTALL = "git+https://git.example.org/tools/briefgen.git@v0.1.0"
CANARY = "Secret harbour canary qzx"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def small_brief(folder: Path, day: str) -> None:
    """The example brief, with the public audience's PDF only: what a CI run builds
    most often, at a third of the time."""
    create_brief(folder, today=dt.date.fromisoformat(day))


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A project of three briefs on main (en, a Japanese one, a RESTRICTED one), then a
    branch `words` that edits the English brief, then on main a change to the shared
    source library. MAX_JOBS is 2 in both CI files."""
    repo = tmp_path_factory.mktemp("ci") / "repo"
    for name, day in (("en", "2026-01-10"), ("ja", "2026-03-02"), ("secret", "2026-02-01")):
        small_brief(repo / "briefs" / name, day)
    (repo / "briefs" / "briefgen.yaml").write_text("title: Desk briefs\n", encoding="utf-8")
    (repo / "briefs" / "sources.yaml").write_text(LIBRARY, encoding="utf-8")
    ja = repo / "briefs" / "ja" / "brief.yaml"
    text = ja.read_text(encoding="utf-8").replace("lang: en", "lang: ja")
    ja.write_text(text.replace("title: Harbour resilience programme", "title: 港湾強靱化計画"))
    ja.write_text(
        ja.read_text(encoding="utf-8").replace(
            "      - source: example-release\n        locator: para 2",
            "      - source: shared-yearbook\n        locator: p. 4",
        ),
        encoding="utf-8",
    )
    # The secret brief: RESTRICTED throughout, for the minister alone, who reads its
    # summary and questions (not its background or cooperation).
    secret = repo / "briefs" / "secret"
    for name in ("background.yaml", "cooperation.yaml"):
        (secret / name).unlink()
    sources = (secret / "sources.yaml").read_text(encoding="utf-8")
    (secret / "sources.yaml").write_text(sources[: sources.index("- id: doe-2023")])
    text = (secret / "brief.yaml").read_text().replace("Harbour resilience programme", CANARY)
    (secret / "brief.yaml").write_text(text.replace("marking: PUBLIC", "marking: RESTRICTED"))
    git(repo, "init", "-q", "-b", "main")
    result = CliRunner().invoke(app, ["ci", "init", str(repo / "briefs"), "--install", INSTALL])
    assert result.exit_code == 0, result.output
    for name in (".github/workflows/briefs.yml", ".gitlab-ci.yml"):
        path = repo / name
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'MAX_JOBS: "?\d+"?', 'MAX_JOBS: "2"', text)
        path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "three briefs")
    first = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-qb", "words")
    background = repo / "briefs" / "en" / "background.yaml"
    background.write_text(background.read_text().replace("three ports", "four ports"))
    git(repo, "commit", "-qam", "four ports")
    words = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "main")
    library = repo / "briefs" / "sources.yaml"
    library.write_text(library.read_text().replace("Ports yearbook", "Ports yearbook 2024"))
    git(repo, "commit", "-qam", "library")
    return {
        "repo": str(repo),
        "first": first,
        "words": words,
        "library": git(repo, "rev-parse", "HEAD"),
    }


LIBRARY = """\
- id: shared-yearbook
  type: report
  title: Ports yearbook
  authors: [{literal: Example Ports Council}]
  published: 2024
  kind: official
  reliability: A
"""


def failures(runs: dict[str, list[JobRun]]) -> str:
    return "\n\n".join(
        f"{job}: {run.name}\n{run.text()[-3000:]}"
        for job, job_runs in runs.items()
        for run in job_runs
        if run.status == "failure"
    )


def briefs_built(runs: list[JobRun]) -> list[list[str]]:
    return sorted(sorted(run.matrix["briefs"].splitlines()) for run in runs)


def test_github_pull_request_builds_only_the_changed_brief(
    repository: dict[str, str], tmp_path: Path
) -> None:
    runner = GitHubRunner(Path(repository["repo"]), tmp_path)
    event = GitHubEvent("pull_request", repository["words"], "refs/pull/1/merge", base_ref="main")
    runs = runner.run(event)
    assert not failures(runs), failures(runs)
    assert briefs_built(runs["build"]) == [["en"]]
    assert runs["pages"][0].status == "skipped"
    assert "four ports" in runs["clearance"][0].summary  # the diff, in the job summary
    built = runner.artifacts["briefs-en"]
    assert (built / "en" / "public" / "brief.pdf").is_file()
    assert not (built / "ja").exists()
    assert sorted({args[-1] for args in runner.machine.log("pip")}) == [INSTALL]


def test_github_push_shards_a_library_change_and_publishes_the_public_index(
    repository: dict[str, str], tmp_path: Path
) -> None:
    runner = GitHubRunner(Path(repository["repo"]), tmp_path)
    event = GitHubEvent("push", repository["library"], before=repository["first"])
    runs = runner.run(event)
    assert not failures(runs), failures(runs)
    # MAX_JOBS 2: three briefs in two jobs, each once.
    assert len(runs["build"]) == 2
    assert sorted(sum(briefs_built(runs["build"]), [])) == ["en", "ja", "secret"]
    installed = {p for args in runner.machine.log("apt") for p in args}
    assert "fonts-noto-cjk" in installed  # from the Japanese brief, not typed by hand
    deploy = runs["deploy"][0]
    assert deploy.url == "https://example.github.io/briefs/public/"
    assert runner.pages is not None
    index = (runner.pages / "public" / "index.html").read_text(encoding="utf-8")
    assert "港湾強靱化計画" in index
    site = " ".join(p.read_text(errors="replace") for p in runner.pages.rglob("*.html"))
    assert CANARY not in site and not list(runner.pages.rglob("analyst"))


def test_gitlab_merge_request_and_push(repository: dict[str, str], tmp_path: Path) -> None:
    runner = GitLabRunner(Path(repository["repo"]), tmp_path)
    event = GitLabEvent("merge_request_event", repository["words"], target_branch="main")
    runs = runner.run(event)
    assert not gitlab_failures(runs), gitlab_failures(runs)
    built = [name for name in runs if name.startswith("build/")]
    assert built == ["build/build en"]
    assert runs["pages"].status == "skipped"  # merge requests publish nothing

    push = GitLabEvent("push", repository["library"], before=repository["first"])
    runs = runner.run(push)
    assert {r.status for r in runs.values()} == {"success"}, gitlab_failures(runs)
    jobs = [name for name in runs if name.startswith("build/")]
    assert len(jobs) == 2  # three briefs, MAX_JOBS 2
    scripts = [line for args in runner.machine.log("apt") for line in args]
    assert "fonts-noto-cjk" in scripts
    public = tmp_path / "run2" / "artifacts" / "pages" / "public" / "public" / "index.html"
    assert "港湾強靱化計画" in public.read_text(encoding="utf-8")


def gitlab_failures(runs: dict[str, JobRun]) -> str:
    return "\n\n".join(f"{n}\n{r.text()[-3000:]}" for n, r in runs.items() if r.status == "failure")


def test_the_matrix_is_json_github_reads(repository: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app, ["changed", str(Path(repository["repo"]) / "briefs"), "--json"]
    )
    matrix = json.loads(result.stdout)
    assert [e["briefs"] for e in matrix["include"]] == ["en", "ja", "secret"]
