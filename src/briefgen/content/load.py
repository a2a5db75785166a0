"""Read YAML safely, keeping the line and column of every node for error messages.

What is refused, and why: tags that build objects or change what a value
reads as (`!!null RESTRICTED` must not quietly become "no marking"), control
characters however they are written, keys that YAML 1.1 reads as something
other than a name (`no:` is `false`), alias expansion beyond a bound, and
nesting deeper than the parser can follow. Merge keys (`<<: *defaults`) work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ContentError, Problem, printable

MAX_FILE_BYTES = 5 * 1024 * 1024
# Nodes walked a second time through an alias. A brief reuses a few anchors;
# an alias bomb reuses them billions of times. The file size bounds the rest.
MAX_ALIAS_NODES = 100_000
MAX_C_DEPTH = 5_000
MAX_FLOW_DEPTH = 1_000  # where a deep-nesting error points

Loc = tuple[str | int, ...]
_BRACKETS = re.compile(r"[\[\]{}]")

STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
MERGE_TAG = "tag:yaml.org,2002:merge"
# C0 and C1 control characters and DEL; tab and line ends are text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


@dataclass
class Document:
    """A YAML file's data plus where each of its values and keys stands in the file."""

    path: Path
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    # The text of plain scalars that YAML read as something other than text
    # (`no` → false, `2013` → 2013), to say "put it in quotes" when text was meant.
    plain: dict[Loc, str] = field(default_factory=dict)
    # With items left out (`without`): each kept item's index here → its index in the file.
    renumbered: dict[int, int] = field(default_factory=dict)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The 1-based line and column of `loc`, or of its nearest ancestor that exists."""
        if key and loc in self.keys:
            return self.keys[loc]
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.values:
                return self.values[loc[:end]]
        return (1, 1)

    def without(self, moved: dict[Any, Any], data: Any) -> Document:
        """This file's `data` with some items left out: `moved` maps each kept item's index
        (or key) in the file to its place in `data`, so that places stay those in the file."""

        def kept(marks: dict[Loc, Any]) -> dict[Loc, Any]:
            out: dict[Loc, Any] = {(): marks[()]} if () in marks else {}
            for loc, mark in marks.items():
                if loc and loc[0] in moved:
                    out[(moved[loc[0]], *loc[1:])] = mark
            return out

        back = {new: old for old, new in moved.items() if isinstance(old, int)}
        marks = (kept(self.values), kept(self.keys), kept(self.plain))
        return Document(self.path, data, *marks, renumbered=back)

    def problem(
        self,
        loc: Loc,
        path: str,
        message: str,
        *,
        key: bool = False,
        code: str = "invalid-content",
    ) -> Problem:
        line, column = self.position(loc, key=key)
        if loc and loc[0] in self.renumbered:  # `sources[0]` is the file's sources[1]
            path = path.replace(f"[{loc[0]}]", f"[{self.renumbered[loc[0]]}]", 1)
        return Problem(self.path, line, column, path, message, code)


class _Checks:
    """What both parsers share: refusals that need the node, and dates kept as text."""

    def __init__(self, stream: str, path: Path) -> None:
        super().__init__(stream)  # type: ignore[call-arg]  # the loader's own __init__
        self.path = path
        self.problems: list[Problem] = []

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        tag = _unexpected_tag(self, node)
        if tag is not None:
            self._problem(node, _tag_message(tag))
            return None
        return super().construct_object(node, deep=deep)  # type: ignore[misc]  # a mixin: the loader's

    def construct_scalar(self, node: ScalarNode | MappingNode) -> str:
        value: str = super().construct_scalar(node)  # type: ignore[misc]  # a mixin: the loader's
        found = CONTROL.search(value) if isinstance(value, str) else None  # str, or a key node
        if found:
            self._problem(
                node,
                f"control character U+{ord(found[0]):04X} is not allowed "
                "(not even escaped): remove it",
            )
        return value

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                if key is not None or key_node.tag != STR_TAG:
                    self._problem(key_node, _key_message(key_node, key))
                continue
            if key in seen:
                self._problem(key_node, f"duplicate key '{key}': keep one of them")
            seen.add(key)
        # Merge keys: the mapping's own keys override the merged ones, so they
        # are checked for duplicates above, before the merge adds its keys.
        self.flatten_mapping(node)  # type: ignore[attr-defined]  # SafeConstructor's, in the loader
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc, no-any-return]  # mixin

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        # 2025-02-30 matches YAML's date pattern but is no date; leaving it as
        # text lets the model report it at its line instead of crashing here.
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]  # a mixin: the loader's
        except ValueError:
            return self.construct_scalar(node)

    def _problem(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, "", message))


def _unexpected_tag(loader: Any, node: Node) -> str | None:
    """A tag written out that makes the value something other than it reads as.

    `!!str` is allowed (it only makes a value text); so is a tag that says
    what the value would be anyway.
    """
    if isinstance(node, MappingNode):
        return None if node.tag == MAP_TAG else node.tag
    if isinstance(node, SequenceNode):
        return None if node.tag == SEQ_TAG else node.tag
    if node.tag == STR_TAG:
        return None
    if isinstance(node, ScalarNode) and not node.style:  # plain: None, or "" from libyaml
        resolved = loader.resolve(ScalarNode, node.value, (True, False))
        return None if node.tag == resolved else node.tag
    return node.tag  # a quoted value is text unless a tag says otherwise


def _tag_message(tag: str) -> str:
    short = tag.replace("tag:yaml.org,2002:", "!!")
    if not tag.startswith("tag:yaml.org,2002:") or short.startswith("!!python/"):
        return f"tags that build objects (such as !!python/...) are not allowed: remove '{short}'"
    return f"the tag '{short}' changes what the value reads as: remove it and write the value"


def _key_message(node: Node, key: Any) -> str:
    text = node.value if isinstance(node, ScalarNode) else "this key"
    if isinstance(key, bool):
        return f"the key '{text}' is read as {str(key).lower()}: put it in quotes (\"{text}\")"
    if isinstance(key, (int, float)):
        return f"the key '{text}' is read as a number: put it in quotes (\"{text}\")"
    if key is None and isinstance(node, ScalarNode):
        return "a key is empty: write a name before the ':'"
    if isinstance(node, ScalarNode):
        return f"the key '{text}' is not read as a name: put it in quotes (\"{text}\")"
    return "a mapping key must be a plain name, not a list or a mapping"


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


def confine(path: Path, within: Path) -> None:
    """Refuse a file that is not inside `within` once its symlinks are resolved."""
    real = path.resolve()
    if not real.is_relative_to(within.resolve()):
        message = (
            f"the file links to {real}, outside its folder ({within}): copy the file in "
            "instead of linking to it"
        )
        raise ContentError([Problem(path, None, None, "", message)])


def read_text(path: Path) -> str:
    """The file's text: UTF-8, with or without a byte-order mark, within the size limit."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise ContentError(
            [
                Problem(
                    path,
                    None,
                    None,
                    "",
                    f"file is {size:,} bytes; the limit is {limit} MiB: split or shorten it",
                )
            ]
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            [Problem(path, line, None, "", "not UTF-8 text: save the file as UTF-8")]
        ) from None


