"""A brief folder's YAML files → one validated Content, or every problem found at once."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from ..errors import ContentError, Problem
from ..locate import library_file
from .library import WithLibrary, joined, read_library, shadowed
from .load import Document, Loc, load_yaml, project_settings
from .markup import mistyped_references, references
from .models import Brief, Content, Figure, Source, Table, iso_hint
from .naming import DEFAULT_NAME, naming_problem, project_output_name
from .schemes import DEFAULT, Scheme, loosens, project_scheme, scheme_label, scheme_of
from .sections import (
    ABBREVIATIONS,
    REQUIRED_FILES,
    Placed,
    content_files,
    located_blocks,
    located_cited,
    located_statements,
    marked_texts,
    with_items,
)


@dataclass
class Validated:
    """A brief folder read: every problem found, and the content of what did validate.

    A file with errors keeps its valid items (a source with a bad grade is left
    out, the others stay), so that the checks across files (an unknown source id
    in another file, a misquote) run in the same pass: a user fixes every problem
    at once, not one wave after another. `content` is None when too little is
    left to check across files (brief.yaml or sources.yaml unreadable), and
    `whole` says whether it is the complete brief, sound enough for every lint.
    """

    content: Content | None
    documents: dict[str, Document]
    problems: list[Problem]
    whole: bool


def validate_brief(content_dir: Path) -> tuple[Content, dict[str, Document]]:
    """Read and validate every file of a brief folder; raise ContentError listing all problems."""
    validated = read_brief(content_dir)
    if validated.problems or validated.content is None:
        raise ContentError(validated.problems)
    return validated.content, validated.documents


def read_brief(content_dir: Path) -> Validated:
    """Every file of a brief folder, validated, with every problem found in one pass."""
    library_path = library_file(content_dir)
    documents, problems = _read_files(content_dir, library_path is not None)
    files = content_files()
    parsed: dict[str, Any] = {}
    left_out: set[str] = set()  # ids of sources that did not validate: known, not unknown
    for key, doc in list(documents.items()):
        try:
            parsed[key] = TypeAdapter(files[key]).validate_python(doc.data)
        except ValidationError as exc:
            errors = exc.errors()
            problems += [schema_problem(key, doc, err) for err in errors]
            kept = _salvaged(files[key], doc, errors)
            if kept is None:
                del documents[key]
                continue
            documents[key], parsed[key] = kept
            if key == "sources":
                left_out |= _raw_ids(doc.data)
    shared: list[Source] = []
    if library_path is not None:
        try:
            library, shared = read_library(library_path)
        except ContentError as exc:
            return Validated(None, documents, problems + exc.problems, whole=False)
        own = documents.get("sources")
        documents["sources"] = joined(own, content_dir / "sources.yaml", library)
    if "brief" not in parsed or "sources" not in documents:
        return Validated(None, documents, problems, whole=False)
    settings = project_settings(content_dir)  # what the brief inherits from its project
    scheme, scheme_problems = marking_scheme(parsed["brief"], documents["brief"], settings)
    name, naming_problems = output_name(parsed["brief"], documents["brief"], settings)
    sections = {k.name: parsed.get(k.name, []) for k in with_items()}
    content = Content(
        brief=parsed["brief"],
        sources=[*parsed.get("sources", []), *shared],
        sections=sections,
        abbreviations=parsed.get(ABBREVIATIONS, {}),
        folder=content_dir,
        library=frozenset(s.id for s in shared),
        scheme=scheme,
        output_name=name,
    )
    problems += scheme_problems + naming_problems + cross_check(content, documents, left_out)
    return Validated(content, documents, problems, whole=not problems)


def _salvaged(file_type: Any, doc: Document, errors: list[ErrorDetails]) -> Any:
    """The file without the items (or top-level keys) that failed, as a Document whose
    places are those of the file and its validated value; None when nothing can be
    kept apart (the file's whole shape is wrong)."""
    if any(not err["loc"] for err in errors) or not isinstance(doc.data, list | dict):
        return None
    failed = {err["loc"][0] for err in errors}
    if isinstance(doc.data, list):
        kept: Any = [i for i in range(len(doc.data)) if i not in failed]
        data: Any = [doc.data[i] for i in kept]
        moved = {old: new for new, old in enumerate(kept)}
    else:
        data = {k: v for k, v in doc.data.items() if k not in failed}
        moved = {k: k for k in data}
    part = doc.without(moved, data)
    try:
        return part, TypeAdapter(file_type).validate_python(data)
    except ValidationError:
        return None


def _raw_ids(data: Any) -> set[str]:
    items = data if isinstance(data, list) else []
    return {i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}


def marking_scheme(
    brief: Brief, doc: Document, settings: dict[str, Any]
) -> tuple[Scheme, list[Problem]]:
    """The brief's scheme, else its project's, else the default; a brief that would
    loosen its project's scheme is an error at its line."""
    project = project_scheme(settings)
    own = scheme_of(brief.marking_scheme) if brief.marking_scheme is not None else None
    if own is None:
        return project or DEFAULT, []
    if project is not None:
        why = loosens(project, own)
        if why:
            at = ("marking_scheme",)
            message = why + ": remove the key, or restate the project's scheme"
            return project, [doc.problem(at, "marking_scheme", message, key=True)]
    return own, []


def output_name(brief: Brief, doc: Document, settings: dict[str, Any]) -> tuple[str, list[Problem]]:
    """The outputs' file name pattern: the brief's, else its project's, else `brief`; one
    that names a field the brief leaves out is an error at the brief's output_name, or,
    for the project's, at the top of brief.yaml (where the missing field goes)."""
    own = brief.output_name
    pattern = own or project_output_name(settings) or DEFAULT_NAME
    problem = naming_problem(pattern, brief)
    if problem is None:
        return pattern, []
    where = ("output_name",) if own else ()
    said = problem if own else f"{problem} (the project's briefgen.yaml sets output_name)"
    return pattern, [doc.problem(where, "output_name", said, key=own is not None)]


def _marking_problems(content: Content, documents: dict[str, Document]) -> list[Problem]:
    """Every marking names a level of the scheme: an unknown one is an error at its line,
    never taken as the lowest or the highest."""
    scheme = content.scheme
    places: list[tuple[str, Loc, str | None]] = [("brief", ("marking",), content.brief.marking)]
    places += [(f.file, (*f.loc, "marking"), f.cited.marking) for f in located_cited(content)]
    places += [
        (p.file, (*p.loc, "marking"), p.block.marking)
        for p in located_blocks(content)
        if isinstance(p.block, Table)
    ]
    problems = []
    for file, loc, level in places:
        if level is not None and not scheme.knows(level):
            problems.append(
                documents[file].problem(
                    loc,
                    field_path(file, loc),
                    f"'{level}' is not a marking of the {scheme_label(scheme)} scheme "
                    f"({scheme.suggestion(level)})",
                )
            )
    return problems


def _read_files(content_dir: Path, has_library: bool) -> tuple[dict[str, Document], list[Problem]]:
    """The brief's files. In a project with a source library, sources.yaml may be left out."""
    documents: dict[str, Document] = {}
    problems: list[Problem] = []
    for key in content_files():
        path = content_dir / f"{key}.yaml"
        if not path.is_file():
            if key in REQUIRED_FILES and not (key == "sources" and has_library):
                problems.append(
                    Problem(path, None, None, "", f"missing: a brief folder needs {key}.yaml")
                )
            continue
        try:
            doc = load_yaml(path, content_dir)
        except ContentError as exc:
            problems += exc.problems
            continue
        if doc.data is None and key != "brief":
            doc.data = {} if key == ABBREVIATIONS else []  # an empty file is an empty one
        documents[key] = doc
    return documents, problems


def field_path(key: str, loc: Loc) -> str:
    """`milestones[3].sources[0]` from the file key and a pydantic-style location."""
    text = "" if key == "brief" else key
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# Validation errors that have a lint code of their own (see the README's table).
CODED_ERRORS = {
    "snapshot_outside": "snapshot-outside",
    "snapshot_unreadable": "snapshot-unreadable",
}


def schema_problem(key: str, doc: Document, err: ErrorDetails) -> Problem:
    # A union's tag (`<figure>`) says which form pydantic tried; it is no key of the file.
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("<")))
    kind = err["type"]
    quoted = _quote_hint(doc, loc, err)
    if quoted:
        return doc.problem(loc, field_path(key, loc), quoted)
    if kind in CODED_ERRORS:
        return doc.problem(loc, field_path(key, loc), err["msg"], code=CODED_ERRORS[kind])
    if kind == "extra_forbidden":
        message = _unknown_key(content_files()[key], loc, doc.data)
        return doc.problem(loc, field_path(key, loc), message, key=True)
    if kind == "missing":
        message = f"'{loc[-1]}' is required"
        if loc[-1] == "sources" and key != "sources":
            message += ": every statement, figure and table row needs at least one source id"
        if loc[-1] == "reliability":
            message += ": grade the source from A (reliable) to F (cannot be judged)"
        if loc[-1] == "alt":
            message += ": say what the image shows, for readers who cannot see it"
        return doc.problem(loc[:-1], field_path(key, loc), message)
    # An empty value stands where its key ends; point at the key instead.
    at_key = err.get("input") is None
    return doc.problem(loc, field_path(key, loc), _message(loc, err), key=at_key)


