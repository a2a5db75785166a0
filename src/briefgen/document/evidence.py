"""How strong the evidence is, in numbers a reader can check: shown in graded outputs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..content.models import Content
from ..content.sections import all_cited, located_cited

STRONG = {"A", "B"}


@dataclass(frozen=True)
class Strength:
    strong: int  # statements with at least one source graded A or B
    total: int


def strength(content: Content, name: str) -> Strength:
    grade = {s.id: s.reliability for s in content.sources}
    statements = [found.cited for found in located_cited(content) if found.section == name]
    strong = sum(any(grade[c.source] in STRONG for c in s.sources) for s in statements)
    return Strength(strong, len(statements))


def citing_statements(content: Content) -> Counter[str]:
    """For each source, how many statements (figures and table rows too) of this output
    cite it."""
    counts: Counter[str] = Counter()
    for statement in all_cited(content):
        counts.update({c.source for c in statement.sources})
    return counts
