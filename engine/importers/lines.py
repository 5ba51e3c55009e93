"""Text whose table cells are marked line by line -> Source.

What people paste or extract from the pages and attachments filings are published in:

* tab-separated rows (a table copied from a browser): one row per line;
* pipe tables (Markdown, or text converted from HTML): ``| 指标 | 分值 |``; separator lines
  (``|---|:--:|``) are skipped;
* one cell per line, each ended by " |" (what government pages give when their tables are
  extracted), or bare (a document mirror's text): the cells after a header are cut into rows by
  the header's width, and a new row starts early where a cell is a row-start label from
  `vocabulary.yaml` (产出指标, 数量指标, 其中, 合计 ...), since merged cells vanish in such text.
  Such rows are shorter than the header; the grid reader aligns them to the right and says so;
* run-on text (a long line of space-separated words holding a header): split at spaces into one
  cell per word, every cell flagged as a guess (`doubt`) so every figure goes to review.

Everything else is a paragraph (one cell), and "label" / "value" on two lines (项目名称 / …)
become one row of two cells.
"""

from __future__ import annotations

import re

from .grid import Cell, Row, Source, clean, squeeze
from .vocabulary import vocabulary

RUN_ON_MIN_CHARS = 120
MAX_CELL_LINES = 12  # lines of one cell between two bars (a criteria cell of numbered items); more is running text
WRAPPED_CELL_LINE = 12  # the lines of a cell wrapped in a narrow column are this short
RUN_ON_DOUBT = "从连写文本拆分"
STREAM_MIN_HEADER = 3
MAX_STREAM_CELL_CHARS = 400

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_NUMBERISH = re.compile(r"^[0-9０-９.,，%％\s-]+$")
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")


def _key(text: str) -> str:
    return _BRACKETED.sub("", squeeze(text)).rstrip("：:")


def _header_words() -> tuple[frozenset[str], frozenset[str]]:
    v = vocabulary()
    grid = frozenset(w for words in v["grid_columns"].values() for w in words)
    budget = frozenset(w for words in v["budget_columns"].values() for w in words)
    return grid, budget


def _row_starts() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    v = vocabulary()
    rs = v["row_starts"]
    other = set(rs["other"])
    for key in ("conclusion", "problems", "measures"):
        other.update(v["labels"][key])
    return frozenset(rs["level1"]), frozenset(rs["level2"]), frozenset(other)


def _pair_labels() -> frozenset[str]:
    labels = vocabulary()["labels"]
    out: set[str] = set()
    for key in ("unit", "project", "supervisor", "implementer", "year", "functions", "target_goal"):
        out.update(labels[key])
    out.add(labels["filing_unit"])
    return frozenset(out)


class _Item:
    __slots__ = ("kind", "text", "cells", "line", "doubt")

    def __init__(self, kind: str, line: int, text: str = "", cells: list[str] | None = None, doubt: str = ""):
        self.kind = kind  # "row" | "cell" (ended by " |") | "line" | "blank"
        self.text = text
        self.cells = cells
        self.line = line
        self.doubt = doubt


