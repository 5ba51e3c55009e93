"""JSON reporter: the Result as `schemas/result.schema.json` describes it.

Keys keep the Result's fixed order, non-ASCII text is written as is, decimals are strings, and
there are no timestamps: the same inputs give byte-identical output.

The text is exactly `json.dumps(data, ensure_ascii=False, indent=2)`. With an indent, the
standard library encodes in pure Python (its C encoder only does compact output), which took
~4 ms for one case; `_dump` writes the same text for the plain values a Result has (dicts with
str keys, lists, str, int, bool, None) with the C string encoder, and anything else goes to
json.dumps itself.
"""

from __future__ import annotations

import json

from ..result import Result

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
    else:
        raise _Other


def render(result: Result) -> str:
    return dumps(result.to_dict()) + "\n"
