"""Reading a plan written as JSON or YAML: parse safely, count what was parsed, then validate.

Both are parsed into plain data only (YAML with a safe loader, dates kept as text so that a
`2026-02-30` is a located bad-date rather than a crash), a key given twice is refused instead of
silently keeping the last, and every value is counted with YAML aliases expanded, which is what
stops a "billion laughs" document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml

from planchecker.common.model import Location, Plan
from planchecker.reading import cells, contract
from planchecker.reading.problem_sink import ProblemSink
from planchecker.reading.validation import field_name, validate

_NOTHING = object()
_LISTS = tuple(sheet.plan_field for sheet in contract.SHEETS if not sheet.form)
_WITH_IDS = tuple(sheet.plan_field for sheet in contract.SHEETS if sheet.column("id"))
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(ValueError):
    pass


class _PlanLoader(_BASE_LOADER):  # type: ignore[misc]
    """The safe loader, with dates left as text and a key given twice refused."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *defaults` may be overridden; that is what it is for
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # an unhashable key; the base class refuses it with its line
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"nyckeln {str(key)[:80]!r} förekommer två gånger",
                    key_node.start_mark)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", _BASE_LOADER.construct_yaml_str)


def _binary_as_text(loader: Any, node: Any) -> str:
    """`!!binary` as the text its bytes spell, so that it is cleaned and capped like any text
    (bytes would pass both and reach the plan as a str through pydantic's lax mode)."""
    data: bytes = loader.construct_yaml_binary(node)
    return data.decode("utf-8", errors="replace")


def _set_as_list(loader: Any, node: Any) -> list[Any]:
    """`!!set` as the list of its members, in order, so that they are counted and cleaned like
    any list (a set is neither a list nor a dict to the counter, and passed it unseen)."""
    return list(loader.construct_mapping(node))


_PlanLoader.add_constructor("tag:yaml.org,2002:binary", _binary_as_text)
_PlanLoader.add_constructor("tag:yaml.org,2002:set", _set_as_list)


def read_document(data: bytes, parse: Callable[[str, ProblemSink], Any], sink: ProblemSink
                  ) -> Plan | None:
    """The plan in a JSON or YAML file; `parse` is `parse_json` or `parse_yaml`."""
    text = _decode(data)
    if text is None:
        sink.add("bad-syntax", detail="filen är inte kodad i UTF-8")
        return None
    document = parse(text, sink)
    if document is _NOTHING or not _within_limits(document, sink):
        return None
    if not isinstance(document, dict):
        sink.add("bad-structure", detail="Planen ska vara ett objekt med nycklarna namnd, goals, "
                 "indicators, activities, risks, documents och waivers.")
        return None
    for name in _LISTS:
        items = document.get(name)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                item["location"] = Location(file=sink.file, sheet=name, row=index + 1)
    duplicates = _report_duplicates(document, sink)
    return validate(document, sink, _locate, skip_root=duplicates)


def _decode(data: bytes) -> str | None:
    # Notepad's "Unicode" is UTF-16 with a byte order mark; anything else must be UTF-8.
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def parse_json(text: str, sink: ProblemSink) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        where = f"rad {exc.lineno}, tecken {exc.colno}"
        sink.add("bad-syntax", detail=f"JSON-fel på {where} ({_swedish(exc.msg, _JSON_ERRORS)})")
    except _DuplicateKey as exc:
        sink.add("bad-syntax", detail=f"JSON-fel: {exc}")
    except RecursionError:
        sink.add("bad-syntax", detail="JSON-texten är för djupt nästlad")
    except ValueError:  # an integer of more than 4,300 digits
        sink.add("bad-syntax", detail="JSON-texten innehåller ett orimligt långt tal")
    return _NOTHING


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise _DuplicateKey(f"nyckeln {cells.clean_text(key)[:80]!r} förekommer två gånger")
        document[key] = value
    return document


def parse_yaml(text: str, sink: ProblemSink) -> Any:
    try:
        return yaml.load(text, Loader=_PlanLoader)  # a safe loader: plain data only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" på rad {mark.line + 1}, tecken {mark.column + 1}" if mark else ""
        sink.add("bad-syntax", detail=f"YAML-fel{where} "
                 f"({_swedish(exc.problem or '', _YAML_ERRORS)})")
    except Exception:  # noqa: BLE001 - PyYAML's constructors raise KeyError, ValueError, ...
        sink.add("bad-syntax", detail="YAML-texten kan inte tolkas")
    return _NOTHING


