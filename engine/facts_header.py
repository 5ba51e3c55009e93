"""What the filing's header and the name it was published under say (`header` facts): a 单位 cell
written blank, and years in the titles other than the case's year.

The reading only; what counts as a defect is the pack's (JX-F04, JX-F05). Kept apart from
facts_checks.py so that the row and sum facts there and these header facts change independently."""

from __future__ import annotations

import re
from typing import Callable

from .case import Case
from .facts import Fact

# A year as a title writes it: "2022年度", "2022 年", "(2023年度)"; four digits 19xx/20xx then 年.
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年")

# The titles a filing carries, where each is in the case, and what it is called in a message.
_TITLES = (("published_title", "公开时的文件名或标题"), ("self_evaluation.title", "自评表标题"),
           ("report.title", "自评报告标题"))


def title_years(text: str) -> list[int]:
    """The years a title names, each followed by 年, in order, without repeats: "2022年度…（2023年规划）"
    -> [2022, 2023]. A span "2021—2023年" reads as 2023 alone (its first year has no 年 after it)."""
    out: list[int] = []
    for m in _YEAR.finditer(text or ""):
        year = int(m.group(1))
        if year not in out:
            out.append(year)
    return out


def _at(data: dict, path: str) -> str:
    node = data
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return str(node or "").strip()


def header_facts(case: Case, ids: Callable[[], int]) -> list[Fact]:
    """One fact for the table's 单位 cell, when the case transcribes it (v2 `self_evaluation.unit`
    present: `unit_cell_blank`; a case whose header was not stored leaves the key out, and a case
    whose `review:` list names the cell did not read it: nothing is said), and one per title naming a year (`titles_other_year`: none of the years it names is
    the case's year; no fact without a case year)."""
    out = []
    se = case.data.get("self_evaluation") or {}
    # a review item on the cell (the importer's "没有找到预算部门名称") means it was not read, not blank
    doubted = any(item.field.strip() == "self_evaluation.unit" for item in case.review)
    if "unit" in se and not doubted:
        fid = ids()
        out.append(Fact(kind="header", id=fid, section="", item="单位",
                        fields={"kind": "header", "id": fid, "unit_cell_blank": not str(se.get("unit") or "").strip()},
                        describe={"name": "单位", "text": str(se.get("unit") or "")}))
    if case.year is None:
        return out
    for path, where in _TITLES:
        text = _at(case.data, path)
        years = title_years(text)
        if not years:
            continue
        fid = ids()
        out.append(Fact(kind="header", id=fid, section="", item=where,
                        fields={"kind": "header", "id": fid, "titles_other_year": case.year not in years},
                        describe={"name": where, "text": text, "year": str(case.year),
                                  "title_years": "、".join(f"{y} 年" for y in years)}))
    return out
