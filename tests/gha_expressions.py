"""GitHub Actions expressions (`${{ … }}`), as the runner evaluates them: the subset the
generated workflow uses, and an error for anything else, so that a test never passes
on an expression it did not understand.

https://docs.github.com/en/actions/learn-github-actions/expressions
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<op>==|!=|&&|\|\||<=|>=|[!<>()\[\],.*])|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


class ExpressionError(Exception):
    pass


def tokens(text: str) -> list[tuple[str, str]]:
    found, at = [], 0
    text = text.strip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise ExpressionError(f"cannot read {text[at:]!r} in {text!r}")
        kind = match.lastgroup or ""
        found.append((kind, match[kind]))
        at = match.end()
    return found


class Parser:
    """Recursive descent over the token list; evaluates as it goes (no side effects)."""

    def __init__(self, text: str, contexts: dict[str, Any], status: Callable[[str], bool]):
        self.items = tokens(text)
        self.at = 0
        self.contexts = contexts
        self.status = status
        self.text = text

    def peek(self) -> str:
        return self.items[self.at][1] if self.at < len(self.items) else ""

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.items):
            raise ExpressionError(f"unexpected end of {self.text!r}")
        item = self.items[self.at]
        if expected is not None and item[1] != expected:
            raise ExpressionError(f"expected {expected!r}, found {item[1]!r} in {self.text!r}")
        self.at += 1
        return item

    def parse(self) -> Any:
        value = self.or_()
        if self.at != len(self.items):
            raise ExpressionError(f"left over {self.items[self.at :]} in {self.text!r}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.compare()
        while self.peek() == "&&":
            self.take()
            right = self.compare()
            value = right if truthy(value) else value
        return value

    def compare(self) -> Any:
        left = self.unary()
        if self.peek() in ("==", "!="):
            op = self.take()[1]
            same = equal(left, self.unary())
            return same if op == "==" else not same
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.postfix(self.primary())

    def postfix(self, value: Any) -> Any:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                kind, name = self.take()
                if name == "*":
                    value = list(value.values()) if isinstance(value, dict) else value or []
                    value = _Filtered(value)
                else:
                    value = member(value, name)
            else:
                index = self.or_()
                self.take("]")
                value = member(value, index)
        return value.items if isinstance(value, _Filtered) else value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text) if "." in text else int(text)
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r} in {self.text!r}")
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if self.peek() == "(":
            self.take()
            args = []
            while self.peek() != ")":
                args.append(self.or_())
                if self.peek() == ",":
                    self.take()
            self.take(")")
            return self.call(text, args)
        if text not in self.contexts:
            raise ExpressionError(f"no context {text!r} in {self.text!r}")
        return self.contexts[text]

    def call(self, name: str, args: list[Any]) -> Any:
        lowered = name.lower()
        if lowered in ("success", "failure", "always", "cancelled"):
            return self.status(lowered)
        if lowered == "fromjson":
            return json.loads(args[0])
        if lowered == "tojson":
            return json.dumps(args[0], indent=2, ensure_ascii=False)
        if lowered == "join":
            separator = args[1] if len(args) > 1 else ","
            items = args[0] if isinstance(args[0], list) else [args[0]]
            return separator.join(as_text(item) for item in items)
        if lowered == "contains":
            haystack, needle = args
            if isinstance(haystack, list):
                return any(equal(item, needle) for item in haystack)
            return as_text(needle).lower() in as_text(haystack).lower()
        if lowered == "startswith":
            return as_text(args[0]).lower().startswith(as_text(args[1]).lower())
        if lowered == "format":
            return re.sub(r"\{(\d+)\}", lambda m: as_text(args[int(m[1]) + 1]), args[0])
        raise ExpressionError(f"no function {name!r} in {self.text!r}")


class _Filtered:
    """The result of `.*`: the next property is taken of every item."""

    def __init__(self, items: list[Any]):
        self.items = items


def member(value: Any, key: Any) -> Any:
    if isinstance(value, _Filtered):
        return _Filtered([member(item, key) for item in value.items])
    if isinstance(value, dict):
        if isinstance(key, str):
            for name, item in value.items():
                if name.lower() == key.lower():
                    return item
        return None
    if isinstance(value, list) and isinstance(key, int):
        return value[key] if 0 <= key < len(value) else None
    return None


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, "") and value == value  # NaN is falsy


def equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    if left is None or right is None:
        return left is right
    if type(left) is not type(right) and not all(
        isinstance(v, (int, float)) for v in (left, right)
    ):
        return False
    return bool(left == right)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return str(value)


def evaluate(
    text: str, contexts: dict[str, Any], status: Callable[[str], bool] | None = None
) -> Any:
    """One expression, without its `${{ }}`."""
    return Parser(text, contexts, status or (lambda name: name != "failure")).parse()


def interpolate(
    text: str, contexts: dict[str, Any], status: Callable[[str], bool] | None = None
) -> Any:
    """A string with `${{ … }}` in it: each replaced by its value as text; a string that
    is nothing but one expression keeps the value's type (as `matrix:` and `if:` do)."""
    whole = re.fullmatch(r"\s*\$\{\{(.*?)\}\}\s*", text, re.S)
    if whole:
        return evaluate(whole[1], contexts, status)
    return re.sub(
        r"\$\{\{(.*?)\}\}", lambda m: as_text(evaluate(m[1], contexts, status)), text, flags=re.S
    )


def condition(
    text: str | bool | None, contexts: dict[str, Any], status: Callable[[str], bool]
) -> bool:
    """A job's or a step's `if:`: without a status function, `success() &&` is implied."""
    if text is None:
        return status("success")
    if isinstance(text, bool):
        return text and status("success")
    expression = re.sub(r"^\s*\$\{\{(.*)\}\}\s*$", r"\1", text, flags=re.S)
    if not re.search(r"\b(success|failure|always|cancelled)\s*\(", expression):
        return status("success") and truthy(evaluate(expression, contexts, status))
    return truthy(evaluate(expression, contexts, status))
