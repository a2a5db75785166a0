"""Print HTML → PDF with WeasyPrint, imported only when a PDF is made: it loads slowly."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .errors import TemplateError

MAX_DATA_URL = 2 * 1024 * 1024


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files inside the allowed folders and nothing else: no network, ever.

    Anything else stops the build instead of leaving a silent gap in the PDF.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(fail_on_errors=True)
        self._roots = [r.resolve() for r in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlparse(url).scheme.lower()
        if scheme == "data" and len(url) <= MAX_DATA_URL:
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlparse(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self._roots) and path.is_file():
                return URLFetcherResponse(url, path.read_bytes())
        raise FatalURLFetchingError(f"refused to fetch {url[:120]}: only files inside the "
                                    "brief, snapshot and template folders may be used")


def render_pdf(html: str, base_dir: Path, roots: Sequence[Path]) -> bytes:
    """Lay out the print HTML; title, authors, date and language come from its <head>."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/",
                               url_fetcher=ConfinedFetcher(roots))
    try:
        # PDF/UA-1: tagged, with language, title and XMP metadata, for screen readers.
        pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    except FatalURLFetchingError as exc:
        raise TemplateError(str(exc)) from None
    assert isinstance(pdf, bytes)
    return pdf
