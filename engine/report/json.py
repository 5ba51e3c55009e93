"""JSON reporter: the Result as `schemas/result.schema.json` describes it.

Keys keep the Result's fixed order, non-ASCII text is written as is, decimals are strings, and
there are no timestamps: the same inputs give byte-identical output.
"""

from __future__ import annotations

import json

from ..result import Result


def render(result: Result) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
