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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 8000 × 5000 raster; more is a photograph, not a chart
SVG_REFUSED = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
# What an SVG may point at: a place in itself, or an image it carries.
_INLINE_REFERENCE = re.compile(r"^(#|data:image/(png|jpeg);)", re.IGNORECASE)


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
    for node in (*root.itersiblings(preceding=True), *root.iter()):
        problem = _svg_problem(node)
        if problem:
            raise ImageError(
                f"image '{name}': {problem}; an SVG in a brief may not run or load anything: "
                "remove it from the file"
            )
    _check_svg_size(name, root)


# SMIL animation can set an href or a style after the file was checked; charts in a
# brief do not move, and a PDF would not show them moving.
SVG_ANIMATION = {"set", "animate", "animateMotion", "animateTransform", "animateColor", "discard"}


def _svg_problem(node: object) -> str | None:
    tag = getattr(node, "tag", None)
    if not isinstance(tag, str):  # a comment, or a processing instruction
        target = getattr(node, "target", None)
        return f"<?{target}?> found" if target else None
    local_tag = etree_local(tag)
    if local_tag in SVG_REFUSED:
        return f"<{local_tag}> found"
    if local_tag in SVG_ANIMATION:
        return f"<{local_tag}> (an animation) found"
    for name, value in node.attrib.items():  # type: ignore[attr-defined]
        problem = _attribute_problem(local_tag, etree_local(name).lower(), value)
        if problem:
            return problem
    if local_tag == "style":
        return _css_problem(node.text or "", "stylesheet")  # type: ignore[attr-defined]
    return None


def _attribute_problem(tag: str, name: str, value: str) -> str | None:
    if name.startswith("on"):
        return f"<{tag} {name}> (an event handler) found"
    if name in ("href", "src"):
        return _reference_problem(tag, name, value.strip())
    where = f"<{tag} {name}>"
    return _css_problem(value, "declarations" if name == "style" else "value", where)


def _reference_problem(tag: str, name: str, value: str) -> str | None:
    """An href may point inside the file, carry a PNG or JPEG of its own, or (on a link)
    lead to a web page; nothing else."""
    shown = f'<{tag} {name}="{value[:60]}">'
    if value.startswith("#"):
        return None
    if tag == "a" and re.match(r"^https?://", value, re.IGNORECASE):
        return None
    if _INLINE_REFERENCE.match(value):
        return _embedded_problem(value, shown)
    return f"{shown} (an external reference) found"


def _embedded_problem(uri: str, shown: str) -> str | None:
    """A data: image inside the SVG must be what it says, and within the raster limits."""
    import base64
    import binascii
    from urllib.parse import unquote_to_bytes

    header, _, payload = uri.partition(",")
    try:
        raw = (
            base64.b64decode(payload, validate=False)
            if header.lower().endswith(";base64")
            else unquote_to_bytes(payload)
        )
    except (binascii.Error, ValueError):
        return f"{shown}: its data cannot be decoded"
    wanted = "image/png" if "image/png" in header.lower() else "image/jpeg"
    if sniff(raw) != wanted:
        return f"{shown}: the data it carries is not the {wanted.split('/')[1].upper()} it says"
    try:
        _check_raster("(embedded)", raw)
    except ImageError as exc:
        return f"{shown}: {exc}"
    return None


# CSS functions that fetch something; `url(#id)` (a gradient, a clip path) stays inside.
_FETCHING = {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade", "element"}


def _css_problem(text: str, kind: str, where: str = "a <style>") -> str | None:
    """CSS, parsed as CSS (so that escapes such as `@\\69mport` or `u\\72l(` are read as
    a browser reads them): no at-rule that loads, no function that fetches."""
    import tinycss2

    if kind == "stylesheet":
        nodes = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    elif kind == "declarations":
        nodes = tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True)
    else:
        nodes = tinycss2.parse_component_value_list(text, skip_comments=True)
    for node in _css_walk(nodes):
        if node.type == "at-rule" and node.lower_at_keyword in ("import", "font-face"):
            return f"{where} holds @{node.lower_at_keyword}, which loads a file"
        if node.type == "url" and not node.value.strip().startswith("#"):
            return f"{where} loads a file (url({node.value[:60]}))"
        if node.type == "function" and node.lower_name in _FETCHING:
            first = next((a for a in node.arguments if a.type not in ("whitespace",)), None)
            target = getattr(first, "value", "")
            if node.lower_name != "url" or not str(target).strip().startswith("#"):
                return f"{where} loads a file ({node.lower_name}(…))"
    return None