def _bar_separated(text: str) -> list[_Item] | None:
    """Cells separated by "|" where the lines do not hold rows: each cell on its own line ended
    by " |" or started by "| ", or separated by lines of "|" alone, a cell's text possibly over
    several lines. The text is cut at every "|" into one "cell" item per cell (a cell of spaces
    is an empty cell); None when the text is not written so (pipe tables keep one row per line)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 6:
        return None
    multi = sum(1 for line in lines if line.count("|") >= 2 and len(line.replace("|", "").strip()) > 0
                and line.strip().strip("|").count("|") >= 1)
    single = sum(1 for line in lines if line.count("|") == 1 or not line.replace("|", "").strip())
    if single < 6 or multi * 5 > len(lines) or single * 3 < len(lines):
        return None
    items: list[_Item] = []
    line_no = 1
    chunks = text.split("|")
    for k, chunk in enumerate(chunks):
        parts = [x for x in chunk.splitlines() if x.strip()]
        last = k == len(chunks) - 1
        if last or len(parts) > (4 if k == 0 else MAX_CELL_LINES):  # running text (before the first or after the last cell)
            items.extend(_Item("line", line_no, text=clean(x)) for x in parts)
        elif chunk.rstrip(" \t").endswith("\n") or all(len(clean(x)) <= WRAPPED_CELL_LINE for x in parts):
            # a bar on a line of its own ends the lines above it; short lines are a wrapped cell ("控制率")
            items.append(_Item("cell", line_no, text=clean("".join(clean(x) for x in parts))))
        else:  # lines of running text, then the cell the bar ends
            items.extend(_Item("line", line_no, text=clean(x)) for x in parts[:-1])
            items.append(_Item("cell", line_no, text=clean(parts[-1]) if parts else ""))
        line_no += chunk.count("\n")
    return items


def _paragraph_cells(text: str) -> list[_Item] | None:
    """One cell per paragraph (cells separated by empty lines, an empty cell written as a line of
    spaces), as some pages' text comes out; None when the text is not written so."""
    lines = text.splitlines()
    empty = sum(1 for line in lines if line == "")
    filled = sum(1 for line in lines if line.strip())
    if filled < 20 or empty < 0.6 * filled or "|" in text or "\t" in text:
        return None
    items: list[_Item] = []
    para: list[str] = []
    first = 1
    for number, line in enumerate([*lines, ""], start=1):
        if line == "":
            if para:
                joined = clean("".join(clean(x) for x in para))
                items.append(_Item("line" if joined else "cell", first, text=joined))
            para = []
            continue
        if not para:
            first = number
        para.append(line)
    return items


def _classify(text: str) -> list[_Item]:
    grid_words, budget_words = _header_words()
    separated = _bar_separated(text) or _paragraph_cells(text)
    if separated is not None:
        return separated
    items: list[_Item] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\u3000", " ").rstrip()
        stripped = line.strip()
        if not stripped:
            items.append(_Item("blank", number))
            continue
        if "\t" in stripped:
            items.append(_Item("row", number, cells=[clean(c) for c in raw.rstrip("\r\n").split("\t")]))
            continue
        pipes = stripped.count("|")
        if pipes >= 2 or (pipes == 1 and not stripped.endswith("|") and not stripped.startswith("|")):
            if _SEPARATOR.match(stripped):
                continue
            body = stripped
            if body.startswith("|"):
                body = body[1:]
            if body.endswith("|"):
                body = body[:-1]
            cells = [clean(c) for c in body.split("|")]
            trailing = len(cells) - len(_rstrip_empty(cells))
            if trailing >= 2:  # "| ||||||" padding of a mirror's table rows, not empty cells of the row
                cells = _rstrip_empty(cells)
            items.append(_Item("row", number, cells=cells))
            continue
        if pipes == 1 and stripped.endswith("|"):
            items.append(_Item("cell", number, text=clean(stripped[:-1])))
            continue
        if len(stripped) >= RUN_ON_MIN_CHARS and " " in stripped:
            words = stripped.split()
            hits = sum(1 for w in words if _key(w) in grid_words or _key(w) in budget_words)
            if hits >= STREAM_MIN_HEADER:
                items.extend(_run_on(words, number))
                continue
        items.append(_Item("line", number, text=stripped))
    return items


def _run_on(words: list[str], number: int) -> list[_Item]:
    """The words of a run-on line: the indicator table found in them by the shape of its rows
    (runon.py) as rows, its header first; everything else one word per item, as the streams
    below read it. Words between the table's rows that fit no row follow the table as text."""
    from .runon import find_rows

    found = find_rows(words)
    if found is None:
        return [_Item("line", number, text=w, doubt=RUN_ON_DOUBT) for w in words]
    out = [_Item("line", number, text=w, doubt=RUN_ON_DOUBT) for w in words[:found["start"]]]
    width = 3 + len(found["header"])
    out.append(_Item("row", number, cells=["一级指标", "二级指标", "三级指标", *found["header"]]))
    leftover: list[str] = []
    for item in found["items"]:
        if item[0] == "heading":
            cells = [""] * width
            cells[0 if item[1] == "level1" else 1] = item[2]
            out.append(_Item("row", number, cells=cells, doubt=RUN_ON_DOUBT))
        elif item[0] == "row":
            _kind, name, cells, doubt = item
            out.append(_Item("row", number, cells=["", "", name, *cells],
                             doubt=RUN_ON_DOUBT + (f"（{doubt}）" if doubt else "")))
        elif item[0] == "total":
            out.append(_Item("row", number, cells=item[1], doubt=RUN_ON_DOUBT))
        else:
            leftover.append(" ".join(item[1]))
    out.extend(_Item("line", number, text=t, doubt=RUN_ON_DOUBT) for t in leftover)
    out.extend(_Item("line", number, text=w, doubt=RUN_ON_DOUBT) for w in words[found["end"]:])
    return out


