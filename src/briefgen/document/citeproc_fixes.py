"""Changes to citeproc-py, applied once before any note is formatted: one for speed, seven
for what the CSL specification says and citeproc-py does not do.

Speed (the text is citeproc-py's own, tested against it in every style tested):

1. **Macro lookup.** citeproc-py finds a macro by an XPath search over the
   whole style each time it is used, thousands of times a note. The first
   macro of each name, looked up once a style, is the same element.

Correctness (each tested against strings written from the style's rules):

2. **`initialize="false"`.** A `cs:name` that says not to initialize given
   names ("Pia Holm", not "P. Holm") is obeyed.
3. **Labels of empty variables.** A `cs:label` renders only when its variable
   has a value: no stray "Edition" in a newspaper note.
4. **`disambiguate="true"`.** The condition holds only when another work
   cited has the same authors; citeproc-py held it always, so MLA repeated
   every title in its in-text citations.
5. **Title case.** The stop words are those of the CSL specification, and
   stay lower case only inside a title.
6. **Substituted variables.** A variable that stood in for a missing author
   through a macro (a title, in most styles) is not printed again later in
   the same entry: "*Title*. (n.d.). *Title*." becomes "*Title*. (n.d.)."
7. **Sort keys.** Entries sort on their text, not on their markup: a title in
   italics no longer sorts before every author, as "<i>" does before "a".
8. **Locators compared by value.** Two notes at the same page of a source
   make the second "ibid", not "ibid-with-locator": citeproc-py compared the
   locator objects, never equal.

Each change checks that what it replaces is there. If a citeproc-py release
changes that code, the change is left out and `missing_warnings` says so:
the notes are then citeproc-py's own.
"""

from __future__ import annotations

import html
import re
from typing import Any

APPLIED: set[str] = set()
FIXES = (
    "macro-lookup",
    "initialize-false",
    "labels-of-empty-variables",
    "disambiguate-condition",
    "title-case-stop-words",
    "substituted-variables",
    "sort-keys-plain-text",
    "locator-equality",
)
# What each applied fix replaced, [(owner, attribute, original)], so tests can compare.
ORIGINALS: dict[str, list[tuple[Any, str, Any]]] = {}

# CSL 1.0.2, "Title case conversion": words that stay lower case inside a title.
STOP_WORDS = (  # noqa: SIM905  (one string reads better than 90 quoted words)
    "a according across afore after against ahead along alongside amid amidst among amongst an "
    "and anenst apropos apud around as aside astride at athwart atop barring before behind below "
    "beneath beside besides between beyond but by circa despite down during except for forenenst "
    "from given in inside into lest like modulo near next nor notwithstanding of off on onto or "
    "out over per plus pro qua sans since so than the through thru throughout thruout till to "
    "toward towards under underneath until unto up upon versus vs. v. via vis-à-vis with within "
    "without yet"
).split()


def apply() -> set[str]:
    """Apply every fix (once); the names of those that apply to this citeproc-py."""
    if not APPLIED:
        from citeproc import model

        for name, fix in (
            ("macro-lookup", _macro_lookup),
            ("initialize-false", _initialize_false),
            ("labels-of-empty-variables", _labels_of_empty_variables),
            ("disambiguate-condition", _disambiguate_condition),
            ("title-case-stop-words", _title_case_stop_words),
            ("substituted-variables", _substituted_variables),
            ("sort-keys-plain-text", _sort_keys_plain_text),
            ("locator-equality", _locator_equality),
        ):
            if fix(model):
                APPLIED.add(name)
    return APPLIED


def missing_warnings() -> list[str]:
    """A warning for each fix that does not apply to the installed citeproc-py."""
    from importlib.metadata import version

    return [
        f"citeproc fix '{name}' does not apply to citeproc-py {version('citeproc-py')}: "
        "notes may not follow their style there; install a release briefgen supports"
        for name in FIXES
        if name not in apply()
    ]


def _replace(model: Any, owner_name: str, attribute: str, name: str, new: Any) -> bool:
    owner = getattr(model, owner_name, None)
    original = getattr(owner, attribute, None)
    if original is None:
        return False
    ORIGINALS.setdefault(name, []).append((owner, attribute, original))
    setattr(owner, attribute, new(original))
    return True


# 1. Macro lookup -------------------------------------------------------------

_MACROS: dict[int, tuple[Any, dict[str, Any]]] = {}


def _macro_lookup(model: Any) -> bool:
    def new(original: Any) -> Any:
        def get_macro(element: Any, name: str) -> Any:
            root = element.get_root()
            entry = _MACROS.get(id(root))
            if entry is None or entry[0] is not root:  # the root is kept: its id is not reused
                macros: dict[str, Any] = {}
                for macro in root.xpath_search("cs:macro"):
                    macros.setdefault(macro.get("name"), macro)
                entry = _MACROS[id(root)] = (root, macros)
            if name not in entry[1]:
                raise IndexError(f"the style has no macro '{name}'")  # as citeproc-py's own
            return entry[1][name]

        return get_macro

    return _replace(model, "CitationStylesElement", "get_macro", "macro-lookup", new)


# 2. initialize="false" ---------------------------------------------------------


def _initialize_false(model: Any) -> bool:
    def new(original: Any) -> Any:
        def initialize(self: Any, given: str, mark: str, context: Any) -> Any:
            if self.get("initialize", "true") == "false":
                return given
            return original(self, given, mark, context)

        return initialize

    return _replace(model, "Name", "initialize", "initialize-false", new)


# 3. Labels of empty variables ----------------------------------------------------