def _quote_hint(doc: Document, loc: Loc, err: ErrorDetails) -> str | None:
    """YAML 1.1 reads `no` as false and `2013` as a number: where text was expected, say
    to quote it, showing what was written."""
    value = err.get("input")
    written = doc.plain.get(loc)
    if written is None or isinstance(value, str) or value is None:
        return None
    if err["type"] not in ("string_type", "model_type", "dict_type", "literal_error"):
        return None
    expected = str((err.get("ctx") or {}).get("expected", ""))
    if err["type"] == "literal_error" and f"'{written}'" not in expected:
        return None  # quoting would not help: `reliability: 3` is no grade either way
    what = (
        ("true" if value else "false")
        if isinstance(value, bool)
        else ("a number" if isinstance(value, (int, float)) else "a date")
    )
    return f"'{written}' is read as {what}, not as text: put it in quotes (\"{written}\")"


def _message(loc: Loc, err: ErrorDetails) -> str:
    kind = err["type"]
    if kind in ("model_type", "dict_type") and err.get("input") is None and not loc:
        return "the file is empty: it needs at least a title and a date"
    if kind in ("model_type", "dict_type"):
        return f"expected a mapping of keys and values here (got {_shown(err.get('input'))})"
    if kind == "list_type" and not loc:
        return f"expected a list of items, each starting with '- ' (got {_shown(err.get('input'))})"
    if kind == "list_type" and isinstance(err.get("input"), (str, int, float)):
        given = err["input"]
        return (
            f"expected a list, not the one value {_shown(given)}: write [{given}], or each "
            "item on a line of its own starting with '- '"
        )
    if kind == "literal_error" and "expected" in (err.get("ctx") or {}):
        return f"must be one of {err['ctx']['expected']} (got {_shown(err.get('input'))})"
    if kind == "too_short" and loc and loc[-1] == "sources":
        return "no source given: every statement needs at least one source id"
    if kind == "too_short" and loc and loc[-1] == "audiences":
        return "an empty list shows it to no one: name an audience, or leave audiences out"
    if kind == "too_short" and loc and loc[-1] == "statements":
        return "no statements: add at least one sourced statement"
    if kind == "string_pattern_mismatch" and loc and loc[-1] in ("id", "source"):
        return f"'{err['input']}' is not a valid id: use lowercase letters, digits and '-'"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "lang":
        return f"'{err['input']}' is not a BCP 47 language tag such as 'en' or 'en-GB'"
    message = err["msg"].removeprefix("Value error, ")
    if kind in ("date_parsing", "date_from_datetime_parsing") and iso_hint(err.get("input")):
        return f"expected a date as YYYY-MM-DD{iso_hint(err.get('input'))}"
    if kind in (
        "literal_error",
        "int_parsing",
        "date_parsing",
        "date_from_datetime_parsing",
        "string_type",
        "list_type",
        "model_type",
        "dict_type",
        "less_than_equal",
        "greater_than_equal",
        "date_type",
        "missing",
    ):
        message = f"{message} (got {_shown(err.get('input'))})"
    return message


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_key(file_type: Any, loc: Loc, data: Any = None) -> str:
    name = str(loc[-1])
    message = f"unknown key '{name}'"
    holder = _at(data, loc[:-1])
    if " " in name.strip() and isinstance(holder, dict) and holder.get(name) is None:
        # `{literal: Ministry of Economy, Trade and Industry}`: in braces a comma ends
        # the value, and the rest of the name reads as a key of its own.
        return (
            f"{message}: '{name}' looks like the rest of a text cut at a comma; inside "
            '{ } put text that holds a comma in quotes, e.g. {literal: "A, B and C"}'
        )
    # A key one level off: beside `figure:` instead of under it, or under a source
    # citation instead of beside `sources:`. Say where it belongs, never "did you mean"
    # the very same name.
    if isinstance(holder, dict):
        for other, value in holder.items():
            if (
                other != name
                and isinstance(value, dict)
                and name in _keys_at(file_type, (*loc[:-1], other))
            ):
                return f"{message} here: it belongs inside '{other}:', indented under it"
    for up in (2, 3):
        if len(loc) > up and name in _keys_at(file_type, loc[:-up]):
            return (
                f"{message} here: it belongs one level up, beside '{loc[-up]}:' "
                "(move it out of this mapping)"
            )
    allowed = [k for k in _keys_at(file_type, loc[:-1]) if k != name]
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    if close:
        return f"{message}: did you mean '{close[0]}'?"
    if allowed:
        return f"{message} (allowed: {', '.join(allowed)})"
    return message


