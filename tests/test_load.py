"""The fast (libyaml) and the pure-Python YAML parsers give the same data and positions."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE

from briefgen.content import load
from briefgen.errors import ContentError


@pytest.mark.parametrize("path", sorted(SAMPLE.glob("*.yaml")), ids=lambda p: p.name)
def test_both_parsers_agree_on_data_and_positions(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = load.load_yaml(path, path.parent)
    monkeypatch.setattr(load, "_FastLoader", load._Loader)
    slow = load.load_yaml(path, path.parent)
    assert (fast.data, fast.values, fast.keys) == (slow.data, slow.values, slow.keys)


def test_the_fast_parser_is_used_when_libyaml_is_there() -> None:
    import yaml

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    assert load._FastLoader is not load._Loader


def test_deep_flow_nesting_is_reported_not_a_crash(tmp_path: Path) -> None:
    # libyaml overflows the C stack near this depth; the pure parser reports it.
    path = tmp_path / "brief.yaml"
    path.write_text("title: " + "[" * 60_000 + "]" * 60_000 + "\n", encoding="utf-8")
    with pytest.raises(ContentError, match="nesting too deep"):
        load.load_yaml(path, path.parent)


def test_a_duplicate_key_is_found_by_the_fast_parser_too(tmp_path: Path) -> None:
    path = tmp_path / "brief.yaml"
    path.write_text("title: A\nlang: en\ntitle: B\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load.load_yaml(path, path.parent)
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (3, 1)
    assert "duplicate key 'title'" in problem.message
