"""`jixiao migrate`: a jixiao-case/1 file rewritten as jixiao-case/2.

v1 is a subset of v2, so only the `format:` line changes; comments, order and text stay as they
are. The input must be a valid v1 case; the output is validated as v2 before it is returned.
"""

from __future__ import annotations

import re

from .case import FORMAT_V1, FORMAT_V2
from .errors import JixiaoError, Problem
from .load import Document, load_text
from .validate import validate

CASE_SCHEMA = "case.schema.json"
_FORMAT_LINE = re.compile(r"^(format[ \t]*:[ \t]*)(['\"]?)jixiao-case/1\2([ \t]*(?:#.*)?)$", re.MULTILINE)


def migrate_document(doc: Document) -> str:
    """The text of `doc` (a v1 case) as a v2 case."""
    validate(doc, CASE_SCHEMA)
    declared = doc.data.get("format")
    if declared != FORMAT_V1:
        raise JixiaoError([Problem(
            code="E-MIGRATE", stage="migrate", file=doc.path, field="format",
            message=f"案卷格式已是 {declared}，只有 {FORMAT_V1} 需要迁移 (the case is already {declared})",
        )])
    text, count = _FORMAT_LINE.subn(lambda m: f"{m.group(1)}{m.group(2)}{FORMAT_V2}{m.group(2)}{m.group(3)}",
                                    doc.text, count=1)
    if count != 1:
        raise JixiaoError([Problem(
            code="E-MIGRATE", stage="migrate", file=doc.path, field="format",
            message="找不到顶层的 “format: jixiao-case/1” 一行（写成了流式或多行写法），请手工改为 "
                    f"“format: {FORMAT_V2}” (no top-level block-style format line to rewrite)",
        )])
    migrated = load_text(text, doc.path)
    if migrated.data.get("format") != FORMAT_V2:
        raise JixiaoError([Problem(
            code="E-MIGRATE", stage="migrate", file=doc.path, field="format",
            message=f"改写后的 format 不是 {FORMAT_V2}，请手工改写 (the rewritten format line was not the document's)",
        )])
    validate(migrated, CASE_SCHEMA)
    return text
