"""briefgen schema: the JSON Schema of each content file, from the models `check` uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..content.sections import content_files, json_schema
from ..errors import UsageError
from ..pipeline.write import write_outputs


def schemas(name: str | None = None) -> dict[str, dict[str, Any]]:
    """The schema of one content file (`brief`, `sources`, …), or of all of them."""
    files = list(content_files())
    names = [name] if name else files
    unknown = [n for n in names if n not in files]
    if unknown:
        raise UsageError(f"no content file '{unknown[0]}' (known: {', '.join(files)})")
    return {n: json_schema(n) for n in names}


def schema_text(name: str | None = None) -> str:
    """One schema, or all of them keyed by file name, as JSON text."""
    found = schemas(name)
    document = found[name] if name else {f"{n}.yaml": s for n, s in found.items()}
    return json.dumps(document, indent=2, ensure_ascii=False)


def write_schemas(out: Path, name: str | None = None) -> list[Path]:
    """NAME.schema.json files in `out`, for editors' YAML language servers."""
    files = {
        out / f"{n}.schema.json": (json.dumps(s, indent=2, ensure_ascii=False) + "\n").encode()
        for n, s in schemas(name).items()
    }
    write_outputs(files)
    return list(files)
