"""CI that scales out: `briefgen changed` as a job matrix, the workflow files
`briefgen ci init` writes (valid against the GitHub Actions and GitLab CI
schemas), and `briefgen diff` over a project of briefs."""

from __future__ import annotations

import json
import re
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
from briefgen.tools.ci_files import ci_files, install_spec
from briefgen.tools.new import create_brief

INSTALL = "git+https://git.example.org/tools/briefgen.git@v0.1.0"
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
    validate(ci_files("briefs", INSTALL)[target], SCHEMAS[target])


@pytest.mark.parametrize("target", sorted(SCHEMAS))
def test_this_repository_runs_the_ci_files_briefgen_writes(target: str) -> None:
    """The repository's own workflow is what `briefgen ci init . --install '-e .'` writes."""
    committed = (ROOT / target).read_text(encoding="utf-8")
    assert committed == ci_files(".", "-e .")[target]


def test_the_workflow_publishes_only_the_public_audience_and_keeps_artifacts_short() -> None:
    workflow = yaml.safe_load(ci_files("briefs", INSTALL)[".github/workflows/briefs.yml"])
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
    result = runner.invoke(app, ["ci", "init", str(tmp_path), "--install", INSTALL])
    assert result.exit_code == 0, result.output
    for target in SCHEMAS:
        text = (tmp_path / target).read_text(encoding="utf-8")
        assert 'BRIEFS: "."' in text and f'BRIEFGEN: "{INSTALL}"' in text
    (tmp_path / ".gitlab-ci.yml").write_text("# ours\n", encoding="utf-8")
    result = runner.invoke(app, ["ci", "init", str(tmp_path), "--install", INSTALL])
    assert "kept" in result.stdout and "--force" in result.stdout
    assert (tmp_path / ".gitlab-ci.yml").read_text(encoding="utf-8") == "# ours\n"


def test_ci_init_with_no_install_spec_it_can_trust_writes_nothing(tmp_path: Path) -> None:
    """The suite's briefgen is an editable install from a local folder: no runner can
    install from that, so ci init stops, naming --install, rather than write a bare
    name that would install whatever the package index holds."""
    create_brief(tmp_path / "energy")
    result = CliRunner().invoke(app, ["ci", "init", str(tmp_path / "energy")])
    assert result.exit_code == 2
    assert "pass --install SPEC" in result.stderr and "editable" in result.stderr
    assert not (tmp_path / ".gitlab-ci.yml").exists()
    assert not (tmp_path / ".github").exists()


@pytest.mark.parametrize("spec", ["briefgen", "briefgen==0.1.0", "briefgen>=0.1"])
def test_a_bare_package_name_is_refused(spec: str, tmp_path: Path) -> None:
    create_brief(tmp_path / "energy")
    result = CliRunner().invoke(app, ["ci", "init", str(tmp_path / "energy"), "--install", spec])
    assert result.exit_code == 2
    assert "names a package but not where it comes from" in result.stderr


@pytest.mark.parametrize(
    ("recorded", "spec"),
    [
        (
            {
                "url": "https://git.example.org/tools/briefgen.git",
                "vcs_info": {"vcs": "git", "commit_id": "0123abc", "requested_revision": "main"},
            },
            "git+https://git.example.org/tools/briefgen.git@0123abc",
        ),
        (
            {
                "url": "https://files.example.org/briefgen-0.1.0-py3-none-any.whl",
                "archive_info": {"hash": "sha256=ab12"},
            },
            "https://files.example.org/briefgen-0.1.0-py3-none-any.whl#sha256=ab12",
        ),
        ({"url": "file:///home/me/briefgen", "dir_info": {"editable": True}}, None),
        ({"url": "file:///tmp/briefgen-0.1.0.tar.gz", "archive_info": {}}, None),
    ],
)
def test_the_install_spec_comes_from_how_pip_installed_briefgen(
    recorded: dict[str, Any], spec: str | None
) -> None:
    assert install_spec(recorded) == spec