SPACE_DOUBT = "按空格拆分"
_POINTS_ONLY = re.compile(r"^[（(]\s*[0-9]+(?:\.[0-9]+)?\s*分\s*[)）]$")


def _space_rows(items: list[_Item], grid_words, budget_words) -> list[_Item]:
    """Lines whose cells are separated by spaces (text extracted from a page's table, one row per
    line): from a line of three or more header words on, each line is a row cut at its spaces,
    every cell flagged as a guess. Ends at a title, a footnote or a long line."""
    from .common import level_of, title_kind

    out: list[_Item] = []
    active = False
    k = 0
    while k < len(items):
        it = items[k]
        if it.kind == "line" and it.doubt != RUN_ON_DOUBT:  # run-on words were cut already (_run_on)
            words = it.text.split()
            heads = sum(1 for w in words if _is_header_word(w, grid_words, budget_words))
            if len(words) >= 3 and heads >= 3 and heads * 10 >= len(words) * 6:
                active = True
                k += 1
                if k < len(items) and items[k].kind == "line":
                    joined = _complete_header(words, items[k].text.split(), grid_words, budget_words)
                    if joined is not None:  # "年度 实际" above "指标值 完成值": a header over two lines
                        words = joined
                        k += 1
                out.append(_Item("row", it.line, cells=words))
                continue
            if active:
                one = Row(cells=(Cell(paras=(it.text,)),), table=None)
                if title_kind(one) or it.text.startswith(("注", "备注")) or len(it.text) > 150:
                    active = False
                elif _POINTS_ONLY.match(it.text.replace(" ", "")):
                    k += 1
                    continue
                else:
                    nxt = items[k + 1] if k + 1 < len(items) else None
                    if (nxt is not None and nxt.kind == "line" and len(words) == 1 and len(nxt.text.split()) == 1
                            and not level_of(it.text) and level_of(it.text + nxt.text)):
                        out.append(_Item("row", it.line, cells=[it.text + nxt.text]))  # "经济效益" / "指标"
                        k += 2
                        continue
                    out.append(_Item("row", it.line, cells=words, doubt=SPACE_DOUBT))
                    k += 1
                    continue
        out.append(it)
        k += 1
    return out


CUT_DOUBT = "表头与数据写在同一行，按表头切分成行"
_TIER_STARTS = ("level1", "level2", "name")


def _cut_at_headers(items: list[_Item]) -> list[_Item]:
    """A row of cells holding an indicator header in its middle (a page's table whose rows were
    run together: "… | 年度总体目标 | … | 绩效指标 | 年度指标值 | … | 一级指标 | 二级指标 | … |
    产出指标 | 数量指标 | 学生受资助人数 | ≧ | 735 | …") is cut into the cells before the header,
    the header (one row per tier: a run of column words that starts again with a level or name
    column is the tier under the one before, which `common.extend_header` joins), and the cells
    after it, the first data row, whose cells say they were cut so (review)."""
    from .common import GRID_COLUMNS, GRID_PREFIXES, column_role

    out: list[_Item] = []
    totals = frozenset(vocabulary()["labels"]["total_row"])
    for it in items:
        at = next((k for k, c in enumerate(it.cells or ()) if k and _key(c) in totals), None) \
            if it.kind == "row" else None
        if at is not None and not any(_is_header_word(c, *_header_words()) for c in it.cells):
            # "其他需要说明事项 | 无 | 总分 | 100 | 96": the 总分 row starts where its label stands
            out.append(_Item("row", it.line, cells=it.cells[:at], doubt=it.doubt))
            out.append(_Item("row", it.line, cells=it.cells[at:], doubt=it.doubt or CUT_DOUBT))
            continue
        if it.kind != "row" or not it.cells or len(it.cells) < STREAM_MIN_HEADER + 2:
            out.append(it)
            continue
        roles = [column_role(c, GRID_COLUMNS, GRID_PREFIXES) if c else None for c in it.cells]
        run = _longest_run(roles)
        if run is None:
            out.append(it)
            continue
        a, b = run
        if a == 1:  # one cell before the header is the label column merged down ("年度绩效目标1 (80分)")
            a = 0
        if (a == 0 and b == len(it.cells)) or (b < len(it.cells) and not any(
                re.search(r"[0-9]", c) for c in it.cells[b:])):
            out.append(it)  # the cells after the header hold no figure: header cells it does not know
            continue
        cut_roles = [r for r in roles[a:b] if r is not None]
        if not (set(cut_roles) & {"target", "actual", "weight", "score"}) or "name" not in cut_roles:
            out.append(it)
            continue
        if a:
            out.append(_Item("row", it.line, cells=it.cells[:a], doubt=it.doubt))
        tier = a
        for k in range(a + 1, b):
            if roles[k - 1] is not None and roles[k] in _TIER_STARTS and roles[k - 1] not in _TIER_STARTS and roles[k - 1] != "label" \
                    and roles[k] in roles[tier:k] + ["level1"]:
                out.append(_Item("row", it.line, cells=it.cells[tier:k], doubt=it.doubt))
                tier = k
        out.append(_Item("row", it.line, cells=it.cells[tier:b], doubt=it.doubt))
        if b < len(it.cells):
            out.append(_Item("row", it.line, cells=it.cells[b:], doubt=it.doubt or CUT_DOUBT))
    return out


