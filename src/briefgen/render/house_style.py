"""A house's reference document (`reference.docx`), read for what a Word output takes
from it and nothing more: its styles, numbering, page setup, theme and fonts.

A reference saved from an earlier note carries that note's text, headers and
footers (first-page and even-page ones too), comments and their authors, a
thumbnail, document properties, settings such as `evenAndOddHeaders`, and
perhaps a relationship to a template on a server that Word fetches when the
file is opened. None of that reaches an output: the output is made from
briefgen's own clean package, and only the parts named above are copied in.
A part that is taken and refers to anything outside the file is refused.

Read with the standard library and lxml alone, so that `check` can vouch for a
reference document without loading python-docx.
"""

from __future__ import annotations

import functools
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..template_search import builtin_templates

if TYPE_CHECKING:
    from ..audiences import Audience

REFERENCE_DOCX = "reference.docx"
MAX_PARTS = 2_000
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # a zip that unpacks to more is a bomb, not a style
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# What a section's properties may pass on: the page, its margins, columns and grid.
PAGE_SETUP = ("pgSz", "pgMar", "cols", "docGrid")
# Fonts embedded in the font table are parts of their own: left out, by name.
EMBEDDED_FONTS = ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic")


class HouseStyleError(ValueError):
    """A reference document briefgen cannot take styles from; the message says why (the
    file itself is named where the error is reported)."""


@dataclass(frozen=True)
class HouseStyle:
    """What an output takes from a reference document."""

    styles: bytes
    numbering: bytes | None
    theme: bytes | None
    font_table: bytes | None
    page_setup: tuple[bytes, ...]  # pgSz, pgMar, cols, docGrid, as XML
    left_out: tuple[str, ...]  # what the reference held that no output takes


def reference_docx(audience: Audience) -> Path:
    """The audience's reference document: its own, an inherited one, else the built-in."""
    for folder in (*audience.dirs, builtin_templates() / "_common"):
        candidate = folder / REFERENCE_DOCX
        if candidate.is_file() and candidate.resolve().is_relative_to(folder.resolve()):
            return candidate
    raise HouseStyleError(f"no {REFERENCE_DOCX} in the built-in templates: reinstall briefgen")


def read_house_style(path: Path) -> HouseStyle:
    stat = path.stat()
    return _read(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read(path: Path, mtime_ns: int, size: int) -> HouseStyle:
    try:
        with zipfile.ZipFile(path) as package:
            return _Reader(package).house_style()
    except zipfile.BadZipFile:
        raise HouseStyleError(
            "not a Word document (not a .docx package): save it again from Word as a .docx"
        ) from None
    except (OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise HouseStyleError(f"cannot be read ({exc}): save it again from Word") from None


class _Reader:
    def __init__(self, package: zipfile.ZipFile) -> None:
        self.package = package
        infos = package.infolist()
        if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise HouseStyleError(
                f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB or "
                f"{MAX_PARTS:,} parts: no reference document is that large"
            )
        self.names = {i.filename for i in infos}

    def house_style(self) -> HouseStyle:
        main = self._target("", "_rels/.rels", "officeDocument")
        if main is None or main not in self.names:
            raise HouseStyleError("no main document part: save it again from Word")
        rels = self._rels(main)
        styles = self._part(rels, "styles", required=True)
        assert styles is not None
        numbering = self._part(rels, "numbering")
        theme = self._part(rels, "theme")
        fonts = self._part(rels, "fontTable")
        body = self._xml(main)
        left_out = self._left_out(rels, body)
        if fonts is not None:
            fonts, embedded = _without_embedded_fonts(fonts)
            left_out += ["embedded fonts"] if embedded else []
        return HouseStyle(styles, numbering, theme, fonts, _page_setup(body), tuple(left_out))

    # Parts and their relationships --------------------------------------------------

    def _rels(self, part: str) -> list[tuple[str, str, bool]]:
        """(type, target part or address, external) of each relationship of a part."""
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels_name not in self.names:
            return []
        found = []
        for rel in self._xml(rels_name).iter(f"{PKG_RELS}Relationship"):
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            target = rel.get("Target") or ""
            external = rel.get("TargetMode") == "External"
            if not external:
                target = posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
            found.append((kind, target, external))
        return found

    def _target(self, folder: str, rels_name: str, kind: str) -> str | None:
        if rels_name not in self.names:
            return None
        for rel in self._xml(rels_name).iter(f"{PKG_RELS}Relationship"):
            if (rel.get("Type") or "").endswith("/" + kind):
                return posixpath.normpath(posixpath.join(folder, rel.get("Target") or "")).lstrip(
                    "/"
                )
        return None

    def _part(
        self, rels: list[tuple[str, str, bool]], kind: str, required: bool = False
    ) -> bytes | None:
        """The bytes of the part of this kind, checked to refer to nothing outside itself."""
        target = next((t for k, t, external in rels if k == kind and not external), None)
        if target is None or target not in self.names:
            if required:
                raise HouseStyleError(f"no {kind} part: save it again from Word")
            return None
        own = self._rels(target)
        outside = [t for _, t, external in own if external]
        if outside:
            raise HouseStyleError(
                f"its {kind} part refers to {outside[0][:80]}, outside the file: "
                "a reference document must hold everything it uses; save it again without it"
            )
        if own and kind != "fontTable":  # pictures in a theme or a numbering: not needed
            return None
        self._xml(target)  # well-formed, or refused
        return self.package.read(target)

    def _xml(self, name: str) -> Any:
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            return etree.fromstring(self.package.read(name), parser)
        except (etree.XMLSyntaxError, KeyError) as exc:
            raise HouseStyleError(f"its part {name} is not well-formed XML ({exc})") from None

    def _left_out(self, rels: list[tuple[str, str, bool]], body: Any) -> list[str]:
        """What the reference holds that an output does not take, said to the user."""
        kinds = [k for k, _, _ in rels]
        found = []
        if any(("".join(t.itertext())).strip() for t in body.iter(f"{W}p")):
            found.append("its text")
        for kind, label in (
            ("header", "headers"),
            ("footer", "footers"),
            ("comments", "comments"),
            ("footnotes", "footnotes"),
            ("glossaryDocument", "building blocks"),
            ("vbaProject", "macros"),
            ("customXml", "custom XML"),
        ):
            if kind in kinds:
                found.append(label)
        top = [k for k, _, _ in self._rels_of_package()]
        for kind, label in (
            ("thumbnail", "its thumbnail"),
            ("core-properties", "its document properties"),
            ("custom-properties", "its custom properties"),
        ):
            if kind in top:
                found.append(label)
        if "settings" in kinds:
            found.append("its settings (even-page headers, attached template and the like)")
        if any(external for _, _, external in rels):
            found.append("its links to outside addresses")
        return found

    def _rels_of_package(self) -> list[tuple[str, str, bool]]:
        return self._rels("") if "_rels/.rels" in self.names else []


def _page_setup(body: Any) -> tuple[bytes, ...]:
    from lxml import etree

    sections = list(body.iter(f"{W}sectPr"))
    if not sections:
        return ()
    last = sections[-1]
    return tuple(
        etree.tostring(child) for child in last if etree.QName(child).localname in PAGE_SETUP
    )


def _without_embedded_fonts(data: bytes) -> tuple[bytes, bool]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser)
    embedded = [e for e in root.iter() if etree.QName(e).localname in EMBEDDED_FONTS]
    for element in embedded:
        element.getparent().remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), bool(
        embedded
    )
