"""Reporters: each renders one Result; none computes anything.

`table` and `json` are for people at a terminal and for programs; `markdown`, `html`, `docx` and
`pdf` are the department report (说明函), which carries a date of evaluation given by the caller
(results themselves are timestamp-free).
"""

from __future__ import annotations

import datetime
import importlib

DOCUMENT_FORMATS = ("markdown", "html", "docx", "pdf")
FORMATS = ("table", "json", *DOCUMENT_FORMATS)
BINARY_FORMATS = ("docx", "pdf")


def render(result, fmt: str, date: datetime.date | None = None) -> str | bytes:
    """`result` in format `fmt`: text, or bytes for the binary formats. Document formats need
    `date`, the date of evaluation printed in the title block."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    module = importlib.import_module(f".{fmt}", __name__)
    if fmt in DOCUMENT_FORMATS:
        if date is None:
            raise ValueError(f"the {fmt} report needs a date of evaluation")
        return module.render(result, date)
    return module.render(result)