JOIN_DOUBT = "一行的单元格分在几行文字中，按顺序并为一行"
_BARE = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
MAX_JOINED_CELL = 8


def _join_broken_rows(items: list[_Item]) -> list[_Item]:
    """A table row whose cells a page's text spread over several lines ("| 效益指标 | 经济效益指标 |
    减轻贫困学生家庭经济负担 |", "| 有效 |", "| 有效 | 10 | 10 |"): a row that names an indicator
    but ends without its 分值 and 得分 takes the rows after it that hold only short values (no
    name, no level heading, no label), until it ends in two numbers. Every cell of the joined row
    says so (review)."""
    from .common import level_of

    def ends_scored(cells: list[str]) -> bool:
        return len(cells) >= 2 and bool(_BARE.match(cells[-1])) and bool(_BARE.match(cells[-2]))

    qualitative = frozenset(vocabulary()["glued"]["qualitative"])

    def value_only(cells: list[str]) -> bool:
        """Cells that can only be values: figures, or words of a qualitative value (有效), no name."""
        filled = [c for c in cells if c]
        return bool(filled) and len(filled) <= 4 and all(
            len(c) <= MAX_JOINED_CELL and (re.search(r"[0-9%％]", c) or squeeze(c) in qualitative) for c in filled)

    out: list[_Item] = []
    k = 0
    while k < len(items):
        it = items[k]
        if it.kind == "row" and it.cells and not ends_scored(it.cells) and not any(_BARE.match(c) for c in it.cells) \
                and any(c and not _NUMBERISH.match(c) and not level_of(c) and len(c) > MAX_JOINED_CELL for c in it.cells):
            cells = list(it.cells)
            j = k + 1
            while j < len(items) and items[j].kind == "row" and value_only(items[j].cells) and not ends_scored(cells):
                cells += [c for c in items[j].cells if c]
                j += 1
            if j > k + 1 and ends_scored(cells):
                out.append(_Item("row", it.line, cells=cells, doubt=it.doubt or JOIN_DOUBT))
                k = j
                continue
        out.append(it)
        k += 1
    return out


NUMBERED_DOUBT = "一行的单元格分在几行文字中，按序号并为一行"


