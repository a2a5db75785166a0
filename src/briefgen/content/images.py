"""The images figures show: inside the brief folder, of a type read from their bytes,
within size limits, and, for SVG, free of anything that runs or loads.

An SVG with a script, an event attribute, an external reference or an entity
is refused, naming the file and what was found: a figure is embedded in every
output, and briefgen will not carry code or fetches into a page that promises
to run and load nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 8000 × 5000 raster; more is a photograph, not a chart
SVG_REFUSED = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
# What an SVG may point at: a place in itself, or an image it carries.
_INLINE_REFERENCE = re.compile(r"^(#|data:image/(png|jpeg);)", re.IGNORECASE)
_CSS_LOADS = re.compile(r"url\(\s*['\"]?(?!#)|@import", re.IGNORECASE)


class ImageError(ValueError):
    """An image a figure cannot show; the message says why and what to do."""


@dataclass(frozen=True)
class Image:
    mime: str
    data: bytes


def read_image(folder: Path, name: str) -> Image:
    """The image `name` of the brief folder, checked; ImageError says what is wrong."""
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ImageError(f"image '{name}' leads outside the brief folder: copy the file in")
    if not path.is_file():
        raise ImageError(f"image '{name}' not found in the brief folder: add it or fix the name")
    stat = path.stat()
    if stat.st_size > MAX_BYTES:
        raise ImageError(
            f"image '{name}' is {stat.st_size:,} bytes; the limit is 5 MiB: make it smaller"
        )
    return _checked(path.resolve(), name, stat.st_mtime_ns, stat.st_size)


# Validation, each output and the build's input key all ask for the same image: it is
# read and checked once while it is unchanged (its time and size are in the key).
@functools.lru_cache(maxsize=32)
def _checked(path: Path, name: str, mtime_ns: int, size: int) -> Image:
    data = path.read_bytes()
    mime = sniff(data)
    expected = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
    wanted = expected.get(path.suffix.lower(), "image/svg+xml")
    if mime != wanted:
        found = mime.split("/")[-1].upper() if mime else "no PNG, JPEG or SVG"
        raise ImageError(f"image '{name}' holds {found}, not what its name says: fix one")
    if mime == "image/svg+xml":
        _check_svg(name, data)
    else:
        _check_raster(name, data)
    return Image(mime, data)


def sniff(data: bytes) -> str | None:
    """The image type, from the bytes alone."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if re.match(
        rb"(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE svg[^\[>]*(\[.*?\])?\s*>\s*)?<svg[\s>]",
        head,
        re.S,
    ):
        return "image/svg+xml"
    return None


def _check_raster(name: str, data: bytes) -> None:
    import io

    from PIL import Image as Pillow  # WeasyPrint's own dependency

    try:
        with Pillow.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageError(
                    f"image '{name}' is {width} × {height} pixels; the limit is 40 million: "
                    "scale it down"
                )
            image.verify()
    except ImageError:
        raise
    except Exception as exc:  # noqa: BLE001  (Pillow raises many kinds for a broken file)
        raise ImageError(f"image '{name}' cannot be read ({exc}): save it again") from None


def _check_svg(name: str, data: bytes) -> None:
    from lxml import etree

    if re.search(rb"<!(DOCTYPE[^>]*\[|ENTITY)", data[:65536]):
        raise ImageError(f"image '{name}': an SVG with entity declarations is refused")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImageError(f"image '{name}' is not a well-formed SVG: {exc}") from None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        problem = _svg_problem(element)
        if problem:
            raise ImageError(
                f"image '{name}': {problem}; an SVG in a brief may not run or load anything: "
                "remove it from the file"
            )


def _svg_problem(element: object) -> str | None:
    tag = etree_local(element.tag)  # type: ignore[attr-defined]
    if tag in SVG_REFUSED:
        return f"<{tag}> found"
    for name, value in element.attrib.items():  # type: ignore[attr-defined]
        local = etree_local(name).lower()
        if local.startswith("on"):
            return f"<{tag} {local}> (an event handler) found"
        if local in ("href", "src") and not _INLINE_REFERENCE.match(value.strip()):
            web_link = tag == "a" and re.match(r"^https?://", value.strip(), re.IGNORECASE)
            if not web_link:
                return f'<{tag} {local}="{value[:60]}"> (an external reference) found'
        if local == "style" and _CSS_LOADS.search(value):
            return f"<{tag} style> loads a file"
    if tag == "style" and _CSS_LOADS.search(element.text or ""):  # type: ignore[attr-defined]
        return "a <style> that loads a file"
    return None


def etree_local(name: str) -> str:
    """`{http://www.w3.org/2000/svg}script` → `script`."""
    return name.rsplit("}", 1)[-1]
