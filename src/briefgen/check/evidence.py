"""Lints of evidence honesty: whether a reader can tell how firm each statement is.

A statement on weak sources may stand in a brief, but a reader who sees no grades
must learn from the text that it is weak; an "as of" date must not outrun the
evidence; a grade belongs to a claim, not to a report of what a text says. Each is
on by default and switched per audience (`lints:` in audience.yaml), since what is
fair to print depends on who reads it.

Whether a text attributes a claim ("according to …", "the report says …") is read
from English wording and from the names of the sources' publishers and authors:
a heuristic, so these lints warn and never fail a check on their own.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..audiences import Audience, AudienceLint
from ..clearance import aimed_at, visible
from ..content.markup import plain
from ..content.models import Cited, Source
from ..content.sections import Backed, item_cited, located_cited
from .lints import WEAK, Finding, Review, cited_text

if TYPE_CHECKING:
    from ..content.models import Content

# What a text is, when a statement says what it says: "the report", "a blog", ….
_TEXT = (
    r"report|record|account|blog|article|text|statement|declaration|communiqu[ée]|source|page|"
    r"post|paper|study|commentary|website|site|press release|survey|analysis"
)
_SAYS = (
    r"says?|said|reports?|reported|claims?|claimed|writes?|wrote|calls?|called|states?|"
    r"stated|describes?|described|presents?|presented|gives?|gave|argues?|argued|"
    r"suggests?|suggested|notes?|noted|records?|recorded|alleges?|alleged|attributes?|"
    r"attributed|quotes?|quoted|mentions?|mentioned|expects?|expected|reads?|puts?|"
    r"sees?|saw|holds?|held|tells?|told|speaks?|spoke|names?|named|lists?|listed|"
    r"opposed|condemned?s?|welcomed?s?"
)
# "According to …", "reportedly", "as reported", "is said to", or a text followed within a few
# words by a verb of saying: "the 2007 account says", "one report reads"; or "by the
# 2007 account".
_WORDS = r"(?:\W+[\w’'-]+)"
ATTRIBUTION = re.compile(
    "|".join(
        (
            r"\baccording to\b",
            r"\breportedly\b",
            r"\ballegedly\b",
            r"\bas (?:reported|quoted)\b",
            r"\b(?:is|are|was|were) (?:reported|said|claimed|alleged)\b",
            rf"\b(?:{_TEXT})s?\b{_WORDS}{{0,8}}?\W+(?:{_SAYS})\b",
            rf"\bby (?:the|its|this|that|one|an?)\b{_WORDS}{{0,3}}?\W+(?:{_TEXT})s?\b",
        )
    ),
    re.IGNORECASE,
)

WEAK_CREDIBILITY = 4  # 4 doubtful, 5 improbable, 6 cannot be judged


def attributed(text: str, sources: list[Source]) -> bool:
    """Whether the text tells the reader whose claim it is."""
    words = plain(text)
    if ATTRIBUTION.search(words):
        return True
    folded = words.casefold()
    names = [s.publisher for s in sources if s.publisher]
    names += [a.literal for s in sources for a in s.authors if a.literal]
    names += [a.family for s in sources for a in s.authors if a.family]
    return any(name.casefold() in folded for name in names)


def readers(review: Review, found: Backed) -> list[Audience]:
    """The audiences that show it: its section, its marking, whom it is aimed at."""
    default = found.default_marking or review.content.default_marking
    scheme = review.content.scheme
    return [
        a
        for a in review.audiences.values()
        if found.section in a.config.sections
        and aimed_at(found.cited, found.default_audiences, a.name)
        and visible(found.cited, default, a.config.clearance, scheme)
    ]


def _with(review: Review, found: Backed, code: AudienceLint) -> list[Audience]:
    return [a for a in readers(review, found) if a.config.lints_on(code)]


def _names(audiences: list[Audience]) -> str:
    return ", ".join(a.name for a in audiences)


def _sources(content: Content, cited: Cited) -> list[Source]:
    return [
        content.source(source_id) for source_id in dict.fromkeys(c.source for c in cited.sources)
    ]


def weak_evidence_bare(review: Review) -> Iterator[Finding]:
    """A statement on weak evidence, shown as plain fact to readers who see no grades."""
    content = review.content
    for found in located_cited(content):
        cited = found.cited
        sources = _sources(content, cited)
        weak_sources = all(s.reliability in WEAK for s in sources)
        doubtful = (cited.credibility or 0) >= WEAK_CREDIBILITY
        if not (weak_sources or doubtful) or attributed(cited_text(cited), sources):
            continue
        bare = [a for a in _with(review, found, "weak-evidence-bare") if not a.config.show_grades]
        if not bare:
            continue
        grades = ", ".join(f"'{s.id}' ({s.reliability})" for s in sources)
        why = (
            f"it rests only on {grades}, graded D–F"
            if weak_sources
            else f"it is graded credibility {cited.credibility}"
        )
        message = (
            f"{why}, yet reads as plain fact to {_names(bare)}, who see no grades: attribute "
            "it in the text (\u201cAccording to \u2026\u201d), show the grades (show_grades: "
            "true), or keep it from them (audiences: or marking:)"
        )
        yield Finding("warning", review.at(found.file, found.loc, message, "weak-evidence-bare"))


def stale_evidence(review: Review) -> Iterator[Finding]:
    """The brief's "as of" date far after its newest evidence: a reader takes every
    present tense as of that date."""
    content = review.content
    if not any(a.config.lints_on("stale-evidence") for a in review.audiences.values()):
        return
    newest = newest_evidence(content)
    if newest is None:
        return
    date, source_id = newest
    as_of = content.brief.date
    months = months_between(end_of(date), as_of)
    limit = content.brief.stale_after_months
    if months <= limit:
        return
    message = (
        f"the brief is as of {as_of.isoformat()}, but its newest dated evidence is of {date} "
        f"('{source_id}'): {months} months earlier, more than {limit}. Date the brief to its "
        "evidence, or write in the past tense and say once when the evidence ends "
        "(stale_after_months in brief.yaml sets how far apart they may be)"
    )
    yield Finding("warning", review.at("brief", ("date",), message, "stale-evidence"))


def newest_evidence(content: Content) -> tuple[str, str] | None:
    """The latest date any cited evidence carries, and the source it is of: each source's
    `published`, or for a source with none, the dates of the milestones citing it."""
    cited = {c.source for found in located_cited(content) for c in found.cited.sources}
    dates: list[tuple[str, str]] = []
    for source in content.sources:
        if source.id in cited and source.published:
            dates.append((source.published, source.id))
    undated = {s.id for s in content.sources if s.id in cited and not s.published}
    for milestone in content.items("milestones"):
        for cited_thing in item_cited(milestone):
            dates += [
                (milestone.date, c.source) for c in cited_thing.sources if c.source in undated
            ]
    return max(dates, key=lambda d: end_of(d[0])) if dates else None


def end_of(partial: str) -> datetime.date:
    """The last day a partial date (2025, 2025-01, 2025-01-09) can mean."""
    parts = [int(p) for p in partial.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return datetime.date(year, month, day)


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole months from one date to the other."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


def grade_on_attribution(review: Review) -> Iterator[Finding]:
    """A credibility grade on a statement that only reports what a text says: the
    report is true whatever the grade, so the grade misleads."""
    content = review.content
    for found in located_cited(content):
        cited = found.cited
        if not cited.credibility or not ATTRIBUTION.search(plain(cited_text(cited))):
            continue
        graded = [a for a in _with(review, found, "grade-on-attribution") if a.config.show_grades]
        if not graded:
            continue
        message = (
            f"credibility {cited.credibility} on a statement that reports what a text says "
            f"(shown to {_names(graded)}): grade the claim itself, or remove credibility"
        )
        loc = (*found.loc, "credibility")
        yield Finding("warning", review.at(found.file, loc, message, "grade-on-attribution"))


# Words that say opposite things of one matter: its size, whether it goes on, the answer.
OPPOSITES: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (
        frozenset({"small", "minor", "limited", "modest", "marginal", "negligible", "little"}),
        frozenset(
            {"major", "significant", "considerable", "substantial", "large", "generous", "valuable"}
        ),
    ),
    (
        frozenset({"ended", "concluded", "stopped", "halted", "suspended", "abandoned", "dropped"}),
        frozenset({"continues", "ongoing", "active", "expanding", "continuing"}),
    ),
    (
        frozenset({"rejected", "refused", "denied", "opposed"}),
        frozenset({"accepted", "agreed", "welcomed", "endorsed", "approved"}),
    ),
)
_WORD = re.compile(r"[\w-]+")
RANK = "ABCDEF"


def contradicted_by_stronger(review: Review) -> Iterator[Finding]:
    """Two statements of one item (a milestone, an area, a question, a section) whose
    words say opposite things, the weaker on weaker sources: a note, since words alone
    cannot prove a contradiction."""
    content = review.content
    for group in _groups(review):
        for weak in group:
            for strong in group:
                yield from _contradiction(review, content, weak, strong)


def _groups(review: Review) -> list[list[Backed]]:
    """What each item cites, item by item; the key judgments are one group."""
    by_item: dict[tuple[str, object], list[Backed]] = {}
    for found in located_cited(review.content):
        if not _with(review, found, "contradicted-by-stronger"):
            continue
        key = (found.file, found.loc[0])  # ("brief", "summary") for the key judgments
        by_item.setdefault(key, []).append(found)
    return list(by_item.values())


def _contradiction(
    review: Review, content: Content, weak: Backed, strong: Backed
) -> Iterator[Finding]:
    weak_best = _best(content, weak.cited)
    strong_best = _best(content, strong.cited)
    if RANK.index(strong_best.reliability) >= RANK.index(weak_best.reliability):
        return
    words_weak, words_strong = _words(weak.cited), _words(strong.cited)
    for one, other in OPPOSITES:
        for said, against in ((one, other), (other, one)):
            here, there = words_weak & said, words_strong & against
            if not (here and there):
                continue
            line = review.documents[strong.file].position(strong.loc)[0]
            message = (
                f"'{min(here)}' here rests on '{weak_best.id}' ({weak_best.reliability}), while "
                f"{strong.file}.yaml:{line}, on '{strong_best.id}' ({strong_best.reliability}), "
                f"says '{min(there)}': check which holds, and say so where the sources disagree"
            )
            code = "contradicted-by-stronger"
            yield Finding("note", review.at(weak.file, weak.loc, message, code))
            return


def _best(content: Content, cited: Cited) -> Source:
    return min(_sources(content, cited), key=lambda s: RANK.index(s.reliability))


def _words(cited: Cited) -> frozenset[str]:
    texts = [plain(cited_text(cited)), *(c.quote or "" for c in cited.sources)]
    return frozenset(w.casefold() for text in texts for w in _WORD.findall(text))


EVIDENCE_LINTS = (
    weak_evidence_bare,
    stale_evidence,
    grade_on_attribution,
    contradicted_by_stronger,
)