def _numbered_rows(items: list[_Item]) -> list[_Item]:
    """A table whose header starts with a 序号 column (`index_columns`) and whose rows run over
    several lines of text ("1 | 规划 (15分) |", "基础信息 (3分) | 基础信息 完整性 | 3 | … |",
    "3 |"): its header is every line up to the row numbered 1, and a row is every line from
    the one starting with the next number (2 after 1: a line "3 |" after row 1 is its 得分) to
    the next; the 序号 cells are dropped. Each joined row's cells say so (review)."""
    index_words = frozenset(_key(w) for w in vocabulary().get("index_columns", []))
    out: list[_Item] = []
    k = 0
    while k < len(items):
        it = items[k]
        if not (it.kind == "row" and it.cells and _key(it.cells[0]) in index_words):
            out.append(it)
            k += 1
            continue
        header = list(it.cells[1:])
        j = k + 1
        while j < len(items) and items[j].kind in ("row", "cell") and _first(items[j]) != "1":
            header += _cells_of(items[j])
            j += 1
        if j >= len(items) or _first(items[j]) != "1":
            out.append(it)
            k += 1
            continue
        out.append(_Item("row", it.line, cells=[c for c in header if c]))
        number = 1
        row: list[str] = []
        line = items[j].line
        while j < len(items) and items[j].kind in ("row", "cell", "line"):
            cur = items[j]
            if cur.kind == "line" and title_of(cur.text):
                break
            if _first(cur) == str(number) and cur.kind != "line":
                if row:
                    out.append(_Item("row", line, cells=_rstrip_empty(row) if any(row) else row, doubt=NUMBERED_DOUBT))
                row = _cells_of(cur)[1:]
                line = cur.line
                number += 1
            elif cur.kind == "line":  # text without "|" after a cell ended by one: the next cell
                row.append(cur.text)
            else:
                row += _cells_of(cur)
            j += 1
        if row:
            out.append(_Item("row", line, cells=_rstrip_empty(row), doubt=NUMBERED_DOUBT))
        k = j
    return out


def title_of(text: str) -> bool:
    from .common import title_kind

    return bool(title_kind(Row(cells=(Cell(paras=(text,)),), table=None)))


def _first(item: _Item) -> str:
    cells = _cells_of(item)
    return _key(cells[0]) if cells else ""


def _cells_of(item: _Item) -> list[str]:
    return list(item.cells) if item.kind == "row" else [item.text]


def _longest_run(roles: list[str | None]) -> tuple[int, int] | None:
    """(start, end) of the longest run of at least STREAM_MIN_HEADER cells that are column words."""
    best = None
    k = 0
    while k < len(roles):
        if roles[k] is None:
            k += 1
            continue
        j = k
        while j < len(roles) and roles[j] is not None:
            j += 1
        if j - k >= STREAM_MIN_HEADER and (best is None or j - k > best[1] - best[0]):
            best = (k, j)
        k = j
    return best


def _complete_header(words: list[str], below: list[str], grid_words, budget_words) -> list[str] | None:
    """The header line's words with the line below joined in, when each word below completes the
    next word of the header line that is no header word by itself ("年度" + "指标值"); else None."""
    gaps = [i for i, w in enumerate(words) if not _is_header_word(w, grid_words, budget_words)]
    if not below or len(below) > len(gaps):
        return None
    out = list(words)
    k = 0
    for w in below:
        while k < len(gaps) and not _is_header_word(words[gaps[k]] + w, grid_words, budget_words):
            k += 1
        if k == len(gaps):
            return None
        out[gaps[k]] = words[gaps[k]] + w
        k += 1
    return out


def _join_split_headers(items: list[_Item], grid_words, budget_words) -> list[_Item]:
    """A header cell written over two lines ("年度" / "指标值", "全年" / "执行数"), or a level
    heading ("经济效益" / "指标"), as one cell."""
    from .common import level_of

    out: list[_Item] = []
    k = 0
    while k < len(items):
        it = items[k]
        three = items[k:k + 3]
        if len(three) == 3 and all(x.kind in ("line", "cell") and len(x.text) <= 6 for x in three) \
                and not _is_header_word(three[1].text, grid_words, budget_words) \
                and _is_header_word("".join(x.text for x in three), grid_words, budget_words):
            # "偏差原因" / "分析及" / "改进措施": one header cell over three lines
            out.append(_Item(it.kind, it.line, text="".join(x.text for x in three), doubt=it.doubt))
            k += 3
            continue
        if k + 1 < len(items) and it.kind in ("line", "cell") and items[k + 1].kind in ("line", "cell") \
                and len(it.text) <= 6 and not _is_header_word(it.text, grid_words, budget_words) \
                and ((len(it.text) <= 4 and _is_header_word(it.text + items[k + 1].text, grid_words, budget_words))
                     or (not level_of(it.text) and level_of(it.text + items[k + 1].text))):
            out.append(_Item(it.kind, it.line, text=it.text + items[k + 1].text, doubt=it.doubt))
            k += 2
            continue
        out.append(it)
        k += 1
    return out


