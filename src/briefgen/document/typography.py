"""Text as a reader's language sets it: its quotation marks, and break opportunities in
runs too long for a line."""

from __future__ import annotations

import re

from .i18n import I18n

# A straight quote opens where a word could start: at the start, after a space,
# an opening bracket or a dash; anywhere else it closes (or is an apostrophe).
_OPENS_AFTER = " \t\n([{—–-“‘«„‚「『"
# A run of letters longer than a line gets a break opportunity every few
# characters: the PDF engine otherwise takes minutes to break a pasted string
# of 100,000 characters. CJK text already breaks between any two characters.
LONG_WORD = re.compile(r"[^\s\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]{60,}")
BREAK = "\u200b"


def break_long_words(text: str) -> str:
    return LONG_WORD.sub(lambda m: BREAK.join(re.findall(".{1,30}", m[0], re.S)), text)


def smart_quotes(text: str, i18n: I18n) -> str:
    """Straight quotes as the language writes them (“…”, «…», „…“, 「…」), and ’ for an
    apostrophe. A single quote closes an open inner quotation, or is an apostrophe."""
    if '"' not in text and "'" not in text:
        return text
    outer, inner = i18n.quotes(), i18n.quotes(inner=True)
    out: list[str] = []
    inner_open = False
    for i, ch in enumerate(text):
        opens = i == 0 or text[i - 1] in _OPENS_AFTER
        if ch == '"':
            out.append(outer[0] if opens else outer[1])
        elif ch == "'" and opens and i + 1 < len(text) and not text[i + 1].isspace():
            out.append(inner[0])
            inner_open = True
        elif ch == "'" and inner_open and (i + 1 == len(text) or not text[i + 1].isalnum()):
            out.append(inner[1])
            inner_open = False
        else:
            out.append("’" if ch == "'" else ch)
    return "".join(out)


def typeset(text: str, i18n: I18n) -> str:
    """Quotes in the language's marks, and break opportunities in long runs."""
    return break_long_words(smart_quotes(text, i18n))
