"""briefgen new and briefgen schema: a brief to start from, and schemas for editors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import SAMPLE
from typer.testing import CliRunner

from briefgen.check import check
from briefgen.cli import app
from briefgen.content.sections import content_files


def test_new_brief_checks_strictly_and_builds(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "my-brief"
    result = runner.invoke(app, ["new", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "snapshots" / "example-release.txt").is_file()
    findings = check(folder)  # the example quote is verified against its snapshot
    assert [f.code for f in findings] == ["quotes-verified"]
    built = runner.invoke(app, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert len(list((tmp_path / "out").rglob("brief.*"))) == 8  # docx for two audiences


def test_new_refuses_a_folder_with_files(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["new", str(tmp_path)])
    assert result.exit_code == 2
    assert "already exists and is not empty" in result.stderr


def as_json(path: Path) -> object:
    """YAML as a JSON document would hold it: dates become ISO text."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


@pytest.mark.parametrize("name", list(content_files()))
def test_sample_content_validates_against_the_schema(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(as_json(SAMPLE / f"{name}.yaml"), schema)


def test_schema_rejects_an_unknown_key(runner: CliRunner) -> None:
    schema = json.loads(runner.invoke(app, ["schema", "milestones"]).stdout)
    bad = [{"date": 2007, "title": "T", "statements": [{"text": "x", "soruces": ["a"]}]}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_schema_out_writes_one_file_per_content_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{name}.schema.json" for name in content_files()
    )
    assert "Text with *emphasis*, **strong**, [links](https://…)" in (
        tmp_path / "brief.schema.json"
    ).read_text(encoding="utf-8")


def test_unknown_schema_name_is_a_usage_error(runner: CliRunner) -> None:
    assert runner.invoke(app, ["schema", "nope"]).exit_code == 2


def test_new_takes_the_title_and_language(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "ports"
    args = ["new", str(folder), "--title", "Ports: a review", "--lang", "en-GB"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    brief = yaml.safe_load((folder / "brief.yaml").read_text(encoding="utf-8"))
    assert brief["title"] == "Ports: a review" and brief["lang"] == "en-GB"
    assert [f.code for f in check(folder)] == ["quotes-verified"]
    wrong = runner.invoke(app, ["new", str(tmp_path / "other"), "--lang", "english"])
    assert wrong.exit_code == 2 and "--lang:" in wrong.stderr
    assert not (tmp_path / "other").exists()


def test_new_project_checks_strictly_and_builds_an_index(runner: CliRunner, tmp_path: Path) -> None:
    project = tmp_path / "desk"
    result = runner.invoke(app, ["new", "--project", str(project), "--title", "Desk: Asia"])
    assert result.exit_code == 0, result.output
    assert "add a brief: briefgen new" in result.output
    settings = yaml.safe_load((project / "briefgen.yaml").read_text(encoding="utf-8"))
    assert settings == {"title": "Desk: Asia", "lang": "en"}
    assert runner.invoke(app, ["check", str(project), "--strict"]).exit_code == 0
    out = tmp_path / "out"
    built = runner.invoke(app, ["build", str(project), "-o", str(out), "-f", "html"])
    assert built.exit_code == 0, built.output
    index = (out / "public" / "index.html").read_text(encoding="utf-8")
    assert "Desk: Asia" in index and "example/public/brief.html" in index
    again = runner.invoke(app, ["new", "--project", str(project)])
    assert again.exit_code == 2 and "is not empty" in again.output