def project_settings(brief_folder: Path) -> dict[str, Any]:
    """What briefgen.yaml sets for the briefs of the project a brief is in: {} for a
    brief in no project (or at its root). Its errors are reported where the project is
    opened; read once per brief, for every setting a brief inherits."""
    from ..locate import PROJECT_FILE, project_root

    root = project_root(brief_folder)
    if root is None or root.absolute() == brief_folder.absolute():
        return {}
    data = load_yaml(root / PROJECT_FILE, root).data
    return data if isinstance(data, dict) else {}


def load_yaml(path: Path, within: Path) -> Document:
    """Parse one YAML file into data and positions, or raise ContentError.

    The file must really be inside `within` (its brief, project or audience folder),
    judged after symlinks are resolved: a content file that links elsewhere would
    publish, or echo in an error, whatever it points at.
    """
    confine(path, within)
    text = read_text(path)
    fast = _FastLoader if _shallow(text) else _Loader
    try:
        try:
            node, data, problems = _parse(text, path, fast)
        except (yaml.YAMLError, RecursionError):
            node, data, problems = _parse(text, path, _Loader)  # for its messages
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        message = f"character U+{exc.character:04X} is not allowed in YAML: remove it"
        raise ContentError([Problem(path, line, column, "", message)]) from None
    except yaml.MarkedYAMLError as exc:
        raise ContentError([_yaml_problem(path, exc, text)]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(path, None, None, "", str(exc))]) from None
    except RecursionError:
        line, column = _deepest_point(text)
        message = "nesting too deep: flatten the structure"
        raise ContentError([Problem(path, line, column, "", message)]) from None
    if problems:
        raise ContentError(problems)
    doc = Document(path, data)
    if node is not None:
        _record_marks(doc, node)
    return doc


def _shallow(text: str) -> bool:
    """Whether the text cannot nest deeper than libyaml can parse (it crashes past
    some 20,000 levels). Block nesting takes a column a level, so it is bounded by
    the longest line; flow nesting by the depth of brackets and braces (counted
    without regard to quotes, which can only overestimate it)."""
    longest = max((len(line) for line in text.splitlines()), default=0)
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match[0] in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return longest + deepest <= MAX_C_DEPTH


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


