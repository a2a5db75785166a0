"""The sandbox every template runs in: templates in a brief folder are content from
many hands, so a template may read the data it is given and nothing else.

Jinja's own sandbox stops `__class__`, `__globals__` and private attributes. On
top of it: no attribute of a path, a file or a module is reachable (a path object
would read any file: `folder.joinpath('/etc/passwd').read_text()`), and the
operators that can make a page of gigabytes or a number of millions of digits
are bounded, so that a template line can fail with its line, never stall a build.
"""

from __future__ import annotations

import dataclasses
import operator
import types
from pathlib import PurePath
from typing import Any

from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

# Modules whose objects a template may use: Python's plain data, dates, Jinja's
# loop helpers, markup, and briefgen's own models.
_SAFE_MODULES = ("builtins", "datetime", "markupsafe", "jinja2.", "briefgen.", "pydantic")
MAX_REPEAT = 1_000_000  # characters or items a `*` may make
MAX_EXPONENT_DIGITS = 10_000


class TemplateSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, (PurePath, types.ModuleType)) or isinstance(value, PurePath):
            return False
        module = type(obj).__module__ or ""
        if module == "builtins" or module.startswith(_SAFE_MODULES):
            return True
        # A content model declared elsewhere (a new kind of section) is data too.
        return isinstance(obj, BaseModel) or dataclasses.is_dataclass(obj)

    def call_binop(self, context: Context, op: str, left: Any, right: Any) -> Any:
        if op == "*":
            for times, thing in ((left, right), (right, left)):
                repeats = isinstance(thing, (str, list, tuple)) and isinstance(times, int)
                if repeats and times * len(thing) > MAX_REPEAT:
                    raise OverflowError(f"'*' would make over {MAX_REPEAT:,} items")
            return operator.mul(left, right)
        if isinstance(left, int) and isinstance(right, int) and right > 0:
            digits = right * max(abs(left), 2).bit_length() * 0.302
            if digits > MAX_EXPONENT_DIGITS:
                raise OverflowError(
                    f"'**' would make a number of over {MAX_EXPONENT_DIGITS:,} digits"
                )
        return operator.pow(left, right)
