"""A project's shared source library, read after a brief's own sources.yaml.

The brief's sources come first and the library's after them, in one list, so
every later stage sees one `sources`. Problems about a source past the brief's
own name the library file and its line, through `WithLibrary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from ..errors import ContentError, Problem
from .load import Document, Loc, load_yaml
from .models import Source


@dataclass
class WithLibrary(Document):
    """The brief's sources.yaml, followed by the project's library."""

    library: Document | None = None
    own: int = 0  # how many sources the brief's own file holds

    def _split(self, loc: Loc) -> tuple[Document, Loc] | None:
        if self.library is None or not loc or not isinstance(loc[0], int) or loc[0] < self.own:
            return None
        return self.library, (loc[0] - self.own, *loc[1:])

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        split = self._split(loc)
        if split is None:
            return super().position(loc, key=key)
        return split[0].position(split[1], key=key)

    def problem(
        self,
        loc: Loc,
        path: str,
        message: str,
        *,
        key: bool = False,
        code: str = "invalid-content",
    ) -> Problem:
        split = self._split(loc)
        if split is None:
            return super().problem(loc, path, message, key=key, code=code)
        doc, inner = split
        shifted = path.replace(f"sources[{loc[0]}]", f"sources[{inner[0]}]", 1)
        return doc.problem(inner, shifted, message, key=key, code=code)


def read_library(path: Path) -> tuple[Document, list[Source]]:
    """The library's document and sources; every problem in it at its line."""
    from .validate import schema_problem

    doc = load_yaml(path, path.parent)
    if doc.data is None:
        doc.data = []
    try:
        return doc, TypeAdapter(list[Source]).validate_python(doc.data)
    except ValidationError as exc:
        raise ContentError([schema_problem("sources", doc, err) for err in exc.errors()]) from None


def joined(own: Document | None, own_path: Path, library: Document) -> WithLibrary:
    """One sources document over the brief's file (maybe absent) and the library."""
    base = own or Document(own_path, [])
    return WithLibrary(
        base.path,
        base.data,
        base.values,
        base.keys,
        base.plain,
        library=library,
        own=len(base.data or []),
    )


def shadowed(doc: WithLibrary, sources: list[Source]) -> list[Problem]:
    """A brief's source whose id the library also has: which would a citation mean?"""
    own = {s.id: i for i, s in enumerate(sources[: doc.own])}
    problems = []
    for j, source in enumerate(sources[doc.own :]):
        if source.id in own:
            i = own[source.id]
            line, _ = doc.position((doc.own + j, "id"))
            problems.append(
                doc.problem(
                    (i, "id"),
                    f"sources[{i}].id",
                    f"source '{source.id}' is also in the project's library "
                    f"({doc.library.path if doc.library else ''}:{line}): rename this one, "
                    "or remove it and cite the library's",
                    code="duplicate-id",
                )
            )
    return problems
