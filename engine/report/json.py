"""JSON reporter: the Result as `schemas/result.schema.json` describes it.

Keys keep the Result's fixed order, non-ASCII text is written as is, decimals are strings, and
there are no timestamps: the same inputs give byte-identical output.

The text is exactly `json.dumps(data, ensure_ascii=False, indent=2)`. With an indent, the
standard library encodes in pure Python (its C encoder only does compact output), which took
~4 ms for one case; `_dump` writes the same text for the plain values a Result has (dicts with
str keys, lists, str, int, bool, None) with the C string encoder, and anything else goes to
json.dumps itself.

The ledger entries and findings (most of a result: ~30 and ~25 per case) are written as text
straight from their objects (`_ledger_text`, `_finding_text`) instead of through a dict each and
`_dump`'s recursion: the same keys in the same order (`LedgerEntry.to_dict`, `Finding.to_dict`)
at their fixed depth. A value of a type these writers do not expect makes the whole result go
through `to_dict` and `json.dumps`, as before. `tests/test_fast_paths.py` compares both.
"""

from __future__ import annotations

import json

from ..result import Finding, LedgerEntry, Result, _s

_string = json.encoder.encode_basestring  # json.dumps(s, ensure_ascii=False) for a str


class _Other(Exception):
    """A value _dump does not write: let json.dumps do it all."""


def dumps(data) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=2)`, faster for plain data."""
    out: list[str] = []
    try:
        _dump(data, "\n", out)
    except _Other:
        return json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(out)


def _dump(value, newline: str, out: list[str]) -> None:
    """`newline` is "\\n" plus the current indentation."""
    if isinstance(value, str):
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        out.append("[")
        separator = inner
        for item in value:
            out.append(separator)
            separator = "," + inner
            _dump(item, inner, out)
        out.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        out.append("{")
        separator = inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Other
            cls = item.__class__
            if cls is str:  # the common leaves inline: one append each
                out.append(f"{separator}{_string(key)}: {_string(item)}")
            elif item is None:
                out.append(f"{separator}{_string(key)}: null")
            elif cls is int:
                out.append(f"{separator}{_string(key)}: {int.__repr__(item)}")
            else:
                out.append(f"{separator}{_string(key)}: ")
                _dump(item, inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif value.__class__ is _Raw:
        out.append(value.text)
    else:
        raise _Other


class _Raw:
    """A list item already written as JSON text (at the list's depth): `_dump` appends it as is."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def _v(value) -> str:
    """A scalar as _dump writes it; anything else is left to json.dumps."""
    cls = value.__class__
    if cls is str:
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if cls is int:
        return int.__repr__(value)
    raise _Other


def _pairs(pairs: tuple, newline: str) -> str:
    """{k: v for k, v in pairs} as _dump writes it at `newline` (the dict's own line start)."""
    mapping = dict(pairs)  # as the comprehension: a repeated name keeps its first place, its last value
    if not mapping:
        return "{}"
    inner = newline + "  "
    items = []
    for key, value in mapping.items():
        if key.__class__ is not str:
            raise _Other
        items.append(f"{inner}{_string(key)}: {_v(value)}")
    return "{" + ",".join(items) + newline + "}"


# An item of the ledger and findings lists starts at "\n" + 4 spaces; its keys at 6, the mappings
# inside it (inputs, numbers) at 8.
_ITEM = "\n    "
_KEY = ",\n      "


def _ledger_text(e: LedgerEntry, p: int) -> _Raw:
    judged = e.outcome == "judged"
    text = (
        f'{{\n      "section": {_v(e.section)}{_KEY}"row": {_v(e.row)}{_KEY}"item": {_v(e.item)}'
        f'{_KEY}"kind": {_v(e.kind)}{_KEY}"rule": {_v(e.rule)}{_KEY}"rule_title": {_v(e.rule_title)}'
        f'{_KEY}"method": {_v(e.method)}'
        f'{_KEY}"weight": {"null" if judged else _v(_s(e.weight, p))}'
        f'{_KEY}"points": {"null" if judged else _v(_s(e.points, p))}'
        f'{_KEY}"deduction": {"null" if judged else _v(_s(e.deduction, p))}'
        f'{_KEY}"self_score": {_v(_s(e.self_score))}'
        f'{_KEY}"inputs": {_pairs(e.inputs, _ITEM + "  ")}'
        f'{_KEY}"formula": {_v(e.formula)}{_KEY}"explanation": {_v(e.explanation)}'
        f'{_KEY}"citation": {_v(e.citation)}{_KEY}"outcome": {_v(e.outcome)}'
    )
    if judged:
        text += f'{_KEY}"verdict": {_v(e.verdict)}{_KEY}"ratio": {_v(_s(e.ratio))}'
    return _Raw(text + _ITEM + "}")


def _finding_text(f: Finding) -> _Raw:
    text = (
        f'{{\n      "rule": {_v(f.rule)}{_KEY}"severity": {_v(f.severity)}{_KEY}"passed": {_v(f.passed)}'
        f'{_KEY}"title": {_v(f.title)}{_KEY}"subject": {_v(f.subject)}{_KEY}"row": {_v(f.row)}'
        f'{_KEY}"numbers": {_pairs(f.numbers, _ITEM + "  ")}'
        f'{_KEY}"message": {_v(f.message)}{_KEY}"citation": {_v(f.citation)}'
    )
    if f.fix:
        text += f'{_KEY}"fix": {_v(f.fix)}'
    return _Raw(text + _ITEM + "}")


def render(result: Result) -> str:
    try:
        p = result.places
        data = result.shaped([_ledger_text(e, p) for e in result.ledger], [_finding_text(f) for f in result.findings])
        out: list[str] = []
        _dump(data, "\n", out)
    except _Other:
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return "".join(out) + "\n"