def _at(data: Any, loc: Loc) -> Any:
    """The value at `loc` in the file's data, if it is there."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _keys_at(tp: Any, loc: Loc) -> list[str]:
    """The field names of the model found at `loc` under the type `tp`."""
    for part in loc:
        tp = _unwrap(tp, part)
        if isinstance(part, int):
            tp = typing.get_args(tp)[0] if typing.get_args(tp) else tp
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def _unwrap(tp: Any, part: str | int | None = None) -> Any:
    """Strip Annotated and Optional so that a list or model type is left; of a union
    (a statement, a figure or a table), the member that has the field `part`."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = next((m for m in members if _has_field(_unwrap(m), part)), members[0])
        else:
            return tp


def _has_field(tp: Any, name: str | int | None) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel) and name in tp.model_fields


def cross_check(
    content: Content, documents: dict[str, Document], left_out: AbstractSet[str] = frozenset()
) -> list[Problem]:
    """What one file alone cannot show: unique ids and cited ids that exist. The ids of
    sources `left_out` (invalid, reported already) count as known."""
    sources = documents["sources"]
    if isinstance(sources, WithLibrary):
        problems = shadowed(sources, content.sources)
        for part in (range(sources.own), range(sources.own, len(content.sources))):
            ids = {i: content.sources[i].id for i in part}
            problems += _duplicate_ids(sources, "sources", ids)
    else:
        problems = _duplicate_ids(
            sources, "sources", dict(enumerate(s.id for s in content.sources))
        )
    for kind in with_items():
        if kind.ids and kind.name in documents:
            item_ids = [item.id for item in content.items(kind.name)]
            problems += _duplicate_ids(documents[kind.name], kind.name, dict(enumerate(item_ids)))
    problems += _marking_problems(content, documents)
    problems += _duplicate_statement_ids(content, documents)
    known = sorted({*(s.id for s in content.sources), *left_out})
    for found in located_cited(content):
        for k, citation in enumerate(found.cited.sources):
            if citation.source not in known:
                cite_loc = (*found.loc, "sources", k)
                problems.append(
                    documents[found.file].problem(
                        cite_loc,
                        field_path(found.file, cite_loc),
                        f"unknown source '{citation.source}' ({_known(known, citation.source)})",
                        code="unknown-source",
                    )
                )
    return problems + _block_problems(content, documents)