# The parsers' own messages are English; the common ones in Swedish, the rest by their kind.
_JSON_ERRORS = {
    "Expecting property name": "här ska ett namn inom citattecken stå; kanske ett komma för mycket",
    "Expecting ':'": "kolon saknas", "Expecting ','": "kommatecken saknas",
    "Expecting value": "ett värde saknas", "Unterminated string": "ett citattecken avslutas inte",
    "Invalid control character": "otillåtet styrtecken i en text",
    "Invalid \\escape": "ogiltig \\-sekvens i en text", "Extra data": "text efter planens slut",
}
_YAML_ERRORS = {
    "mapping values are not allowed": "ett kolon står där det inte får stå",
    "did not find expected key": "fel indrag",
    "did not find expected '-'": "fel indrag i en lista",
    "did not find expected ','": "en lista eller ett objekt avslutas inte",
    "cannot start any token": "ett tecken som inte får inleda ett värde (till exempel @ eller tab)",
    "undefined alias": "ett alias (*namn) som inte har definierats",
    "unexpected end of stream": "ett citattecken avslutas inte",
    "could not determine a constructor": "en tagg (!!) som inte tillåts; bara vanliga data läses",
    "unhashable key": "en nyckel som är en lista eller ett objekt",
    "second occurrence": "samma ankare (&namn) två gånger",
    "unknown escape character": "ogiltig \\-sekvens i en text",
    "förekommer två gånger": "",  # our own, already Swedish
}


def _swedish(problem: str, known: dict[str, str]) -> str:
    found = next((text for english, text in known.items() if english in problem), None)
    if found == "":
        return problem
    return found or "felaktig syntax"


def _within_limits(document: Any, sink: ProblemSink) -> bool:
    """Count values with YAML aliases expanded, and clean every text as the Excel reader does.

    A YAML alias shares one container between many places; each container is visited once and
    its expanded size computed from its children's, so a billion-laughs document costs what its
    text costs. An alias to itself (a container inside itself) has no finite size.
    """
    limits = sink.limits
    counter = _Counter(limits.max_text_length)
    size = counter.size(document)
    if size is None or size > limits.max_nodes:
        sink.add("hostile-content", detail=f"{sink.name} innehåller fler än {limits.max_nodes} "
                 "värden (eller YAML-alias som mångfaldigar innehållet).")
        return False
    if isinstance(document, str):
        counter.note(document)
    if counter.too_long:
        sink.add("bad-value", detail=f"En text i {sink.name} är {counter.too_long} tecken lång; "
                 f"högst {limits.max_text_length} tas emot.")
    return not counter.too_long


class _Counter:
    def __init__(self, max_length: int) -> None:
        self.max_length, self.too_long = max_length, 0
        self.sizes: dict[int, int] = {}  # id of a container -> values in it, expanded

    def note(self, text: str) -> None:
        if len(text) > self.max_length:
            self.too_long = max(self.too_long, len(text))

    def size(self, root: Any) -> int | None:
        """Values in `root` with shared containers counted each time; None for a cycle."""
        open_: set[int] = set()
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if not isinstance(node, dict | list) or (not done and id(node) in self.sizes):
                continue
            if done:
                self.sizes[id(node)] = 1 + sum(self.sizes.get(id(c), 1) for c in _values(node))
                open_.discard(id(node))
                continue
            if id(node) in open_:
                return None  # still open: it is its own ancestor
            open_.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in self._clean(node))
        return self.sizes.get(id(root), 1)

    def _clean(self, node: dict[Any, Any] | list[Any]) -> list[Any]:
        """Clean the texts of `node` in place; returns its containers."""
        containers = []
        keys = list(node) if isinstance(node, dict) else range(len(node))
        for key in keys:
            value = node[key]
            if isinstance(value, str):
                self.note(value)
                node[key] = cells.clean_text(value)
            elif isinstance(value, dict | list):
                containers.append(value)
        return containers


def _values(node: dict[Any, Any] | list[Any]) -> Any:
    return node.values() if isinstance(node, dict) else node


def _report_duplicates(document: dict[str, Any], sink: ProblemSink) -> bool:
    found = False
    for name in _WITH_IDS:
        first: dict[str, int] = {}
        items = document.get(name)
        for row, item in enumerate(items if isinstance(items, list) else [], start=1):
            if isinstance(item, dict) and item.get("id") is not None:
                key = cells.cell_text(item["id"])
                if first.setdefault(key, row) != row:
                    sink.add("duplicate-id", sheet=name, row=row, column="id", value=key,
                             first_row=first[key])
                    found = True
    return found


def _locate(loc: tuple[Any, ...]) -> dict[str, Any]:
    # Keys are the user's text too: clean them like values (a JSON "\ud800" cannot be printed).
    name = field_name(loc)
    return {
        "sheet": cells.clean_text(str(loc[0]))[:80] if loc else None,
        "row": loc[1] + 1 if len(loc) > 1 and isinstance(loc[1], int) else None,
        "column": cells.clean_text(name)[:80] if name else None,
    }