def _rstrip_empty(cells: list[str]) -> list[str]:
    end = len(cells)
    while end > 1 and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _is_header_word(text: str, grid_words, budget_words) -> str | None:
    key = _key(text)
    if not key:
        return None
    if key in grid_words:
        return "grid"
    if key in budget_words:
        return "budget"
    return None


def _header_run(items: list[_Item], i: int, grid_words, budget_words) -> tuple[int, bool]:
    """(length, is_budget) of the run of header cells starting at items[i] (0 if none)."""
    j = i
    kinds = []
    while j < len(items) and items[j].kind in ("cell", "line"):
        kind = _is_header_word(items[j].text, grid_words, budget_words)
        if kind is None:
            # A label column header ("项目资金（万元）", "绩效指标") may precede the run.
            if j == i and len(items[j].text) <= 14 and any(w in items[j].text for w in ("万元", "资金", "预算", "元）")):
                j += 1
                kinds.append("lead")
                continue
            break
        kinds.append(kind)
        j += 1
    words = [k for k in kinds if k != "lead"]
    if len(words) < STREAM_MIN_HEADER:
        return 0, False
    return j - i, words.count("budget") > words.count("grid")


class _Builder:
    def __init__(self, name: str) -> None:
        self.source = Source(path=name, kind="text")
        self.table = -1
        self.row_in_table = 0

    def new_table(self) -> None:
        self.table += 1
        self.row_in_table = 0

    def row(self, texts: list[tuple[str, int, str]]) -> None:
        """A table row from (text, line, doubt) per cell."""
        self.row_in_table += 1
        t, r = self.table, self.row_in_table
        cells = tuple(
            Cell(paras=(text,), where=f"第 {line} 行", pos=(None, t + 1, r, c + 1), doubt=doubt)
            for c, (text, line, doubt) in enumerate(texts)
        )
        line = texts[0][1] if texts else 0
        self.source.rows.append(Row(cells=cells, table=t, where=f"第 {line} 行", pos=(None, t + 1, r, None)))

    def para(self, texts: list[tuple[str, int, str]]) -> None:
        line = texts[0][1]
        cells = tuple(Cell(paras=(text,), where=f"第 {ln} 行", doubt=doubt) for text, ln, doubt in texts)
        self.source.rows.append(Row(cells=cells, table=None, where=f"第 {line} 行"))


#: A pinyin gloss a mirror site inserted after a character ("衛(wèi)片"): not the filing's text.
_GLOSS = re.compile(r"[（(](?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,6}[)）]")


def parse_lines(text: str, name: str = "<text>") -> Source:
    grid_words, budget_words = _header_words()
    glosses = len(_GLOSS.findall(text))
    if glosses:
        text = _GLOSS.sub("", text)
    from .glued import parse_glued

    glued = parse_glued(text, name)  # a table whose cells lost every separator
    if glued is not None:
        if glosses:
            glued.notes.append(f"删去了转载网站在汉字后加注的 {glosses} 处拼音（如“衛(wèi)”），它们不是原文")
        return glued
    level1, level2, other = _row_starts()
    pair_labels = _pair_labels()
    items = _space_rows(_join_split_headers(_classify(text), grid_words, budget_words), grid_words, budget_words)
    items = _numbered_rows(_join_broken_rows(_cut_at_headers(items)))
    b = _Builder(name)
    i = 0
    in_rows = False  # inside a run of "row" items (a table)
    while i < len(items):
        item = items[i]
        if item.kind == "row":
            if not in_rows:
                b.new_table()
                in_rows = True
                header = _headerless(items, i, grid_words, budget_words)
                if header is not None:  # rows of a table whose header is not in the text
                    family, columns = header
                    b.row([(c, item.line, "") for c in columns])
                    j = i
                    while j < len(items) and items[j].kind in ("row", "blank"):
                        if items[j].kind == "row":
                            items[j] = _Item("row", items[j].line, cells=items[j].cells,
                                             doubt=f"表头不在文本中，按{family}式列序推断")
                        j += 1
                    item = items[i]
            b.row([(c, item.line, item.doubt) for c in item.cells])
            i += 1
            continue
        if item.kind == "blank":
            i += 1
            continue
        in_rows = False
        length, is_budget = _header_run(items, i, grid_words, budget_words)
        if length:
            i = _stream(items, i, length, is_budget, b, (level1, level2, other), grid_words, budget_words)
            continue
        goal = _goal_rows(items, i)
        if goal:
            b.new_table()
            for cells in goal:
                b.row([(it.text, it.line, it.doubt) for it in cells])
            i += sum(len(c) for c in goal)
            continue
        if item.kind in ("line", "cell") and _key(item.text) in pair_labels and i + 1 < len(items) \
                and items[i + 1].kind in ("line", "cell") and _key(items[i + 1].text) not in pair_labels:
            nxt = items[i + 1]
            b.para([(item.text, item.line, item.doubt), (nxt.text, nxt.line, nxt.doubt)])
            i += 2
            continue
        if item.text:
            b.para([(item.text, item.line, item.doubt)])
        i += 1
    if glosses:
        b.source.notes.append(f"删去了转载网站在汉字后加注的 {glosses} 处拼音（如“衛(wèi)”），它们不是原文")
    return b.source