def _block_problems(content: Content, documents: dict[str, Document]) -> list[Problem]:
    """Figures and tables: ids unique within their kind, images that can be shown,
    and cross-references that name one."""
    from .images import ImageError, read_image

    problems: list[Problem] = []
    first: dict[tuple[str, str], Placed] = {}
    for placed in located_blocks(content):
        doc, loc = documents[placed.file], (*placed.loc, "id")
        earlier = first.setdefault((placed.kind, placed.block.id), placed)
        if earlier is not placed:
            line, _ = documents[earlier.file].position((*earlier.loc, "id"))
            problems.append(
                doc.problem(
                    loc,
                    field_path(placed.file, loc),
                    f"duplicate id '{placed.block.id}' (first used in {earlier.file}.yaml at "
                    f"line {line}): ids must be unique",
                    code="duplicate-id",
                )
            )
        if isinstance(placed.block, Figure) and content.folder is not None:
            try:
                read_image(content.folder, placed.block.image)
            except ImageError as exc:
                at = (*placed.loc, "image")
                problems.append(
                    doc.problem(at, field_path(placed.file, at), str(exc), code="bad-image")
                )
    ids = {kind: sorted(i for k, i in first if k == kind) for kind in ("fig", "tab")}
    for file, loc, text in marked_texts(content):
        for written, kind, meant in mistyped_references(text):
            right = f"{{{kind}:{meant}}}" if meant in ids[kind] else None
            hint = f"did you mean '{right}'?" if right else _known(ids[kind], meant)
            problems.append(
                documents[file].problem(
                    loc,
                    field_path(file, loc),
                    f"'{written}' is not a cross-reference briefgen can read ({hint}); write "
                    "{fig:ID} or {tab:ID} with the id as it is declared: lowercase, "
                    "digits and '-', no spaces",
                    code="unknown-reference",
                )
            )
        for kind, ref in references(text):
            if ref not in ids[kind]:
                name = "figure" if kind == "fig" else "table"
                problems.append(
                    documents[file].problem(
                        loc,
                        field_path(file, loc),
                        f"{{{kind}:{ref}}} names no {name} ({_known(ids[kind], ref)})",
                        code="unknown-reference",
                    )
                )
    return problems


