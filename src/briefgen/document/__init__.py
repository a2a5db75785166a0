"""The document each audience reads: cleared, cited, numbered and labelled once, then
read by every output (HTML, PDF, Word), the index and `diff`. See model.py."""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..audiences import Audience
    from ..content.models import Content
    from .model import Document


def document_for(content: Content, audience: Audience) -> Document:
    """What `audience` reads of the brief: the clearance filter first, so that nothing
    else reaches the document, then the walk that cites and numbers it."""
    from ..clearance import filter_content
    from .make import make_document

    return make_document(filter_content(content, audience), audience, created_date(content))


def created_date(content: Content) -> str:
    """The date written into outputs: SOURCE_DATE_EPOCH when set, else the brief's date,
    never the clock, so that the same input gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return content.brief.date.isoformat()
