"""Rows of an indicator table found in run-on text by the shape of their cells.

Text extracted from a spreadsheet or a PDF by some mirrors is one long line of words separated
by single spaces, the cells of a table in reading order with the empty ones gone:

    … 指标值 完成值 … 分值 得分 … 指标6:举办健康教育宣传咨询活动 12次 96次 1 1 指标7:建立预防接种证 221人 221人 2 2 …

The header's column words (`grid_columns` of vocabulary.yaml) give the shape of a row: after the
name, one cell per value column (指标性质 a comparator, 计量单位 a unit, 指标值 / 完成值 a value),
then 分值 and 得分 as plain numbers. A row is a name (one to a few words that are not values)
followed by exactly that run of cells; a level heading (产出指标, 数量指标 …) standing before a
name is a heading row. Where the names of several rows come first and their cells after them
("指标24:… 指标25:… 14例 14例 2 2 24694人 22584人 2 1.7", a wrapped cell pushed the names
together), names numbered "指标N" are paired with the runs of cells in order and say so.
Every cell keeps the run-on doubt (each figure goes to review); the words between the rows that
fit no row are returned so the caller keeps them as text (a person is asked about them).

A column of free text (偏差原因) cannot be told from the next row's name in such text: it is
not read into the rows (its words stay between them, as text).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from .grid import squeeze
from .vocabulary import vocabulary

MAX_NAME_WORDS = 3
MIN_ROWS = 2
NO_REASON = frozenset({"无", "/", "-", "—", "——", "暂无", "无偏差", "不适用", "无偏差无"})
HEADER_GAP = 2  # words between two column words of one header
MIN_TEXT_VALUE = 2  # a value written in words ("达成预期指标") is at least this long
INTERLEAVED_DOUBT = "行名与数字在文本中交错，按“指标N”的次序配对"
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")
_ROW_NUMBER = re.compile(r"^指标\s*[0-9０-９]+\s*[:：.．、]")
_PLAIN = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
#: the roles a run-on row holds after its name, in the order the header gives them
SHAPE_ROLES = ("comparator", "target", "unit", "actual", "weight", "score")
#: a 偏差原因 column is read only where it can be told from the next row's name (`_reason`)


@lru_cache(maxsize=1)
def _lex() -> dict:
    v = vocabulary()
    g = v["glued"]
    roles: dict[str, str] = {}
    for role, words in v["grid_columns"].items():
        for w in words:
            roles.setdefault(_key(w), role)
    budget = {_key(w) for words in v["budget_columns"].values() for w in words}
    comparators = sorted(set(g["comparators"]) | set(v["direction_words"]) | {"═", "﹦"}, key=len, reverse=True)
    units = sorted(set(g["units"]), key=len, reverse=True)
    number = r"[0-9]+(?:\.[0-9]+)?"
    value = re.compile(
        "^(?:" + "|".join(re.escape(c) for c in comparators) + r")?\s*" + number
        + r"(?:\s*[-~～至]\s*" + number + ")?"
        + "(?:" + "|".join(re.escape(u) for u in units) + r"|[\u4e00-\u9fff]{1,3})?(?:以上|以下|以内)?$")  # 百分比, 万
    return {
        "roles": roles, "budget": budget,
        "comparators": frozenset(comparators), "units": frozenset(units),
        "value": value, "qualitative": frozenset(g["qualitative"]),
        "level1": frozenset(v["row_starts"]["level1"]), "level2": frozenset(v["row_starts"]["level2"]),
        "total": frozenset(v["labels"]["total_row"]),
    }


def _key(text: str) -> str:
    return _BRACKETED.sub("", squeeze(text)).rstrip("：:")


def shape(words: list[str]) -> tuple[int, list[tuple[str, str]]] | None:
    """(index of the first header word, [(role, header word)]) of the indicator header the words
    hold: the roles of SHAPE_ROLES in the order their first words appear, from the first word
    that only an indicator header has (a level, name or value column, not a budget column).
    None when the words name no value column or no 分值/得分."""
    lex = _lex()
    start = None
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for k, w in enumerate(words):
        key = _key(w)
        role = lex["roles"].get(key)
        if role is None:
            continue
        if start is None:
            # the header starts at a column word only an indicator header has, with another
            # within the next words (not at a lone label such as the goal's 实际完成情况)
            if key in lex["budget"] or not any(
                    lex["roles"].get(_key(x), "label") != "label" and _key(x) not in lex["budget"]
                    for x in words[k + 1:k + 1 + HEADER_GAP]):
                continue
            start = k
        if role in SHAPE_ROLES and role not in seen:
            seen.add(role)
            out.append((role, w))
    if start is None or not ({"target", "actual"} & seen) or not ({"weight", "score"} & seen):
        return None
    reason = next((w for w in words[start:] if lex["roles"].get(_key(w)) == "reason"), None)
    if reason is not None:
        out.append(("reason", reason))
    return start, out


def _is_value(word: str) -> bool:
    lex = _lex()
    return bool(lex["value"].match(word)) or word in lex["qualitative"]


def _fits(role: str, word: str, loose: bool = False) -> bool:
    lex = _lex()
    if role == "comparator":
        return word in lex["comparators"]
    if role == "unit":
        return word in lex["units"]
    if role in ("weight", "score"):
        return bool(_PLAIN.match(word))
    return _is_value(word) or (loose and _text_value(word))


def _text_value(word: str) -> bool:
    """A value written in words ("严格执行相关制度规定"): text, no heading, label or column word."""
    lex = _lex()
    key = _key(word)
    return (len(key) >= MIN_TEXT_VALUE and not re.search(r"[0-9]", key) and not _heading(word)
            and key not in lex["roles"] and key not in lex["total"] and not _ROW_NUMBER.match(word))


def _cells_at(words: list[str], k: int, roles: list[str]) -> tuple[list[str], int] | None:
    """The row's cells starting at words[k] (`_cells`): values of the value's shape, or, where no
    row of such values starts here or at the next word, values written in words."""
    got = _cells(words, k, roles)
    if got is None and _cells(words, k + 1, roles) is None:
        got = _cells(words, k, roles, loose=True)
    return got


def _cells(words: list[str], k: int, roles: list[str], loose: bool = False) -> tuple[list[str], int] | None:
    """The row's cells (after its name) starting at words[k], a unit written apart from its number
    ("不少于12 种") joined to it; (cells, index after them) or None."""
    lex = _lex()
    cells: list[str] = []
    for role in roles:
        if role == "reason":  # only where it can be told from the next row's name (see _reason)
            if _reason(words, k):
                cells.append(words[k])
                k += 1
            else:
                cells.append("")
            continue
        if k >= len(words) or not _fits(role, words[k], loose):
            return None
        cell = words[k]
        k += 1
        if role in ("target", "actual") and "unit" not in roles and k < len(words) and words[k] in lex["units"] \
                and re.search(r"[0-9]$", cell):
            cell += words[k]
            k += 1
        cells.append(cell)
    weight = score = None
    if "weight" in roles:
        weight = Decimal(cells[roles.index("weight")])
    if "score" in roles:
        score = Decimal(cells[roles.index("score")])
    if (weight is not None and weight > 100) or (score is not None and score > 100):
        return None
    if weight is not None and score is not None and score > weight:
        return None
    return cells, k


def _reason(words: list[str], k: int) -> bool:
    """Whether words[k], after a row's 得分, is the row's 偏差原因 cell: a word that says there is
    none ("无", "/"), or a text after which a heading, the 总分 row or the end follows."""
    if k >= len(words):
        return False
    w = words[k]
    if _key(w) in NO_REASON:
        return True
    if _is_value(w) or _heading(w) or _ROW_NUMBER.match(w) or _key(w) in _lex()["roles"] or _key(w) in _lex()["total"]:
        return False
    nxt = words[k + 1] if k + 1 < len(words) else None
    return nxt is None or bool(_heading(nxt)) or _key(nxt) in _lex()["total"]


def _heading(word: str) -> str | None:
    lex = _lex()
    key = re.sub(r"[（(]?[0-9]+(?:\.[0-9]+)?分[)）]?$", "", _key(word))
    if key in lex["level2"] and key not in lex["level1"]:
        return "level2"
    if key in lex["level1"] and key not in lex["level2"]:
        return "level1"
    if key in lex["level1"]:
        return "level1" if key != _key(word) else "level2"
    return None


def find_rows(words: list[str]) -> dict | None:
    """The indicator table in a run-on line's words: {"start": index of its header's first word,
    "end": index after its last row, "header": [header words], "items": [("row", name, cells,
    doubt) | ("heading", level, word) | ("text", words) | ("total", [label, figures…])]}; None when fewer than MIN_ROWS rows fit."""
    found = shape(words)
    if found is None:
        return None
    start, cols = found
    roles = [r for r, _w in cols]
    lex = _lex()
    items: list[tuple] = []
    pending: list[str] = []  # words not yet placed (a name, a heading, or text)
    rows = 0
    end = k = start
    while k < len(words):
        w = words[k]
        if _key(w) in lex["total"]:  # the 总分 row: its label and its figures end the table
            figures = []
            j = k + 1
            while j < len(words) and len(figures) < len({"weight", "score"} & set(roles)) and _PLAIN.match(words[j]):
                figures.append(words[j])
                j += 1
            if rows >= MIN_ROWS:
                items.extend(_text_and_headings(pending))
                pending = []
                items.append(("total", [w, *figures]))
                end = j
            break
        got = _cells_at(words, k, roles) if pending else None
        if got is None:
            pending.append(w)
            k += 1
            continue
        runs = [got]
        while True:  # more runs of cells straight after (names given first, then their cells)
            more = _cells(words, runs[-1][1], roles)
            if more is None:
                break
            runs.append(more)
        placed = _place(pending, [cells for cells, _after in runs])
        if placed is None:
            pending.append(w)
            k += 1
            continue
        before, named = placed
        after = runs[len(named) - 1][1]
        items.extend(_text_and_headings(before))
        for name, cells_, doubt in named:
            items.append(("row", name, cells_, doubt))
            rows += 1
        pending = []
        k = end = after
    if rows < MIN_ROWS:
        return None
    return {"start": start, "end": end, "header": [w for _r, w in cols], "roles": roles, "items": items}


def _place(pending: list[str], runs: list[list[str]]) -> tuple[list[str], list[tuple[str, list[str], str]]] | None:
    """(words before the names, [(name, cells, doubt)]) for the names among `pending` (the words
    before the runs of cells), or None when they hold no name for them."""
    # names numbered "指标N" among the words: each starts a name
    numbered = [i for i, w in enumerate(pending) if _ROW_NUMBER.match(w)]
    if len(runs) > 1:
        if len(numbered) < len(runs):
            runs = runs[:1] if not numbered else runs[:len(numbered)]
        if len(runs) > 1:
            first = numbered[-len(runs)]
            starts = [i for i in numbered if i >= first]
            names = []
            for a, b in zip(starts, [*starts[1:], len(pending)]):
                part = pending[a:b]
                if len(part) > MAX_NAME_WORDS or any(_is_value(x) or _heading(x) for x in part):
                    return None
                names.append("".join(part))
            return pending[:first], [(n, c, INTERLEAVED_DOUBT) for n, c in zip(names, runs)]
    # one row: its name is the last words before the cells, from a numbered name or a heading on
    name_start = len(pending)
    while name_start > 0 and len(pending) - name_start < MAX_NAME_WORDS:
        w = pending[name_start - 1]
        if _is_value(w) or _heading(w) or _key(w) in _lex()["roles"]:
            break
        name_start -= 1
        if _ROW_NUMBER.match(w):
            break
    if name_start == len(pending):
        return None
    return pending[:name_start], [("".join(pending[name_start:]), runs[0], "")]


def _text_and_headings(words: list[str]) -> list[tuple]:
    out: list[tuple] = []
    text: list[str] = []
    for k, w in enumerate(words):
        level = _heading(w)
        if level == "level2" and _key(w) in _lex()["level1"] and k + 1 < len(words) and _heading(words[k + 1]) == "level2":
            level = "level1"  # 满意度指标 | 服务对象满意度指标: the first is the block
        if level:
            if text:
                out.append(("text", text))
                text = []
            out.append(("heading", level, w))
        else:
            text.append(w)
    if text:
        out.append(("text", text))
    return out