def _stream(items, i, length, is_budget, b: _Builder, starts, grid_words, budget_words) -> int:
    """Cut the cells after a header run into rows; returns the index after the stream.

    A row is as wide as the header less its label columns (绩效指标, merged down every row), less
    the level columns that vanished because they were merged: a row starting with a level-1 label
    has them all, one starting with a level-2 label lacks the level-1 cell, one starting with
    anything else lacks both. A blank line inside the stream is an empty cell."""
    from .common import GRID_COLUMNS, GRID_PREFIXES, column_role, title_kind

    level1, level2, other = starts
    b.new_table()
    header = items[i:i + length]
    b.row([(it.text, it.line, it.doubt) for it in header])
    roles = [column_role(it.text, GRID_COLUMNS, GRID_PREFIXES) for it in header]
    width = length - (0 if is_budget else roles.count("label"))
    levels = 0 if is_budget else sum(1 for r in roles if r in ("level1", "level2"))
    j = i + length
    row: list[_Item] = []
    expected = width
    after_total = False

    def is_level1(key: str, at: int | None = None) -> bool:
        """A level-1 label; a word that is both (成本指标) only when a level-2 word follows it."""
        if not (key in level1 or _points_stripped(key) in level1):
            return False
        if key in level2 or _points_stripped(key) in level2:
            nxt = items[at + 1] if at is not None and at + 1 < len(items) else None
            return nxt is not None and _key(nxt.text) in level2
        return True

    def flush() -> None:
        # A row shorter than expected lost cells that were empty (a blank 偏差原因 has no line of
        # its own in such text): the missing ones are taken to be its last cells.
        nonlocal row
        if row:
            cells = [(it.text, it.line, it.doubt) for it in row]
            if len(cells) < expected and not is_budget:
                cells += [("", row[-1].line, row[-1].doubt)] * (expected - len(cells))
            b.row(cells)
        row = []

    while j < len(items):
        it = items[j]
        if it.kind == "row":
            break
        if it.kind != "blank":
            if _header_run(items, j, grid_words, budget_words)[0]:
                break
            one = Row(cells=(Cell(paras=(it.text,)),), table=None)
            if title_kind(one) or _key(it.text).startswith(tuple(vocabulary()["labels"]["footer"])):
                break
            if _key(it.text) in _pair_labels() or _goal_rows(items, j):
                break
            if len(it.text) > MAX_STREAM_CELL_CHARS or (after_total and not row and len(it.text) > 40):
                break
        key = _key(it.text)
        starts_row = it.kind != "blank" and (
            is_level1(key, j)
            or (key in level2 and not (len(row) == 1 and is_level1(_key(row[0].text))))
            or key in other or key.startswith("其中") or (bool(key) and key[0] in "★☆")
        )
        if is_budget and row and it.kind != "blank" and not _NUMBERISH.match(it.text or "0") \
                and any(_NUMBERISH.match(x.text or "x") for x in row):
            starts_row = True
        if (not is_budget and it.doubt == RUN_ON_DOUBT and len(row) >= 4 and it.text
                and not _NUMBERISH.match(it.text) and all(_NUMBERISH.match(x.text or "x") for x in row[-2:])
                and _key(it.text) not in NO_REASON and not _ends_row(items, j + 1)):
            # run-on text has no empty cells: after 分值 and 得分 a text starts the next row, unless it
            # is the last cell before the next row starts (then it is this row's 偏差原因)
            starts_row = True
        if (not is_budget and not starts_row and len(row) >= 4 and it.kind != "blank" and it.text
                and not _NUMBERISH.match(it.text) and all(_NUMBERISH.match(x.text or "x") for x in row[-2:])
                and _key(it.text) not in NO_REASON and _row_follows(items, j + 1)):
            # a cell-per-line stream drops an empty 偏差原因: a text followed by a row's values and
            # two numbers is the next row's name, not this row's reason
            starts_row = True
        if row and (starts_row or len(row) >= expected):
            flush()
            after_total = False
        if not row and not is_budget and not (it.text if it.kind != "blank" else ""):
            # empty cells before a row's first text: its merged level cells, which `expected`
            # already leaves out (a page pads rows with a varying number of them)
            j += 1
            continue
        if not row:
            if is_budget or levels == 0 or is_level1(key, j):
                expected = width
            elif key in level2:
                expected = width - (levels - 1)
            else:
                expected = width - levels
            after_total = key in vocabulary()["labels"]["total_row"]
        row.append(it if it.kind != "blank" else _Item("cell", it.line, text=""))
        j += 1
    flush()
    return j


