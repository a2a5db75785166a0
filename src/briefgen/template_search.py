"""Where templates are found: the built-in audiences, inside the installed package or the
checkout's top-level templates/ folder, and the folders searched before them. Light on
purpose: an up-to-date build hashes these files without loading anything else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def builtin_templates() -> Path:
    """The built-in audiences: inside the installed wheel, or the checkout's templates/."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Root:
    """A folder of audiences, one subfolder each, and what it is to the user."""

    label: str
    folder: Path

    @property
    def builtin(self) -> bool:
        return self.label == BUILT_IN


BUILT_IN = "built-in"


def search_path(content_dir: Path, templates: Path | None = None) -> list[Root]:
    """The folders audiences are looked up in, first match first: `--templates DIR`,
    the brief's own templates/, a templates/ folder beside the brief folder (the
    repository layout content/ + templates/), the templates/ of the project the brief
    is in (beside its briefgen.yaml), then the built-ins. A folder met twice
    (in a checkout, templates/ beside content/ holds the built-ins) counts once, as
    the later of the two."""
    from .locate import shared_templates

    shared = shared_templates(content_dir)
    roots = [
        *([Root("--templates", templates)] if templates is not None else []),
        Root("the brief's templates/", content_dir / "templates"),
        Root("templates/ beside the brief", content_dir.absolute().parent / "templates"),
        *([Root("the project's templates/", shared)] if shared is not None else []),
        Root(BUILT_IN, builtin_templates()),
    ]
    kept: list[Root] = []
    for i, root in enumerate(roots):
        later = {r.folder.resolve() for r in roots[i + 1 :]}
        if root.folder.resolve() not in later:
            kept.append(root)
    return kept
