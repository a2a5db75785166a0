"""The generated CI files, run here as GitHub's and GitLab's runners run them.

A job runs in a fresh clone of the repository at the event's commit. Its `run:`
steps (or script lines) run as written, in bash, with the environment the CI
sets (GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY, the event name, the base
ref; GitLab's CI_* variables), `${{ … }}` evaluated as GitHub does, a matrix
split into one run per entry (more than 256 is refused, as GitHub refuses it),
and a GitLab child pipeline read from the artifact its parent wrote.

The machine is a bare runner image: its fonts are DejaVu alone, and what the
workflow asks `apt-get` to install is recorded and, for font packages, added
from this machine's own copies. `pip install` is recorded and stands in a
venv whose `briefgen` is the one under test, so a job finds briefgen only where
its own install step put it. `sudo` runs the command; `gh` answers with the
labels of the pull request a push came from. The actions a workflow `uses`
are played by hand: checkout clones, upload-artifact and the caches copy
folders, deploy-pages gives a URL.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from gha_expressions import as_text, condition, interpolate

GITHUB_MATRIX_LIMIT = 256
BRIEFGEN = shutil.which("briefgen", path=str(Path(sys.executable).parent)) or "briefgen"
# Where this machine's Debian font packages put their files: what apt-get "installs".
FONT_PACKAGES = {
    "fonts-noto-cjk": ["/usr/share/fonts/opentype/noto"],
    "fonts-noto-core": ["/usr/share/fonts/truetype/noto"],
    "fonts-noto-extra": ["/usr/share/fonts/truetype/noto"],
    "fonts-noto-color-emoji": ["/usr/share/fonts/truetype/noto"],
}
BASE_FONTS = ["/usr/share/fonts/truetype/dejavu"]
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


class Refused(Exception):
    """What the CI itself would refuse before running a job (a matrix too large)."""


class Machine:
    """A runner image: stand-in commands, a font configuration, and logs of what the jobs
    asked for."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.bin = folder / "bin"
        self.logs = folder / "logs"
        for path in (self.bin, self.logs, folder / "fontcache"):
            path.mkdir(parents=True, exist_ok=True)
        self.fonts_conf = folder / "fonts.conf"
        self.fonts_conf.write_text(self._fonts_conf(BASE_FONTS), encoding="utf-8")
        self._stubs()

    def _fonts_conf(self, dirs: list[str]) -> str:
        listed = "".join(f"<dir>{d}</dir>" for d in dirs)
        return (
            '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
            f"{listed}<cachedir>{self.folder / 'fontcache'}</cachedir></fontconfig>\n"
        )

    def _stub(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body), encoding="utf-8")
        path.chmod(0o755)

    def _stubs(self) -> None:
        self._stub("sudo", "import os, sys\nos.execvp(sys.argv[1], sys.argv[1:])\n")
        self._stub(
            "apt-get",
            f"""
            import json, re, sys
            from pathlib import Path
            args = sys.argv[1:]
            with open({str(self.logs / "apt.log")!r}, "a") as log:
                log.write(json.dumps(args) + "\\n")
            if "install" in args:
                packages = [a for a in args[args.index("install") + 1:] if not a.startswith("-")]
                known = {FONT_PACKAGES!r}
                conf = Path({str(self.fonts_conf)!r})
                text = conf.read_text()
                for package in packages:
                    for folder in known.get(package, []):
                        if folder not in text:
                            text = text.replace("<cachedir>", f"<dir>{{folder}}</dir><cachedir>", 1)
                conf.write_text(text)
            """,
        )
        self._stub(
            "python3",
            f"""
            import os, sys
            from pathlib import Path
            args = sys.argv[1:]
            if args[:2] == ["-m", "venv"]:
                venv = Path(args[2])
                (venv / "bin").mkdir(parents=True, exist_ok=True)
                pip = venv / "bin" / "pip"
                pip.write_text('''#!{sys.executable}
            import json, sys
            with open({str(self.logs / "pip.log")!r}, "a") as log:
                log.write(json.dumps(sys.argv[1:]) + "\\\\n")
            specs = [a for a in sys.argv[2:] if not a.startswith("-")]
            if sys.argv[1:2] != ["install"] or not specs:
                sys.exit("ERROR: You must give at least one requirement to install")
            ''')
                pip.chmod(0o755)
                briefgen = venv / "bin" / "briefgen"
                briefgen.write_text('#!/bin/sh\\nexec {BRIEFGEN} "$@"\\n')
                briefgen.chmod(0o755)
                sys.exit(0)
            os.execv({sys.executable!r}, [{sys.executable!r}, *args])
            """,
        )
        self._stub(
            "gh",
            """
            import os
            print(os.environ.get("SIMULATED_MERGED_LABELS", ""))
            """,
        )

    def log(self, name: str) -> list[list[str]]:
        path = self.logs / f"{name}.log"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def environment(self, extra_path: list[str]) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_"))}
        keep.pop("VIRTUAL_ENV", None)
        return keep | {
            "PATH": ":".join([*extra_path, str(self.bin), SYSTEM_PATH]),
            "FONTCONFIG_FILE": str(self.fonts_conf),
            "XDG_CACHE_HOME": str(self.folder / "cache"),
        }