def unknown_audiences(
    content: Content, documents: dict[str, Document], known: list[str]
) -> list[Problem]:
    """Every `audiences:` name that no audience on the search path has."""
    named: list[tuple[str, Loc, list[str]]] = []
    for kind in with_items():
        for i, item in enumerate(content.items(kind.name)):
            named.append((kind.name, (i, "audiences"), item.audiences or []))
    for found in located_cited(content):
        named.append((found.file, (*found.loc, "audiences"), found.cited.audiences or []))
    for placed in located_blocks(content):
        if isinstance(placed.block, Table):
            named.append((placed.file, (*placed.loc, "audiences"), placed.block.audiences or []))
    problems = []
    for file, loc, names in named:
        for k, name in enumerate(names):
            if name not in known:
                problems.append(
                    documents[file].problem(
                        (*loc, k),
                        field_path(file, (*loc, k)),
                        f"unknown audience '{name}' ({_known(known, name)}): name an audience "
                        "folder, or add one with 'briefgen audiences new'",
                        code="unknown-audience",
                    )
                )
    return problems


def _duplicate_statement_ids(content: Content, documents: dict[str, Document]) -> list[Problem]:
    """A statement's `id` names it across versions (briefgen diff): one statement each."""
    problems: list[Problem] = []
    first: dict[str, tuple[str, Loc]] = {}
    for found in located_statements(content):
        name = found.statement.id
        if name is None:
            continue
        loc = (*found.loc, "id")
        if name in first:
            file, at = first[name]
            line, _ = documents[file].position(at)
            problems.append(
                documents[found.file].problem(
                    loc,
                    field_path(found.file, loc),
                    f"duplicate statement id '{name}' (first used in {file}.yaml at line "
                    f"{line}): ids must be unique",
                    code="duplicate-id",
                )
            )
        first.setdefault(name, (found.file, loc))
    return problems


def _duplicate_ids(doc: Document, key: str, ids: dict[int, str]) -> list[Problem]:
    """Ids used twice, by their index in the file."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for i, item_id in ids.items():
        if item_id in first:
            line, _ = doc.position((first[item_id], "id"))
            problems.append(
                doc.problem(
                    (i, "id"),
                    field_path(key, (i, "id")),
                    f"duplicate id '{item_id}' (first used at line {line}): ids must be unique",
                    code="duplicate-id",
                )
            )
        first.setdefault(item_id, i)
    return problems


def _known(known: list[str], wrong: str) -> str:
    close = difflib.get_close_matches(wrong, known, n=1)
    listing = ", ".join(known) if known else "none"
    return f"did you mean '{close[0]}'? known: {listing}" if close else f"known: {listing}"