def _deepest_point(text: str) -> tuple[int, int]:
    """Where nesting first goes too deep: the bracket past MAX_FLOW_DEPTH levels, or
    else the start of the most indented line. Quoted text and comments are skipped."""
    depth, quote = 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n"):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
            continue
        elif ch in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return _line_column(text, i)
        elif ch in "]}":
            depth -= 1
        i += 1
    lines = text.splitlines() or [""]
    indents = [len(line) - len(line.lstrip(" ")) for line in lines]
    deepest = max(range(len(lines)), key=indents.__getitem__)
    return deepest + 1, indents[deepest] + 1


def _yaml_problem(path: Path, exc: yaml.MarkedYAMLError, text: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or "invalid YAML"
    if exc.context and exc.problem:
        message = f"{exc.context}: {exc.problem}"
    if "could not determine a constructor" in message:
        message = "tags that build objects (such as !!python/...) are not allowed: remove the tag"
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    lines = text.splitlines()
    shown = lines[line - 1] if line and line <= len(lines) else ""
    tab = next((n for n, s in enumerate(lines, 1) if "\t" in s[: len(s) - len(s.lstrip())]), 0)
    plain = _plain_words(message, lines, line, column, tab)
    if plain is not None:
        message, at = plain
        if at is not None and at != line:
            line, column = at, 1
        shown = lines[line - 1] if line and line <= len(lines) else shown
        message += f' (line {line}: "{shown.strip()[:60]}")' if shown.strip() else ""
    return Problem(path, line, column, "", printable(message))


def _plain_words(
    message: str, lines: list[str], line: int | None, column: int | None, tab_line: int
) -> tuple[str, int | None] | None:
    """The YAML parser's words for the mistakes people make most, said plainly: a tab
    in the indentation, a line indented off its level, an unquoted ': ' in text."""
    if tab_line and ("'\\t'" in message or "cannot start any token" in message):
        return "a tab in the indentation: YAML indents with spaces only; replace it", tab_line
    shown = lines[line - 1] if line and line <= len(lines) else ""
    if "mapping values are not allowed here" in message:
        at_first_colon = column is not None and shown.find(":") == column - 1
        indented = at_first_colon and _indented_key(shown, lines, line)
        return (INDENTED if indented else UNQUOTED_COLON), None
    off_level = ("expected <block end>", "did not find expected key", "did not find expected '-'")
    if any(words in message for words in off_level):
        return INDENTED, None
    return None


INDENTED = (
    "this line is not indented as the lines around it: line each key up with the keys "
    "at its level (use spaces, the same number on each line)"
)
UNQUOTED_COLON = (
    "text holding ': ' must be in quotes, or YAML reads a new key there: write "
    'text: "…: …" (or drop the colon)'
)


def _indented_key(shown: str, lines: list[str], line: int | None) -> bool:
    """Whether the line is a `key:` indented off the line above it (YAML then reads it
    as text running on from that line, and stops at its colon)."""
    if not line or not re.match(r"\s*[\w-]+:(\s|$)", shown):
        return False
    above = next((s for s in reversed(lines[: line - 1]) if s.strip()), "")
    indent = len(shown) - len(shown.lstrip())
    return indent != _key_column(above) and not above.rstrip().endswith(":")


def _key_column(line: str) -> int:
    """Where a line's key starts: after its indentation and any '- ' of a list item."""
    match = re.match(r"[ -]*", line)
    return len(match.group(0)) if match else 0


def _record_marks(doc: Document, root: Node) -> None:
    seen: set[int] = set()
    repeated = 0
    for loc, node, key_node in _walk(root, ()):
        if id(node) in seen:
            repeated += 1
            if repeated > MAX_ALIAS_NODES:
                message = (
                    f"aliases expand to more than {MAX_ALIAS_NODES:,} repeated values: "
                    "remove the anchors and aliases"
                )
                line, column = node.start_mark.line + 1, node.start_mark.column + 1
                raise ContentError([Problem(doc.path, line, column, "", message)])
        seen.add(id(node))
        doc.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if key_node is not None:
            doc.keys[loc] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if isinstance(node, ScalarNode) and node.tag != STR_TAG:
            doc.plain[loc] = node.value


def _walk(
    node: Node, loc: Loc, key_node: Node | None = None
) -> Iterator[tuple[Loc, Node, Node | None]]:
    """Every node with its location; aliases are walked again, which MAX_ALIAS_NODES bounds."""
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