@needs_git
def test_new_writes_the_ci_files_at_the_top_of_the_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    result = CliRunner().invoke(
        app, ["new", str(tmp_path / "briefs" / "energy"), "--install", INSTALL]
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / ".github/workflows/briefs.yml").read_text(encoding="utf-8")
    assert 'BRIEFS: "briefs/energy"' in text
    assert (tmp_path / ".gitlab-ci.yml").is_file()


def test_new_outside_a_repository_makes_the_folder_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["new", str(tmp_path / "energy"), "--install", INSTALL])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "energy/.github/workflows/briefs.yml").read_text(encoding="utf-8")
    assert 'BRIEFS: "."' in text


@needs_git
def test_a_second_new_brief_widens_what_ci_covers(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    runner = CliRunner()
    runner.invoke(app, ["new", str(tmp_path / "briefs" / "first"), "--install", INSTALL])
    result = runner.invoke(app, ["new", str(tmp_path / "briefs" / "second")])
    assert result.exit_code == 0, result.output
    for target in SCHEMAS:
        text = (tmp_path / target).read_text(encoding="utf-8")
        assert 'BRIEFS: "briefs"' in text and f'BRIEFGEN: "{INSTALL}"' in text
    assert 'BRIEFS is now "briefs" (was "briefs/first")' in result.stderr
    covered = runner.invoke(app, ["changed", str(tmp_path / "briefs")])
    assert covered.stdout.splitlines() == ["first", "second"]
    third = runner.invoke(app, ["new", str(tmp_path / "briefs" / "third")])
    assert 'covers the new brief (BRIEFS: "briefs")' in third.stderr


@needs_git
def test_new_in_a_project_covers_the_project(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "briefgen.yaml").write_text("title: Desk briefs\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["new", str(tmp_path / "desk" / "ports"), "--install", INSTALL])
    assert result.exit_code == 0, result.output
    assert 'BRIEFS: "desk"' in (tmp_path / ".gitlab-ci.yml").read_text(encoding="utf-8")


@needs_git
def test_a_brief_added_beside_the_one_ci_names_fails_coverage(tmp_path: Path) -> None:
    """ci init on one brief; a second copied in by hand (not with `new`): the coverage
    step the workflows run first fails, naming it, instead of CI building one brief
    and saying nothing of the other."""
    git(tmp_path, "init", "-q")
    create_brief(tmp_path / "briefs" / "first")
    runner = CliRunner()
    assert runner.invoke(app, ["ci", "coverage", str(tmp_path / "briefs" / "first")]).exit_code == 0
    shutil.copytree(tmp_path / "briefs" / "first", tmp_path / "briefs" / "second")
    result = runner.invoke(app, ["ci", "coverage", str(tmp_path / "briefs" / "first")])
    assert result.exit_code == 1
    assert "briefs/second' is a brief that CI never checks or builds" in result.stderr
    assert runner.invoke(app, ["ci", "coverage", str(tmp_path / "briefs")]).exit_code == 0
    init = runner.invoke(
        app, ["ci", "init", str(tmp_path / "briefs" / "first"), "--install", INSTALL]
    )
    assert "it would never check 'briefs/second'" in init.stderr
    (tmp_path / ".briefgenignore").write_text("briefs/second\n", encoding="utf-8")
    assert runner.invoke(app, ["ci", "coverage", str(tmp_path / "briefs" / "first")]).exit_code == 0


def test_ci_fonts_are_those_of_the_briefs_languages(tmp_path: Path) -> None:
    for name in ("en", "ja", "ar"):
        create_brief(tmp_path / name)
    for name, title in (("ja", "港湾強靱化計画"), ("ar", "برنامج مرونة الموانئ")):
        brief = tmp_path / name / "brief.yaml"
        text = brief.read_text(encoding="utf-8").replace("lang: en", f"lang: {name}")
        brief.write_text(text.replace("Harbour resilience programme", title), encoding="utf-8")
    fonts = CliRunner().invoke(app, ["ci", "fonts", str(tmp_path)])
    assert fonts.stdout.split() == ["fonts-noto-cjk", "fonts-noto-core"]
    alone = CliRunner().invoke(app, ["ci", "fonts", str(tmp_path / "en")])
    assert alone.stdout.strip() == ""  # Latin: the shipped fonts draw it


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
    assert [b["briefs"] for b in everything["include"]] == [
        "briefs/alpha",
        "briefs/beta",
        "briefs/gamma",
    ]
    assert everything["include"][0] == {
        "name": "briefs/alpha",
        "slug": "briefs-alpha",
        "briefs": "briefs/alpha",
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
    grouped = json.loads(changed(Path("."), "--since", "HEAD", "--json", "--max-jobs", "2"))
    groups = [e["briefs"].splitlines() for e in grouped["include"]]
    assert sorted(len(g) for g in groups) == [1, 2]  # the largest brief alone
    assert sorted(sum(groups, [])) == ["briefs/alpha", "briefs/beta", "briefs/gamma"]


def test_changed_on_300_briefs_fits_github_and_gitlab_and_builds_each_once(
    tmp_path: Path,
) -> None:
    """A change every brief reads, in a project of 300: at most 256 jobs (GitHub's limit)
    or 200 (GitLab's), each brief in exactly one, the jobs' sizes close."""
    create_brief(tmp_path / "b000")
    for n in range(1, 300):
        shutil.copytree(tmp_path / "b000", tmp_path / f"b{n:03d}")
    for n in range(0, 300, 7):  # some briefs three times the size of the rest
        background = tmp_path / f"b{n:03d}" / "background.yaml"
        background.write_text(background.read_text(encoding="utf-8") * 3, encoding="utf-8")
    matrix = json.loads(changed(tmp_path, "--json"))["include"]
    assert len(matrix) == 256
    names = [name for entry in matrix for name in entry["briefs"].splitlines()]
    assert sorted(names) == [f"b{n:03d}" for n in range(300)]
    assert len({entry["slug"] for entry in matrix}) == 256
    pipeline = validate(changed(tmp_path, "--format", "gitlab"), "gitlab-ci.json")
    assert len(pipeline) == 200
    scripts = " ".join(job["script"][0] for job in pipeline.values())
    assert sorted(re.findall(r"--brief (b\d{3})", scripts)) == sorted(names)
    assert all("--strict" in job["script"][0] for job in pipeline.values())


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
    assert job["script"] == ["briefgen build . --brief briefs/beta --out build --strict"]
    assert job["artifacts"]["expire_in"] == "7 days"
    empty = validate(
        changed(project_repo, "--since", "HEAD", "--format", "gitlab"), "gitlab-ci.json"
    )
    assert list(empty) == ["nothing-to-build"]


def test_a_job_builds_the_briefs_it_is_given(tmp_path: Path) -> None:
    """What a matrix entry hands its job, one name a line on standard input; a lone
    brief is named as `changed` names it; an empty list is refused, not read as all."""
    for name in ("alpha", "beta"):
        create_brief(tmp_path / "briefs" / name)
    runner = CliRunner()
    out = tmp_path / "out"
    args = ["build", str(tmp_path / "briefs"), "-a", "public", "-f", "html", "--out", str(out)]
    result = runner.invoke(app, [*args, "--briefs-from", "-"], input="beta\n")
    assert result.exit_code == 0, result.output
    assert (out / "beta" / "public" / "brief.html").is_file()
    assert not (out / "alpha").exists()
    empty = runner.invoke(app, [*args, "--briefs-from", "-"], input="\n")
    assert empty.exit_code == 2 and "names no brief" in empty.stderr
    lone = ["build", str(tmp_path / "briefs" / "alpha"), "-a", "public", "-f", "html"]
    done = runner.invoke(
        app, [*lone, "--out", str(tmp_path / "lone"), "--briefs-from", "-"], input="alpha\n"
    )
    assert done.exit_code == 0, done.output
    index = (tmp_path / "lone" / "public" / "index.html").read_text(encoding="utf-8")
    assert 'href="../public/brief.html"' in index  # a site of one brief has a page to open


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