def _row_follows(items, k: int) -> bool:
    """Whether items[k:] hold a row's two values then its 分值 and 得分 (two plain numbers)."""
    nxt = items[k:k + 4]
    return (len(nxt) == 4 and all(x.kind in ("line", "cell") and x.text for x in nxt)
            and all(_NUMBERISH.match(x.text) and len(x.text) <= 5 for x in nxt[2:]))


NO_REASON = frozenset({"无", "/", "-", "—", "——", "暂无", "无偏差", "不适用"})


def _ends_row(items, k: int) -> bool:
    """Whether items[k] starts a new row or ends the text (so the cell before it ends a row)."""
    from .common import level_of

    if k >= len(items):
        return True
    key = _key(items[k].text)
    return bool(level_of(items[k].text)) or key in vocabulary()["labels"]["total_row"] or key.startswith("其中")


_COMPARATOR_CELL = re.compile(r"^(?:[≥≤=＝<>＜＞≧≦﹦]|>=|<=)$")


def _headerless(items, i, grid_words, budget_words) -> tuple[str, list[str]] | None:
    """(family, header) when the table of rows starting at items[i] has no header row but its
    rows have the signs of a layout in vocabulary.yaml's `headerless` (a 指标性质 cell of a
    comparator alone, followed by a number: Sichuan's columns)."""
    rows = []
    j = i
    while j < len(items) and items[j].kind in ("row", "blank"):
        if items[j].kind == "row":
            rows.append(items[j].cells)
        j += 1
    if any(sum(1 for c in cells if _is_header_word(c, grid_words, budget_words)) >= 3 for cells in rows):
        return None
    for entry in vocabulary().get("headerless", []):
        signed = 0
        for cells in rows:
            for k in range(len(cells) - 1):
                if _COMPARATOR_CELL.match(squeeze(cells[k])) and _NUMBERISH.match(cells[k + 1] or "x"):
                    signed += 1
                    break
        if signed >= entry["min_rows"]:
            return entry["family"], list(entry["columns"])
    return None


def _goal_rows(items, i) -> list[list[_Item]] | None:
    """[年度总体目标] 预期目标 | 实际完成情况 followed by the two texts: two rows."""
    labels = vocabulary()["labels"]
    k = i
    lead = []
    if k < len(items) and _key(items[k].text) in labels["target_goal"]:
        lead = [items[k]]
        k += 1
    if k + 3 < len(items) + 0 and _key(items[k].text) in labels["goal_expected"] \
            and _key(items[k + 1].text) in labels["goal_actual"] \
            and all(items[x].kind in ("line", "cell") for x in (k, k + 1, k + 2, k + 3)):
        return [lead + [items[k], items[k + 1]], [items[k + 2], items[k + 3]]]
    return None


def _points_stripped(key: str) -> str:
    return re.sub(r"\d+(?:\.\d+)?分?$", "", key)
