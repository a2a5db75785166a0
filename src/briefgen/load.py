"""Read YAML safely, keeping the line and column of every node for error messages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ContentError, Problem

MAX_FILE_BYTES = 5 * 1024 * 1024
# A brief has a few thousand nodes; anything far beyond is an alias bomb.
MAX_NODES = 200_000
MAX_C_DEPTH = 5_000

Loc = tuple[str | int, ...]


@dataclass
class Document:
    """A YAML file's data plus where each of its values and keys stands in the file."""

    path: Path
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The 1-based line and column of `loc`, or of its nearest ancestor that exists."""
        if key and loc in self.keys:
            return self.keys[loc]
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.values:
                return self.values[loc[:end]]
        return (1, 1)

    def problem(self, loc: Loc, path: str, message: str, *, key: bool = False,
                code: str = "invalid-content") -> Problem:
        line, column = self.position(loc, key=key)
        return Problem(self.path, line, column, path, message, code)


class _Checks:
    """Reports duplicate keys and keeps impossible dates as text, in either parser."""

    def __init__(self, stream: str, path: Path) -> None:
        super().__init__(stream)  # type: ignore[call-arg]
        self.path = path
        self.problems: list[Problem] = []

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            if isinstance(key, (list, dict)):
                self._problem(key_node, "a mapping key must be a plain value")
                continue
            if key in seen:
                self._problem(key_node, f"duplicate key '{key}': keep one of them")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc, no-any-return]

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        # 2025-02-30 matches YAML's date pattern but is no date; leaving it as
        # text lets the model report it at its line instead of crashing here.
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except ValueError:
            return self.construct_scalar(node)  # type: ignore[attr-defined]

    def _problem(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, "", message))


class _Loader(_Checks, yaml.SafeLoader):
    pass


# libyaml parses about ten times faster; YAML errors are explained by the
# pure-Python parser, whose messages and positions the tests pin down.
_FastLoader: Any = _Loader
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(_Checks, yaml.CSafeLoader):
        pass

    _FastLoader = _CLoader

for _loader in (_Loader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _loader.construct_yaml_timestamp)


def read_text(path: Path) -> str:
    """The file's text: UTF-8, with or without a byte-order mark, within the size limit."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise ContentError([Problem(path, None, None, "", f"file is {size:,} bytes; "
                                    f"the limit is {limit} MiB: split or shorten it")])
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError([Problem(path, line, None, "",
                                    "not UTF-8 text: save the file as UTF-8")]) from None


def load_yaml(path: Path) -> Document:
    """Parse one YAML file into data and positions, or raise ContentError."""
    text = read_text(path)
    fast = _FastLoader if _shallow(text) else _Loader
    try:
        try:
            node, data, problems = _parse(text, path, fast)
        except (yaml.YAMLError, RecursionError):
            node, data, problems = _parse(text, path, _Loader)  # for its messages
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        raise ContentError([Problem(path, line, column, "", (
            f"character U+{exc.character:04X} is not allowed in YAML: remove it"))]) from None
    except yaml.MarkedYAMLError as exc:
        raise ContentError([_yaml_problem(path, exc)]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(path, None, None, "", str(exc))]) from None
    except RecursionError:
        raise ContentError([Problem(path, None, None, "",
                                    "nesting too deep: flatten the structure")]) from None
    if problems:
        raise ContentError(problems)
    doc = Document(path, data)
    if node is not None:
        _record_marks(doc, node)
    return doc


def _shallow(text: str) -> bool:
    """Whether the text cannot nest deeper than libyaml can parse (it crashes past
    some 20,000 levels). Block nesting takes a column a level, so it is bounded by
    the longest line; flow nesting by the count of brackets and braces."""
    longest = max((len(line) for line in text.splitlines()), default=0)
    return longest + text.count("[") + text.count("{") <= MAX_C_DEPTH


def _parse(text: str, path: Path, loader_class: Any) -> tuple[Node | None, Any, list[Problem]]:
    loader = loader_class(text, path)  # the reader already rejects control characters here
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data, loader.problems


def _line_column(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _yaml_problem(path: Path, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or "invalid YAML"
    if exc.context and exc.problem:
        message = f"{exc.context}: {exc.problem}"
    if "could not determine a constructor" in message:
        message = "tags that build objects (such as !!python/...) are not allowed: remove the tag"
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Problem(path, line, column, "", message)


def _record_marks(doc: Document, root: Node) -> None:
    for count, (loc, node, key_node) in enumerate(_walk(root, ()), start=1):
        if count > MAX_NODES:
            raise ContentError([Problem(doc.path, None, None, "",
                                        f"more than {MAX_NODES:,} values (aliases expanded): "
                                        "remove the anchors and aliases")])
        doc.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if key_node is not None:
            doc.keys[loc] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)


def _walk(node: Node, loc: Loc, key_node: Node | None = None
          ) -> Iterator[tuple[Loc, Node, Node | None]]:
    """Every node with its location; aliases are walked again, which MAX_NODES bounds."""
    stack: list[tuple[Loc, Node, Node | None]] = [(loc, node, key_node)]
    while stack:
        loc, node, key_node = stack.pop()
        yield loc, node, key_node
        if isinstance(node, MappingNode):
            for k, v in reversed(node.value):
                if isinstance(k, ScalarNode):
                    stack.append(((*loc, k.value), v, k))
        elif isinstance(node, SequenceNode):
            for i, v in reversed(list(enumerate(node.value))):
                stack.append(((*loc, i), v, None))
