"""Shared fixtures: built briefs (built once per session) and throwaway brief folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = ROOT / "content"
SHARED_SOURCES = ROOT.parent / "shared" / "sources"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample brief, every audience and format, built once."""
    out = tmp_path_factory.mktemp("sample")
    build(SAMPLE, out_dir=out)
    return out


@pytest.fixture(scope="session")
def canary_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The canary brief, every audience and format, built once."""
    out = tmp_path_factory.mktemp("canary")
    build(FIXTURES / "canary", out_dir=out)
    return out


@pytest.fixture
def brief_dir(tmp_path: Path) -> Callable[..., Path]:
    """A copy of a fixture brief in a temporary folder, with files replaced as given."""

    def make(fixture: str = "canary", **files: str) -> Path:
        target = tmp_path / fixture
        shutil.copytree(FIXTURES / fixture, target)
        for name, text in files.items():
            (target / f"{name}.yaml").write_text(text, encoding="utf-8")
        return target

    return make


@pytest.fixture
def fresh_citation_caches() -> Iterator[None]:
    """Notes and styles formatted anew in the test, and forgotten after it."""
    from briefgen.document import csl

    csl.forget_formatted()
    yield
    csl.forget_formatted()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
