"""briefgen sources import: Zotero CSL-JSON and Mendeley BibTeX into sources.yaml."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from conftest import FIXTURES
from typer.testing import CliRunner

from briefgen.check import check
from briefgen.cli import app
from briefgen.tools.sources import organisation_id, unique_id

REFERENCES = FIXTURES / "references"


def imported(content: Path) -> list[dict[str, object]]:
    sources: list[dict[str, object]] = yaml.safe_load((content / "sources.yaml").read_text())
    return sources[2:]


def test_csl_json_is_appended_ungraded(brief_dir: Callable[..., Path], runner: CliRunner) -> None:
    content = brief_dir()
    before = (content / "sources.yaml").read_text(encoding="utf-8")
    result = runner.invoke(
        app, ["sources", "import", str(REFERENCES / "zotero.json"), str(content)]
    )
    assert result.exit_code == 0, result.output
    assert "skipped 'item-3': it has no title" in result.output
    after = (content / "sources.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # the existing entries and their comments are kept
    assert imported(content) == [
        {
            "id": "nato-2013",
            "type": "webpage",
            "title": "Japan: NATO’s longest-standing partner in the Asia-Pacific",
            "publisher": "NATO",
            "published": "2013-12-09",
            "accessed": "2025-03-01",
            "url": "https://www.nato.int/cps/en/natohq/news_99999.htm",
            "kind": "official",  # guessed from its publisher, and said to be a guess
        },
        {
            "id": "muller-2025",
            "type": "article-newspaper",
            "title": "Japan opens a mission to NATO",
            "authors": [{"family": "Müller", "given": "Anna"}],
            "container": "Example Daily",
            "published": "2025-01",
            "kind": "news",
        },  # no javascript:
        {
            "id": "holm-2025",
            "type": "article-journal",
            "title": "Alliances at a distance",
            "authors": [{"family": "Holm", "given": "Pia"}, {"family": "Sato", "given": "Kenji"}],
            "container": "Journal of Strategic Studies",
            "volume": "48",
            "issue": "2",
            "pages": "201–226",
            "published": "2025",
            "doi": "10.1080/01402390.2025.1234567",
            "language": "en",
            "kind": "analysis",
        },
        {
            "id": "who-2023",  # the organisation's initials, not "organization-2023"
            "type": "report",
            "title": "World health statistics 2023",
            "authors": [{"literal": "World Health Organization"}],
            "publisher": "World Health Organization",
            "published": "2023-05-19",
            "kind": "official",
        },
    ]
    findings = [f for f in check(content) if f.severity == "error"]
    assert findings and all(  # each entry is valid, once graded
        f.problem.path.endswith(".reliability") for f in findings
    )
    assert "  kind: official  # guessed from 'NATO', a government or international body" in after


def test_bibtex_is_appended_with_latex_decoded(
    brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    result = runner.invoke(
        app, ["sources", "import", str(REFERENCES / "mendeley.bib"), str(content)]
    )
    assert result.exit_code == 0, result.output
    article, blog, report = imported(content)
    assert article == {  # the journal is the container, and nothing a style needs is lost
        "id": "mueller2025",  # the user's own citation key
        "type": "article-journal",
        "title": "Japan and NATO after 2022",
        "authors": [{"family": "Müller", "given": "Anna"}, {"family": "Roe", "given": "R."}],
        "container": "Journal of Alliance Studies",
        "volume": "12",
        "issue": "3",
        "pages": "45–67",
        "published": "2025-02",
        "doi": "10.1234/jas.2025.0012",
        "url": "https://example.org/japan-nato",
        "language": "en",
        "kind": "analysis",
    }
    assert blog["id"] == "akasaka" and blog["accessed"] == "2025-02-01"
    assert blog["publisher"] == "Akasaka Azabu" and blog["type"] == "webpage"
    assert report["id"] == "who2023"
    assert report["authors"] == [{"literal": "World Health Organization"}]


def test_imported_sources_must_be_graded_before_building(
    brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    runner.invoke(app, ["sources", "import", str(REFERENCES / "mendeley.bib"), str(content)])
    findings = [f for f in check(content) if f.severity == "error"]
    assert [f.problem.path for f in findings] == [
        "sources[2].reliability",
        "sources[3].reliability",
        "sources[4].reliability",
    ]
    assert "grade the source from A (reliable) to F" in findings[0].problem.message
    lines = (content / "sources.yaml").read_text(encoding="utf-8").splitlines()
    assert findings[0].problem.line == lines.index("- id: mueller2025") + 1


def test_a_second_import_adds_nothing(brief_dir: Callable[..., Path], runner: CliRunner) -> None:
    content = brief_dir()
    runner.invoke(app, ["sources", "import", str(REFERENCES / "mendeley.bib"), str(content)])
    again = runner.invoke(
        app, ["sources", "import", str(REFERENCES / "mendeley.bib"), str(content)]
    )
    assert "added" not in again.output
    assert again.output.count("already in sources.yaml") == 3


def test_ids_are_derived_and_de_duplicated() -> None:
    ref = {"authors": [{"family": "Müller", "given": "Anna"}], "published": "2025-02"}
    assert unique_id(ref, []) == "muller-2025"
    assert unique_id(ref, ["muller-2025"]) == "muller-2025-2"
    assert unique_id({"publisher": "NATO", "title": "T"}, []) == "nato"
    assert unique_id({"title": "Deterrence today", "published": "2024"}, []) == "deterrence-2024"


def test_organisations_are_known_by_their_short_names() -> None:
    assert organisation_id("World Health Organization") == "who"
    assert organisation_id("RAND Corporation") == "rand"
    assert organisation_id("Organisation for Economic Co-operation and Development") == "oecd"
    assert organisation_id("International Monetary Fund (IMF)") == "imf"
    assert organisation_id("European Commission") == "european-commission"
    assert organisation_id("Bundesministerium für Gesundheit") == "bundesministerium-fur-gesundheit"


def test_broken_bibtex_names_its_line(
    tmp_path: Path, brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    bib = tmp_path / "broken.bib"
    bib.write_text("@article{ok, title={Fine}}\n\n@article{bad, title={Unclosed\n")
    result = runner.invoke(app, ["sources", "import", str(bib), str(brief_dir())])
    assert result.exit_code == 2
    assert "broken.bib:3: not valid BibTeX" in result.stderr


def test_other_formats_are_refused(
    tmp_path: Path, brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    ris = tmp_path / "export.ris"
    ris.write_text("TY  - JOUR\n")
    result = runner.invoke(app, ["sources", "import", str(ris), str(brief_dir())])
    assert result.exit_code == 2
    assert "CSL-JSON (.json) or BibTeX (.bib)" in result.stderr


def test_a_crafted_file_name_or_title_adds_no_yaml(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    import json

    content = brief_dir()
    crafted = tmp_path / "x\n- id: injected\n  marking: PUBLIC\n.json"
    title = 'Ordinary"\n- id: injected-too\n  reliability: A\n  title: \x1b[31mred'
    crafted.write_text(json.dumps([{"id": "a", "type": "report", "title": title}]))
    result = runner.invoke(app, ["sources", "import", str(crafted), str(content)])
    assert result.exit_code == 0, result.output
    (entry,) = imported(content)  # one reference in, one entry out, and nothing else
    assert entry == {
        "id": "ordinary",
        "type": "report",
        "title": 'Ordinary" - id: injected-too reliability: A title: [31mred',
        "kind": "analysis",
    }
    text = (content / "sources.yaml").read_text(encoding="utf-8")
    assert "# Imported from x\\x0a- id: injected\\x0a  marking: PUBLIC\\x0a.json" in text
    assert "\x1b" not in text


def test_a_registry_export_keeps_numbers_places_editors_keys_and_name_order(
    brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    result = runner.invoke(
        app, ["sources", "import", str(REFERENCES / "registry.bib"), str(content)]
    )
    assert result.exit_code == 0, result.output
    report, chapter, paper, law = imported(content)
    assert report["id"] == "rand-rr1234"  # the user's own key, a valid id
    assert report["number"] == "RR-A1234-1" and "issue" not in report
    assert report["genre"] == "Research Report" and report["place"] == "Santa Monica, CA"
    assert report["authors"] == [
        {"family": "Holm", "given": "Pia"},
        {"family": "山田", "given": "太郎"},  # written without a comma: family name first
    ]
    assert chapter["id"] == "sato-2024"  # 'Sato2024' is no valid id: one is made
    assert chapter["editors"] == [
        {"family": "Miller", "given": "Anne"},
        {"family": "Park", "given": "Ji-woo"},
    ]
    assert chapter["place"] == "London" and chapter["kind"] == "analysis"
    assert paper["kind"] == "official"  # a government's web address
    assert law["kind"] == "official"  # a law
    text = (content / "sources.yaml").read_text(encoding="utf-8")
    assert "  kind: official  # guessed from its web address" in text
    assert "  kind: analysis  # guessed from its type, chapter: check it" in text


def test_a_csl_json_citation_key_becomes_the_id(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    import json

    content = brief_dir()
    export = tmp_path / "better-bibtex.json"
    items = [
        {"id": "item-1", "citation-key": "holm2025", "type": "report", "title": "One"},
        {"id": "item-2", "citation-key": "holmAlliances2025", "type": "report", "title": "Two"},
        {"id": "item-3", "type": "report", "title": "Three", "number": "WP 12"},
    ]
    export.write_text(json.dumps(items), encoding="utf-8")
    runner.invoke(app, ["sources", "import", str(export), str(content)])
    one, two, three = imported(content)
    assert one["id"] == "holm2025"
    assert two["id"] == "two"  # camelCase is no valid id; Zotero's 'item-3' is not a key
    assert three["id"] == "three" and three["number"] == "WP 12"


def test_a_cjk_author_is_cited_family_name_first(brief_dir: Callable[..., Path]) -> None:
    from briefgen.document.csl import csl_name

    assert csl_name({"family": "山田", "given": "太郎"}) == {"literal": "山田太郎"}
    assert csl_name({"family": "김", "given": "민준"}) == {"literal": "김민준"}
    assert csl_name({"family": "Holm", "given": "Pia"}) == {"family": "Holm", "given": "Pia"}


def _exported(content: Path, *options: str) -> str:
    result = CliRunner().invoke(app, ["sources", "export", str(content), *options])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_export_writes_only_what_the_audience_sees(brief_dir: Callable[..., Path]) -> None:
    import json

    content = brief_dir()
    public = json.loads(_exported(content))
    assert [item["id"] for item in public] == ["public-source"]
    assert "CANARY" not in json.dumps(public)  # the restricted source is not in it
    minister = json.loads(_exported(content, "-a", "minister"))
    assert "restricted-source" in [item["id"] for item in minister]
    assert all("reliability" not in item and "snapshot" not in item for item in minister)


def test_export_as_bibtex_reads_back_with_the_same_fields(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    runner.invoke(app, ["sources", "import", str(REFERENCES / "registry.bib"), str(content)])
    sources = content / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace(
            "  # reliability: A–F — grade this source before building", "  reliability: B"
        ),
        encoding="utf-8",
    )
    background = content / "background.yaml"
    background.write_text(
        background.read_text(encoding="utf-8").replace(
            "sources: [public-source]", "sources: [public-source, rand-rr1234, sato-2024]", 1
        ),
        encoding="utf-8",
    )
    out = tmp_path / "export.bib"
    result = runner.invoke(
        app, ["sources", "export", str(content), "-a", "analyst", "-f", "bibtex", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    again = tmp_path / "again"
    shutil.copytree(FIXTURES / "canary", again)
    runner.invoke(app, ["sources", "import", str(out), str(again)])
    by_id: dict[object, Any] = {entry["id"]: entry for entry in imported(again)}
    assert by_id["rand-rr1234"]["number"] == "RR-A1234-1"
    assert by_id["rand-rr1234"]["authors"][1] == {"family": "山田", "given": "太郎"}
    assert by_id["sato-2024"]["editors"][1] == {"family": "Park", "given": "Ji-woo"}
    assert by_id["sato-2024"]["place"] == "London"
