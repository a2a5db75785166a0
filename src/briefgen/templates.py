"""Where templates are found: the built-in audiences, inside the installed package or the
checkout's top-level templates/ folder. Light on purpose: an up-to-date build hashes
these files without loading anything else."""

from __future__ import annotations

from pathlib import Path


def builtin_templates() -> Path:
    """The built-in audiences: inside the installed wheel, or the checkout's templates/."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"
