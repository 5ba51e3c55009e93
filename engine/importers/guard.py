"""`jixiao score FILE` given a filing (a workbook, a Word file, a PDF, a web page ...) instead of a
case file: a clear message saying to import it first, not "save the file as UTF-8"."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import JixiaoError

CASE_SUFFIXES = (".yaml", ".yml")


def refuse_filing(path: str) -> None:
    suffix = Path(path).suffix.lower()
    if suffix in CASE_SUFFIXES:
        return
    from .formats import pick
    from .safeio import read_input

    try:
        if not os.path.isfile(path):
            return  # missing files, devices ...: the loader's own message
        head = read_input(path)[:8192] if os.path.getsize(path) <= 8192 else _head(path)
    except (JixiaoError, OSError):
        return
    fmt = pick(head, suffix)
    if fmt.kind == "text" and suffix not in (".txt", ".md", ".tsv", ".csv", ".text"):
        return  # a YAML case under another name: let the loader read it
    raise JixiaoError.single(
        "E-NOT-A-CASE",
        f"这是{fmt.label}，不是案卷文件（YAML）；请先导入：jixiao import {Path(path).name} -o case.yaml，"
        "核对 review 后再评分 (this is a filing, not a case file: import it first)",
        stage="load", file=path, hint=f"jixiao import {path} -o case.yaml && jixiao score case.yaml",
    )


def _head(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(8192)
