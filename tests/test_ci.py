"""CI that scales out: `briefgen changed` as a job matrix, the workflow files
`briefgen ci init` writes (valid against the GitHub Actions and GitLab CI
schemas), and `briefgen diff` over a project of briefs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import check_jsonschema
import jsonschema
import pytest
import yaml
from conftest import ROOT
from test_project import make_project
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.tools.ci_files import ci_files

needs_git = pytest.mark.skipif(not shutil.which("git"), reason="git is not installed")
VENDOR = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
SCHEMAS = {
    ".github/workflows/briefs.yml": "github-workflows.json",
    ".gitlab-ci.yml": "gitlab-ci.json",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    return done.stdout.decode()


def validate(text: str, schema_name: str) -> dict[str, Any]:
    data = yaml.safe_load(text)
    if True in data:  # YAML 1.1 reads the key `on:` as true; GitHub reads YAML 1.2
        data["on"] = data.pop(True)
    schema = json.loads((VENDOR / schema_name).read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    return dict(data)


@pytest.mark.parametrize("target", sorted(SCHEMAS))
def test_the_ci_files_are_valid_against_their_schemas(target: str) -> None:
    validate(ci_files("briefs", "briefgen==1.0")[target], SCHEMAS[target])


@pytest.mark.parametrize("target", sorted(SCHEMAS))
def test_this_repository_runs_the_ci_files_briefgen_writes(target: str) -> None:
    """The repository's own workflow is what `briefgen ci init . --install '-e .'` writes."""
    committed = (ROOT / target).read_text(encoding="utf-8")
    assert committed == ci_files(".", "-e .")[target]


def test_the_workflow_publishes_only_the_public_audience_and_keeps_artifacts_short() -> None:
    workflow = yaml.safe_load(ci_files("briefs", "briefgen")[".github/workflows/briefs.yml"])
    jobs = workflow["jobs"]
    assert jobs["build"]["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    upload = next(s for s in jobs["build"]["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["retention-days"] == 7
    runs = [s.get("run", "") for s in jobs["pages"]["steps"]]
    assert any('--audience "$PUBLIC_AUDIENCE"' in r for r in runs)
    assert workflow["env"]["PUBLIC_AUDIENCE"] == "public"
    assert jobs["deploy"]["needs"] == "pages"


@needs_git
def test_ci_init_writes_both_files_and_keeps_what_exists(tmp_path: Path) -> None:
    make_project(tmp_path)
    git(tmp_path, "init", "-q")
    runner = CliRunner()
    result = runner.invoke(app, ["ci", "init", str(tmp_path), "--install", "briefgen==9"])
    assert result.exit_code == 0, result.output
    for target in SCHEMAS:
        text = (tmp_path / target).read_text(encoding="utf-8")
        assert 'BRIEFS: "."' in text and 'BRIEFGEN: "briefgen==9"' in text
    (tmp_path / ".gitlab-ci.yml").write_text("# ours\n", encoding="utf-8")
    result = runner.invoke(app, ["ci", "init", str(tmp_path)])
    assert "kept" in result.stdout and "--force" in result.stdout
    assert (tmp_path / ".gitlab-ci.yml").read_text(encoding="utf-8") == "# ours\n"


@needs_git
def test_new_writes_the_ci_files_at_the_top_of_the_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    result = CliRunner().invoke(app, ["new", str(tmp_path / "briefs" / "energy")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / ".github/workflows/briefs.yml").read_text(encoding="utf-8")
    assert 'BRIEFS: "briefs/energy"' in text
    assert (tmp_path / ".gitlab-ci.yml").is_file()


def test_new_outside_a_repository_makes_the_folder_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["new", str(tmp_path / "energy")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "energy/.github/workflows/briefs.yml").read_text(encoding="utf-8")
    assert 'BRIEFS: "."' in text


@pytest.fixture
def project_repo(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "repo")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    return root


def changed(root: Path, *args: str) -> Any:
    result = CliRunner().invoke(app, ["changed", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@needs_git
def test_changed_gives_the_matrix_of_the_briefs_a_change_touches(
    project_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_repo)
    everything = json.loads(changed(Path("."), "--json"))
    assert [b["brief"] for b in everything["include"]] == [
        "briefs/alpha",
        "briefs/beta",
        "briefs/gamma",
    ]
    assert everything["include"][0] == {
        "brief": "briefs/alpha",
        "folder": "briefs/alpha",
        "slug": "briefs-alpha",
    }
    assert json.loads(changed(Path("."), "--since", "HEAD", "--json")) == {"include": []}
    cooperation = project_repo / "briefs/beta/cooperation.yaml"
    cooperation.write_text(cooperation.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    git(project_repo, "commit", "-qam", "beta")
    assert changed(Path("."), "--since", "HEAD~1") == "briefs/beta\n"
    (project_repo / "sources.yaml").write_text(
        (project_repo / "sources.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert changed(Path("."), "--since", "HEAD").count("\n") == 3  # the library: all


@needs_git
def test_changed_reaches_every_brief_when_shared_templates_change(project_repo: Path) -> None:
    style = project_repo / "templates" / "public" / "style.css"
    style.parent.mkdir(parents=True)
    style.write_text("h1 { color: navy; }\n", encoding="utf-8")
    git(project_repo, "add", "-A")
    git(project_repo, "commit", "-qm", "templates")
    assert changed(project_repo, "--since", "HEAD~1").splitlines() == [
        "briefs/alpha",
        "briefs/beta",
        "briefs/gamma",
    ]


@needs_git
def test_changed_writes_a_gitlab_child_pipeline(project_repo: Path) -> None:
    pipeline = validate(changed(project_repo, "--format", "gitlab"), "gitlab-ci.json")
    assert sorted(pipeline) == ["build briefs-alpha", "build briefs-beta", "build briefs-gamma"]
    job = pipeline["build briefs-beta"]
    assert job["script"] == ["briefgen build briefs/beta --out build/briefs/beta"]
    assert job["artifacts"]["expire_in"] == "7 days"
    empty = validate(
        changed(project_repo, "--since", "HEAD", "--format", "gitlab"), "gitlab-ci.json"
    )
    assert list(empty) == ["nothing-to-build"]


@needs_git
def test_diff_over_a_project_names_each_brief(project_repo: Path) -> None:
    brief = project_repo / "briefs/beta/brief.yaml"
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("three ports", "four ports"), encoding="utf-8"
    )
    gamma = project_repo / "briefs/gamma/brief.yaml"
    gamma.write_text(
        gamma.read_text(encoding="utf-8").replace("marking: RESTRICTED", "marking: PUBLIC", 1)
    )
    git(project_repo, "commit", "-qam", "second")
    result = CliRunner().invoke(app, ["diff", str(project_repo), "--rev", "HEAD~1..HEAD"])
    assert result.exit_code == 3, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("!! briefs/gamma/")  # now shown to the public: first, flagged
    assert any(line.startswith("briefs/beta/brief.yaml:") and "reworded" in line for line in lines)
    assert "[-three-] {+four+}" in result.stdout