def _css_walk(nodes: list[object]) -> Iterator[Any]:
    for node in nodes:
        yield node
        for part in ("prelude", "content", "arguments", "value"):
            inner = getattr(node, part, None)
            if isinstance(inner, list):
                yield from _css_walk(inner)


# The largest drawing an SVG may declare: Word gets it drawn as a raster, at twice
# its size, and a 60,000-pixel square would take gigabytes.
MAX_SVG_SIDE_PX = 10_000
_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54}
_UNITS.update({"in": 96.0, "em": 16.0, "ex": 8.0})
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([a-z]*|%)\s*$", re.IGNORECASE)


def declared_size(root: Any) -> tuple[float | None, float | None]:
    """An SVG's declared width and height in CSS pixels: its own, else its viewBox's."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    sides = []
    for i, attribute in enumerate(("width", "height")):
        side = _pixels(root.get(attribute))
        if side is None and len(box) == 4:
            side = _pixels(box[2 + i])
        sides.append(side)
    return sides[0], sides[1]


def svg_size(data: bytes) -> tuple[float, float]:
    """The size an SVG figure is drawn at (checked already), 300 × 150 where it gives none,
    as browsers do."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    width, height = declared_size(etree.fromstring(data, parser))
    return width or 300.0, height or 150.0


def _check_svg_size(name: str, root: Any) -> None:
    """The drawing's declared size (its width and height, else its viewBox): more than
    nothing, and at most MAX_SVG_SIDE_PX a side."""
    sides = declared_size(root)
    for attribute, side in zip(("width", "height"), sides, strict=True):
        if side is None:
            continue
        if side <= 0:
            raise ImageError(
                f"image '{name}': its {attribute} is 0, so it draws nothing: give the <svg> "
                "a width and height, or a viewBox"
            )
        if side > MAX_SVG_SIDE_PX:
            raise ImageError(
                f"image '{name}': its {attribute} is {side:,.0f} pixels; the limit is "
                f"{MAX_SVG_SIDE_PX:,}: give the <svg> the size it is meant to be shown at"
            )


def _pixels(value: str | None) -> float | None:
    """A length in CSS pixels; None for a percentage or nothing."""
    match = _LENGTH.match(value or "")
    if not match or match[2] == "%":
        return None
    factor = _UNITS.get(match[2].lower())
    if factor is None:
        return None
    return float(match[1]) * factor


def etree_local(name: str) -> str:
    """`{http://www.w3.org/2000/svg}script` → `script`."""
    return name.rsplit("}", 1)[-1]


# What an image carries besides its picture (a camera's owner and place, an editor's
# history, a comment naming the memo it was cut from) reaches no output: every
# output embeds the image, so its metadata would travel to every reader of it.
PNG_KEPT = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
    b"sBIT", b"pHYs", b"bKGD",
}  # fmt: skip
# JPEG segments that draw the picture: JFIF, the colour profile, Adobe's colour transform,
# and every marker that is no application segment or comment.
JPEG_KEPT_APPS = {0xE0, 0xE2, 0xEE}


def without_metadata(image: Image) -> Image:
    """The image with its text, EXIF, XMP, IPTC, comments and editor data taken out."""
    if image.mime == "image/png":
        return Image(image.mime, _png_without_metadata(image.data))
    if image.mime == "image/jpeg":
        return Image(image.mime, _jpeg_without_metadata(image.data))
    return Image(image.mime, _svg_without_metadata(image.data))


def _png_without_metadata(data: bytes) -> bytes:
    out, at = [data[:8]], 8
    while at + 8 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        end = at + 12 + length
        if kind in PNG_KEPT:
            out.append(data[at:end])
        at = end
        if kind == b"IEND":
            break
    return b"".join(out)


def _jpeg_without_metadata(data: bytes) -> bytes:
    out, at = [data[:2]], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the picture itself, to the end
            out.append(data[at:])
            return b"".join(out)
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        segment = data[at : at + 2 + length]
        is_app = 0xE0 <= marker <= 0xEF
        if not (marker == 0xFE or (is_app and marker not in JPEG_KEPT_APPS)):
            out.append(segment)
        at += 2 + length
    return data  # not laid out as expected: as it was (it was checked to load)


def _svg_without_metadata(data: bytes) -> bytes:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    root = etree.fromstring(data, parser)
    for element in list(root.iter()):
        if isinstance(element.tag, str) and etree_local(element.tag) == "metadata":
            element.getparent().remove(element)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            if any(editor in name for editor in ("inkscape", "sodipodi", "illustrator")):
                del element.attrib[name]
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