def _labels_of_empty_variables(model: Any) -> bool:
    from citeproc.source import VariableError

    def new(original: Any) -> Any:
        def process(self: Any, item: Any, variable: Any = None, *args: Any, **kwargs: Any) -> Any:
            name = variable or self.get("variable")
            if name and name != "locator" and variable is None:
                try:
                    value = item.reference[name.replace("-", "_")]
                except VariableError:
                    return None
                if value in (None, ""):
                    return None
            return original(self, item, variable, *args, **kwargs)

        return process

    return _replace(model, "Label", "process", "labels-of-empty-variables", new)


# 4. disambiguate="true" -----------------------------------------------------------


_CONDITIONS = (
    ("type", "_type"),
    ("variable", "_variable"),
    ("is-numeric", "_is_numeric"),
    ("is-uncertain-date", "_is_uncertain_date"),
    ("locator", "_locator"),
)


def _disambiguate_condition(model: Any) -> bool:
    """citeproc-py ignores the `disambiguate` test, so a branch that asks for it is taken
    as if it held. The test joins the others under the branch's `match`, as the
    specification says: `match="none"` branches (Chicago's short notes) hold when the
    work is *not* ambiguous."""
    owner = getattr(model, "If", None)
    methods = [method for _, method in _CONDITIONS] + ["_position", "render_children"]
    if owner is None or not all(hasattr(owner, m) for m in methods):
        return False

    def new(original: Any) -> Any:
        def render(
            self: Any, item: Any, context: Any = None, delimiter: str = "", **kw: Any
        ) -> Any:
            if "disambiguate" not in self.attrib:
                return original(self, item, context=context, delimiter=delimiter, **kw)
            results: list[bool] = []
            for attribute, method in _CONDITIONS:
                if attribute in self.attrib:
                    results += getattr(self, method)(item)
            if "position" in self.attrib:
                results += self._position(item, context)
            results.append(_ambiguous(item) == (self.get("disambiguate") == "true"))
            match = self.get("match", "all")
            held = {"any": any(results), "none": not any(results)}.get(match, all(results))
            if not held:
                raise model.ConditionFailed
            return self.render_children(item, context=context, delimiter=delimiter, **kw)

        return render

    return hasattr(model, "ConditionFailed") and _replace(
        model, "If", "render", "disambiguate-condition", new
    )


def _ambiguous(item: Any) -> bool:
    """Whether another work of the same bibliography has the same authors."""
    try:
        bibliography = item.citation.bibliography
        mine = _authors(item.reference)
    except (AttributeError, KeyError, LookupError):
        return False
    if not mine:
        return False
    others = [bibliography.source[key] for key in bibliography.keys if key != item.key]
    return any(_authors(reference) == mine for reference in others)


def _authors(reference: Any) -> tuple[str, ...]:
    try:
        names = reference["author"]
    except LookupError:
        return ()
    except Exception:  # noqa: BLE001  (citeproc-py raises its own VariableError for a missing one)
        return ()
    return tuple(str(name.get("literal") or name.get("family") or "") for name in names)


# 5. Title case ------------------------------------------------------------------


def _title_case_stop_words(model: Any) -> bool:
    owner: Any = getattr(model, "TextCased", None)
    if owner is None or not isinstance(getattr(owner, "_stop_words", None), list):
        return False
    ORIGINALS["title-case-stop-words"] = [(owner, "_stop_words", owner._stop_words)]
    owner._stop_words = list(STOP_WORDS)
    return True


# 6. Substituted variables ----------------------------------------------------------

# The variables each cs:text renders while a substitute is being rendered: a stack,
# since a substitute may call a macro that holds another.
_RENDERED: list[list[tuple[str, str]]] = []


def _substituted_variables(model: Any) -> bool:
    text, substitute = getattr(model, "Text", None), getattr(model, "Substitute", None)
    if not (hasattr(text, "_variable") and hasattr(substitute, "add_to_repressed_list")):
        return False

    def new_variable(original: Any) -> Any:
        def _variable(self: Any, item: Any, context: Any) -> Any:
            result = original(self, item, context)
            if _RENDERED and result:
                _RENDERED[-1].append((self.tag, self.get("variable")))
            return result

        return _variable

    def new_render(original: Any) -> Any:
        def render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
            _RENDERED.append([])
            try:
                text = original(self, item, context=context, **kwargs)
            finally:
                rendered = _RENDERED.pop()
            if text and context is not None:
                repressed = context.get_layout().repressed
                for tag, variable in rendered:
                    repressed.setdefault(tag, []).append(variable)
            return text

        return render

    return _replace(model, "Text", "_variable", "substituted-variables", new_variable) and (
        _replace(model, "Substitute", "render", "substituted-variables", new_render)
    )


# 7. Sort keys --------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _sort_keys_plain_text(model: Any) -> bool:
    def new(original: Any) -> Any:
        def sort_keys(self: Any, items: Any, context: Any) -> Any:
            keys = original(self, items, context)
            if "macro" not in self.attrib:
                return keys
            return [None if k is None else html.unescape(_TAG.sub("", str(k))) for k in keys]

        return sort_keys

    return _replace(model, "Key", "sort_keys", "sort-keys-plain-text", new)


# 8. Locator equality --------------------------------------------------------------------


def _locator_equality(model: Any) -> bool:
    from citeproc import source

    owner = getattr(source, "Locator", None)
    if owner is None or owner.__eq__ is not object.__eq__:
        return False

    def __eq__(self: Any, other: object) -> bool:  # noqa: N807  (the method it defines)
        if not isinstance(other, owner):
            return NotImplemented
        return bool((self.label, self.identifier) == (other.label, other.identifier))

    ORIGINALS["locator-equality"] = [(owner, "__eq__", object.__eq__)]
    owner.__eq__ = __eq__
    owner.__hash__ = None
    return True