def clone(repo: Path, sha: str, workspace: Path, depth: int) -> None:
    """A job's checkout: every commit and branch (depth 0), or the one commit."""
    if depth == 0:
        subprocess.run(["git", "clone", "-q", str(repo), str(workspace)], check=True)
        subprocess.run(["git", "-C", str(workspace), "checkout", "-q", sha], check=True)
        return
    workspace.mkdir(parents=True)
    for args in (
        ["init", "-q"],
        ["fetch", "-q", "--depth", str(depth), f"file://{repo}", sha],
        ["checkout", "-q", "FETCH_HEAD"],
    ):
        subprocess.run(["git", "-C", str(workspace), *args], check=True)


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def copy_into(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    elif source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


@dataclass
class JobRun:
    """One run of a job (one entry of its matrix)."""

    name: str
    status: str = "success"  # or failure, skipped
    outputs: dict[str, str] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    summary: str = ""
    matrix: dict[str, Any] = field(default_factory=dict)
    url: str = ""  # of an environment (deploy-pages)

    def text(self) -> str:
        return "\n".join(self.log)


# ---------------------------------------------------------------- GitHub Actions


@dataclass
class GitHubEvent:
    name: str  # pull_request or push
    sha: str
    ref: str = "refs/heads/main"
    base_ref: str = ""  # the pull request's base branch
    before: str = ""  # the commit before a push
    labels: tuple[str, ...] = ()  # of the pull request (or, for a push, the one merged)

    def context(self, workspace: str) -> dict[str, Any]:
        event: dict[str, Any] = {"before": self.before}
        if self.name == "pull_request":
            event["pull_request"] = {"labels": [{"name": n} for n in self.labels]}
        return {
            "event_name": self.name,
            "sha": self.sha,
            "ref": self.ref,
            "base_ref": self.base_ref,
            "head_ref": "",
            "repository": "example/briefs",
            "token": "simulated-token",
            "workspace": workspace,
            "event": event,
        }


class GitHubRunner:
    """Runs a workflow file's jobs in order for one event, on one machine."""

    def __init__(self, repo: Path, folder: Path):
        self.repo = repo
        self.folder = folder
        self.machine = Machine(folder / "machine")
        self.caches: dict[str, Path] = {}
        self.artifacts: dict[str, Path] = {}
        self.pages: Path | None = None
        self.runs = 0

    def run(self, event: GitHubEvent) -> dict[str, list[JobRun]]:
        self.runs += 1
        self.artifacts, self.pages = {}, None
        workflow = yaml.safe_load(
            (self.repo / ".github/workflows/briefs.yml").read_text(encoding="utf-8")
        )
        done: dict[str, list[JobRun]] = {}
        for job_id in _job_order(workflow["jobs"]):
            done[job_id] = self._job(workflow, job_id, event, done)
        return done

    def _job(
        self, workflow: dict[str, Any], job_id: str, event: GitHubEvent, done: dict[str, Any]
    ) -> list[JobRun]:
        job = workflow["jobs"][job_id]
        needs = [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", [])
        needs_context = {
            n: {"result": done[n][0].status if done[n] else "skipped", "outputs": _outputs(done[n])}
            for n in needs
        }
        ok = all(done[n] and all(r.status == "success" for r in done[n]) for n in needs)
        contexts = {"github": event.context(""), "needs": needs_context, "vars": {}}
        contexts["env"] = {k: str(v) for k, v in workflow.get("env", {}).items()}

        def status(name: str) -> bool:
            return {"success": ok, "failure": not ok, "always": True, "cancelled": False}[name]

        if not condition(job.get("if"), contexts, status):
            return [JobRun(job_id, "skipped")]
        entries = self._matrix(job, contexts)
        return [self._one(workflow, job_id, job, event, contexts, m, n) for n, m in entries]

    def _matrix(
        self, job: dict[str, Any], contexts: dict[str, Any]
    ) -> list[tuple[int, dict[str, Any]]]:
        matrix = (job.get("strategy") or {}).get("matrix")
        if matrix is None:
            return [(0, {})]
        if isinstance(matrix, str):
            matrix = interpolate(matrix, contexts)
        if set(matrix) != {"include"}:
            raise NotImplementedError(f"a matrix other than include: {matrix}")
        entries = matrix["include"]
        if len(entries) > GITHUB_MATRIX_LIMIT:
            raise Refused(f"a matrix of {len(entries)} jobs (GitHub runs at most 256)")
        return list(enumerate(entries))

    def _one(
        self,
        workflow: dict[str, Any],
        job_id: str,
        job: dict[str, Any],
        event: GitHubEvent,
        contexts: dict[str, Any],
        matrix: dict[str, Any],
        number: int,
    ) -> JobRun:
        workspace = self.folder / f"run{self.runs}" / f"{job_id}-{number}"
        contexts = {**contexts, "github": event.context(str(workspace)), "matrix": matrix}
        contexts["steps"] = {}
        contexts["runner"] = {"temp": str(workspace.parent / "tmp"), "os": "Linux"}
        contexts["env"] = contexts["env"] | {
            k: as_text(interpolate(str(v), contexts)) for k, v in job.get("env", {}).items()
        }
        name = as_text(interpolate(str(job.get("name", job_id)), contexts))
        result = JobRun(name, matrix=matrix)
        paths: list[str] = []
        failed = False
        for index, step in enumerate(job["steps"]):

            def status(which: str, failed: bool = failed) -> bool:
                return {"success": not failed, "failure": failed, "always": True}.get(which, False)

            if not condition(step.get("if"), contexts, status):
                continue
            outcome = self._step(step, index, workspace, event, contexts, paths, result)
            if step.get("id"):
                contexts["steps"][step["id"]] = {"outputs": outcome, "outcome": "success"}
            if outcome is None:
                failed = True
                if step.get("id"):
                    contexts["steps"][step["id"]]["outcome"] = "failure"
        result.status = "failure" if failed else "success"
        result.outputs = {
            k: as_text(interpolate(str(v), contexts)) for k, v in job.get("outputs", {}).items()
        }
        environment = job.get("environment") or {}
        if isinstance(environment, dict) and environment.get("url"):
            result.url = as_text(interpolate(environment["url"], contexts))
        return result

    def _step(
        self,
        step: dict[str, Any],
        index: int,
        workspace: Path,
        event: GitHubEvent,
        contexts: dict[str, Any],
        paths: list[str],
        result: JobRun,
    ) -> dict[str, str] | None:
        """Run one step: its outputs, or None when it failed."""
        env = contexts["env"] | {
            k: as_text(interpolate(str(v), contexts)) for k, v in step.get("env", {}).items()
        }
        if "uses" in step:
            inputs = {
                k: as_text(interpolate(str(v), contexts)) for k, v in step.get("with", {}).items()
            }
            return self._action(step["uses"], inputs, workspace, event, result)
        files = workspace.parent / "files" / f"{workspace.name}-{index}"
        files.mkdir(parents=True)
        special = {name: files / name for name in ("output", "env", "path", "summary")}
        for path in special.values():
            path.touch()
        run_env = (
            self.machine.environment(paths)
            | env
            | {
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_EVENT_NAME": event.name,
                "GITHUB_SHA": event.sha,
                "GITHUB_REF": event.ref,
                "GITHUB_BASE_REF": event.base_ref,
                "GITHUB_REPOSITORY": "example/briefs",
                "GITHUB_WORKSPACE": str(workspace),
                "GITHUB_OUTPUT": str(special["output"]),
                "GITHUB_ENV": str(special["env"]),
                "GITHUB_PATH": str(special["path"]),
                "GITHUB_STEP_SUMMARY": str(special["summary"]),
                "RUNNER_TEMP": str(contexts["runner"]["temp"]),
            }
        )
        Path(contexts["runner"]["temp"]).mkdir(parents=True, exist_ok=True)
        done = bash(as_text(interpolate(step["run"], contexts)), workspace, run_env)
        result.log.append(f"## {step.get('name', step['run'][:40])}\n{done.stdout}{done.stderr}")
        result.summary += special["summary"].read_text(encoding="utf-8")
        paths[:0] = [p for p in special["path"].read_text().splitlines()[::-1] if p]
        contexts["env"] = contexts["env"] | _key_values(special["env"].read_text())
        outputs = _key_values(special["output"].read_text())
        return outputs if done.returncode == 0 else None

    def _action(
        self,
        uses: str,
        inputs: dict[str, str],
        workspace: Path,
        event: GitHubEvent,
        result: JobRun,
    ) -> dict[str, str] | None:
        action = uses.split("@")[0]
        if action == "actions/checkout":
            clone(self.repo, event.sha, workspace, int(inputs.get("fetch-depth", "1")))
            return {}
        if action == "actions/setup-python":
            return {}
        if action == "actions/upload-artifact":
            if inputs["name"] in self.artifacts:
                result.log.append(f"an artifact named {inputs['name']} already exists")
                return None
            target = self.folder / f"run{self.runs}" / "artifacts" / inputs["name"]
            copy_into(workspace / inputs["path"], target)
            self.artifacts[inputs["name"]] = target
            return {}
        if action == "actions/cache":
            self._restore(inputs, workspace)
            return {}
        if action == "actions/upload-pages-artifact":
            self.pages = self.folder / f"run{self.runs}" / "pages"
            copy_into(workspace / inputs["path"], self.pages)
            return {}
        if action == "actions/deploy-pages":
            return {"page_url": "https://example.github.io/briefs/"}
        raise NotImplementedError(f"the runner does not play {uses}")

    def _restore(self, inputs: dict[str, str], workspace: Path) -> None:
        """A cache restored now and saved as the job's last step would (here: at once,
        since its folder is the same object)."""
        key = inputs["key"]
        prefixes = [p.strip() for p in inputs.get("restore-keys", "").splitlines() if p.strip()]
        found = self.caches.get(key) or next(
            (
                path
                for k, path in reversed(self.caches.items())
                for p in prefixes
                if k.startswith(p)
            ),
            None,
        )
        if found is not None:
            copy_into(found, workspace / inputs["path"])
        self.caches[key] = workspace / inputs["path"]


def _job_order(jobs: dict[str, Any]) -> list[str]:
    order: list[str] = []
    while len(order) < len(jobs):
        for job_id, job in jobs.items():
            needs = [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", [])
            if job_id not in order and all(n in order for n in needs):
                order.append(job_id)
    return order


def _outputs(runs: list[JobRun]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for run in runs:
        merged |= run.outputs
    return merged


def _key_values(text: str) -> dict[str, str]:
    """A GITHUB_OUTPUT or GITHUB_ENV file: name=value lines, and name<<EOF blocks."""
    values, lines = {}, iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, marker = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == marker:
                    break
                block.append(inner)
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


# ---------------------------------------------------------------- GitLab CI

RESERVED = {"variables", "stages", "default", "workflow", "include", "image", "services"}
RESERVED |= {"before_script", "after_script", "cache"}


@dataclass
class GitLabEvent:
    source: str  # merge_request_event or push
    sha: str
    branch: str = "main"  # of a push
    before: str = "0" * 40  # the commit before a push
    target_branch: str = ""  # of a merge request
    labels: tuple[str, ...] = ()

    def variables(self, workspace: Path) -> dict[str, str]:
        found = {
            "CI": "true",
            "GITLAB_CI": "true",
            "CI_PIPELINE_SOURCE": self.source,
            "CI_COMMIT_SHA": self.sha,
            "CI_DEFAULT_BRANCH": "main",
            "CI_PROJECT_DIR": str(workspace),
            "CI_PROJECT_ID": "1",
            "CI_API_V4_URL": "http://127.0.0.1:9/api/v4",
        }
        if self.source == "merge_request_event":
            found |= {
                "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": self.target_branch,
                "CI_MERGE_REQUEST_LABELS": ",".join(self.labels),
                "CI_COMMIT_BEFORE_SHA": "0" * 40,
            }
        else:
            found |= {"CI_COMMIT_BRANCH": self.branch, "CI_COMMIT_BEFORE_SHA": self.before}
        return found


class GitLabRunner:
    """Runs a pipeline's stages in order for one event, and a child pipeline its
    trigger job reads from an artifact."""

    def __init__(self, repo: Path, folder: Path):
        self.repo = repo
        self.folder = folder
        self.machine = Machine(folder / "machine")
        self.caches: dict[str, Path] = {}
        self.runs = 0
        self.jobs = 0

    def run(self, event: GitLabEvent) -> dict[str, JobRun]:
        self.runs += 1
        pipeline = yaml.safe_load((self.repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))
        return self._pipeline(pipeline, event, {}, "")

    def _pipeline(
        self, pipeline: dict[str, Any], event: GitLabEvent, inherited: dict[str, str], prefix: str
    ) -> dict[str, JobRun]:
        variables = inherited | {k: _value(v) for k, v in pipeline.get("variables", {}).items()}
        predefined = event.variables(self.folder)
        if prefix:
            predefined["CI_PIPELINE_SOURCE"] = "parent_pipeline"
        rules = (pipeline.get("workflow") or {}).get("rules")
        if rules is not None and not _rules(rules, predefined | variables):
            return {}
        default = pipeline.get("default", {})
        stages = pipeline.get("stages", ["build", "test", "deploy"])
        jobs = {
            k: v
            for k, v in pipeline.items()
            if k not in RESERVED and isinstance(v, dict) and not k.startswith(".")
        }
        done: dict[str, JobRun] = {}
        artifacts: dict[str, Path] = {}
        for stage in stages:
            for name, job in jobs.items():
                if job.get("stage", "test") != stage:
                    continue
                done[prefix + name] = self._job(
                    name, job, default, variables, event, done, artifacts, prefix
                )
        return done

    def _job(
        self,
        name: str,
        job: dict[str, Any],
        default: dict[str, Any],
        variables: dict[str, str],
        event: GitLabEvent,
        done: dict[str, JobRun],
        artifacts: dict[str, Path],
        prefix: str,
    ) -> JobRun:
        self.jobs += 1
        workspace = self.folder / f"run{self.runs}" / f"job{self.jobs}"
        values = variables | {k: _value(v) for k, v in job.get("variables", {}).items()}
        values |= event.variables(workspace)
        if prefix:
            values["CI_PIPELINE_SOURCE"] = "parent_pipeline"
        if "rules" in job and not _rules(job["rules"], values):
            return JobRun(name, "skipped")
        if any(run.status == "failure" for run in done.values()):
            return JobRun(name, "skipped")
        if "trigger" in job:
            return self._trigger(name, job, variables, event, done, artifacts, prefix)
        depth = int(values.get("GIT_DEPTH", "20"))
        clone(self.repo, event.sha, workspace, depth)
        needs = job.get("needs")
        for source in needs if needs is not None else list(artifacts):
            if source in artifacts:
                copy_into(artifacts[source], workspace)
        cache = job.get("cache")
        if cache:
            kept = self.caches.get(cache["key"])
            if kept is not None:
                for path in cache["paths"]:
                    copy_into(kept / path, workspace / path)
        lines = [*job.get("before_script", default.get("before_script", [])), *job["script"]]
        env = self.machine.environment([]) | values
        done_run = bash("\n".join(lines), workspace, env)
        result = JobRun(prefix + name, "success" if done_run.returncode == 0 else "failure")
        result.log.append(done_run.stdout + done_run.stderr)
        if result.status == "success" and cache:
            store = self.folder / "caches" / cache["key"]
            for path in cache["paths"]:
                copy_into(workspace / path, store / path)
            self.caches[cache["key"]] = store
        store = self.folder / f"run{self.runs}" / "artifacts" / (prefix + name)
        for path in (job.get("artifacts") or {}).get("paths", []):
            copy_into(workspace / path, store / path)
        artifacts[name] = store
        return result

    def _trigger(
        self,
        name: str,
        job: dict[str, Any],
        variables: dict[str, str],
        event: GitLabEvent,
        done: dict[str, JobRun],
        artifacts: dict[str, Path],
        prefix: str,
    ) -> JobRun:
        (include,) = job["trigger"]["include"]
        child_file = artifacts[include["job"]] / include["artifact"]
        child = yaml.safe_load(child_file.read_text(encoding="utf-8"))
        runs = self._pipeline(child, event, variables, f"{prefix}{name}/")
        done.update(runs)
        failed = any(run.status == "failure" for run in runs.values())
        depend = job["trigger"].get("strategy") == "depend"
        return JobRun(prefix + name, "failure" if failed and depend else "success")


def _value(value: Any) -> str:
    return str(value["value"] if isinstance(value, dict) else value)


_OPERAND = r"""\$\w+|"[^"]*"|'[^']*'|null"""


def _rules(rules: list[dict[str, Any]], values: dict[str, str]) -> bool:
    """Whether any rule's `if:` holds (rules with no `if:` hold); `when: never` stops."""
    for rule in rules:
        if "if" not in rule or _holds(rule["if"], values):
            return bool(rule.get("when", "on_success") != "never")
    return False


def _holds(expression: str, values: dict[str, str]) -> bool:
    """`$A == "x"`, `$A != $B`, `$A`, joined by && alone: all the generated files use."""
    parts = [part.strip() for part in expression.split("&&")]
    return all(_comparison(part, values) for part in parts)


def _comparison(text: str, values: dict[str, str]) -> bool:
    match = re.fullmatch(rf"({_OPERAND})\s*(==|!=)\s*({_OPERAND})", text)
    if match is None:
        if re.fullmatch(r"\$\w+", text):
            return bool(values.get(text[1:]))
        raise NotImplementedError(f"a rule the runner does not read: {text}")

    def operand(token: str) -> str | None:
        if token.startswith("$"):
            return values.get(token[1:])
        return None if token == "null" else token[1:-1]

    same = operand(match[1]) == operand(match[3])
    return same if match[2] == "==" else not same
