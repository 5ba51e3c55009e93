"""Indicator rows a self-evaluation report states in its sentences, for a filing without a table.

A report published without its 自评表 often says each indicator in a sentence under its level
heading:

    1、产出数量指标:第一,资助接受托养服务人次数年初指标值为不低于105人,全年实际完成值116人。…
    数量指标:年度免费开放服务天360天,指标完成率100%;…
    4、社会效益指标:残疾人康复服务水平有所提高;…

`stated_rows` reads such sentences by the words of vocabulary.yaml's `stated:` (the words that
introduce a target, an actual, a completion rate; the level headings of `row_starts`) into a table
(header, heading rows, rows) that `common.py` reads like any other. Nothing is scored from it that
the report did not state, and every cell carries a doubt quoting the sentence it was read from,
so each figure goes to review. Used only when the filing holds no indicator table.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .grid import Cell, Row, Source, squeeze
from .vocabulary import vocabulary

STATED_DOUBT = "从自评报告的文字中读出"
MIN_ROWS = 2
MAX_NAME = 40
MAX_QUOTE = 60
HEADER = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "完成率")
_OUTLINE = re.compile(r"^\s*(?:[0-9]+\s*[、.．]|[（(][0-9一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+\s*、)\s*")
_ORDINAL = re.compile(r"^(?:第[一二三四五六七八九十]+|其[一二三四五六七八九十]+|[0-9]+[)）]|[（(][0-9]+[)）])[,，、:：]?")


@lru_cache(maxsize=1)
def _lex() -> dict:
    v = vocabulary()
    s = v["stated"]
    level1 = sorted(set(v["row_starts"]["level1"]) & set(s["level1"]), key=len, reverse=True)  # 满意度指标
    level2 = sorted({w for w in v["row_starts"]["level2"] if w.endswith("指标")}, key=len, reverse=True)
    alt = lambda words: "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # noqa: E731
    value = (r"(?:" + alt(v["glued"]["comparators"]) + r")?\s*[0-9]+(?:\.[0-9]+)?\s*(?:[%％]|[^\s,，;；。0-9]{1,4})?")
    implied = {l2: l1 for l1, words in s["implied_level1"].items() for l2 in words}
    return {
        "level1": level1, "level2": level2, "implied": implied,
        "heading": re.compile(r"^(?P<l1>" + alt(s["level1"]) + r")?(?P<l2>" + alt(level2) + r")?"
                              r"(?:完成情况)?\s*[:：]?\s*"),
        # name 年初指标值为 target , [全年实际完成值(为)] actual
        "target_actual": re.compile(
            r"^(?P<name>.{2," + str(MAX_NAME) + r"}?)(?:" + alt(s["target"]) + r")(?:为|是)?\s*(?P<target>[^,，;；。]+)"
            r"[,，]\s*(?:(?:" + alt(s["actual"]) + r")(?:为|是)?\s*)?(?P<actual>[^,，;；。]+)"),
        # name actual , 指标完成率 completion
        "actual_completion": re.compile(
            r"^(?P<name>.{2," + str(MAX_NAME) + r"}?)(?P<actual>" + value + r"|(?:" + alt(v["glued"]["qualitative"])
            + r"){1,2})\s*[,，]\s*(?:" + alt(s["completion"]) + r")(?:为|是|达)?\s*(?P<completion>[0-9]+(?:\.[0-9]+)?\s*[%％])$"),
        # name + a qualitative ending (有所提高), only under a level heading
        "qualitative": re.compile(r"^(?P<name>.{2," + str(MAX_NAME) + r"}?)(?P<actual>" + alt(s["qualitative_endings"]) + r")$"),
    }


def _level_of_heading(text: str) -> tuple[str | None, str | None, int]:
    """(level-1 word, level-2 word, length) of the level heading `text` starts with."""
    m = _lex()["heading"].match(text)
    if not m or not (m.group("l1") or m.group("l2")):
        return None, None, 0
    if not re.search(r"[:：]|完成情况$", m.group(0)) and m.end() < len(text):
        return None, None, 0  # a heading ends in ":" or is the whole line ("产出指标完成情况")
    l1 = m.group("l1")
    l2 = m.group("l2")
    if l1 and not l1.endswith("指标"):
        l1 += "指标"
    if l2 in _lex()["level1"] and not l1:
        l1, l2 = l2, None  # 满意度指标: the block
    return l1, l2, m.end()


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[。；;]", text) if c.strip()]


def stated_rows(lines: list[tuple[str, str]]) -> list[tuple[str, tuple]]:
    """The items stated in the report's lines ((text, where) in order): ("heading", (level,
    word)) and ("row", (name, target, actual, completion, quote, where))."""
    lex = _lex()
    items: list[tuple[str, tuple]] = []
    block = None
    for raw, where in lines:
        text = _OUTLINE.sub("", raw.strip())
        l1, l2, at = _level_of_heading(text)
        under_heading = bool(l1 or l2)
        if l2 and not l1:
            l1 = lex["implied"].get(l2)  # 社会效益指标 belongs to 效益指标 (the national outline)
        if l1 and l1 != block:
            items.append(("heading", ("level1", l1)))
            block = l1
        if l2:
            items.append(("heading", ("level2", l2)))
        for clause in _clauses(text[at:]):
            for part in re.split(r"(?=第[一二三四五六七八九十]+[,，、])", clause):
                part = _ORDINAL.sub("", part.strip()).strip()
                if not part:
                    continue
                quote = part[:MAX_QUOTE]
                m = lex["target_actual"].match(part)
                if m:
                    items.append(("row", (m["name"], m["target"].strip(), m["actual"].strip(), "", quote, where)))
                    continue
                m = lex["actual_completion"].match(part)
                if m:
                    items.append(("row", (m["name"], "", m["actual"].strip(), m["completion"], quote, where)))
                    continue
                m = lex["qualitative"].match(part) if under_heading else None
                if m and not re.search(r"[0-9]", part):
                    items.append(("row", (m["name"], "", m["actual"], "", quote, where)))
    return items


def with_stated_rows(source: Source) -> Source:
    """The source with the indicator rows its report states appended as a table, when it holds
    no indicator table of its own and its paragraphs state at least MIN_ROWS rows."""
    from .common import GRID_COLUMNS, GRID_PREFIXES, _is_grid_header, _match_columns

    if any(r.table is not None and _is_grid_header(_match_columns(r, GRID_COLUMNS, GRID_PREFIXES))
           for r in source.rows):
        return source
    lines = [(c.text, c.where or r.where) for r in source.rows if r.table is None for c in r.filled]
    items = stated_rows(lines)
    if sum(1 for kind, _ in items if kind == "row") < MIN_ROWS:
        return source
    table = 1 + max((r.table for r in source.rows if r.table is not None), default=-1)
    rows: list[Row] = []

    def add(texts: list[str], where: str, doubt: str = "") -> None:
        n = len(rows) + 1
        cells = tuple(Cell(paras=(t,), where=where, pos=(None, table + 1, n, c + 1), doubt=doubt if t else "")
                      for c, t in enumerate(texts))
        rows.append(Row(cells=cells, table=table, where=where, pos=(None, table + 1, n, None)))

    first = next((w for kind, it in items if kind == "row" for w in [it[5]]), "")
    add(list(HEADER), first)
    for kind, it in items:
        if kind == "heading":
            level, word = it
            add([word, "", "", "", "", ""] if level == "level1" else ["", word, "", "", "", ""], first)
        else:
            name, target, actual, completion, quote, where = it
            add(["", "", name, target, actual, completion], where, f"{STATED_DOUBT}：“{quote}”")
    source.notes.append("文件中没有指标表，指标行按自评报告的文字读出，每一格都需核对")
    return Source(path=source.path, kind=source.kind, rows=rows + list(source.rows), notes=source.notes,
                  via=source.via, ocr=source.ocr)
