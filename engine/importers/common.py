"""Source (rows of cells) -> case data: the one place that knows the forms' layout.

Every importer (text, docx, xlsx) produces a `grid.Source`; `build_case` reads it top to bottom
and fills the three parts of a case (`schemas/case.schema.json`). Rows are recognised by their
labels, never by their position on the page, so the same code reads a text copy (merged cells
empty, horizontal merges collapsed) and a real grid (merged cells flagged, grid columns known):

* titles ("…绩效目标表", "…绩效自评表", "…自评报告") switch between the three parts;
* label rows: 部门名称 / 预算部门名称, 填报单位, 资金总额, 按收入性质分 | 按支出性质分 and the
  money rows under them, 部门职能, 整体绩效目标, 年度总体目标 | 预期目标 | 实际完成情况, the footer
  "填表人… 联系电话… 填报日期…";
* header rows, recognised cell by cell through `GRID_COLUMNS` / `BUDGET_COLUMNS`, so the column
  order does not matter: the national `年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因`, weight
  before target, `权重` for `分值`, a separate `指标性质` (comparator) and `度量单位` column,
  `调整后预算数` for `全年预算数`; a header split over two rows is joined;
* indicator rows: an empty 一级 / 二级 cell (merged, or left blank) continues the group above;
  a level-1 cell's stated weight "(50分)" becomes `points`.

Whatever is not certain goes to the review list with the reason and where it was read: unknown
units and other notes of `engine.values.parse_value`, rows without weight or score, cells that
are not numbers, unrecognised rows and columns, parts of the case not found in the file.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..errors import JixiaoError, format_path, tr
from ..load import MAX_ABS_NUMBER
from ..values import parse_value
from .grid import Cell, Row, Source, clean, squeeze
from .narrative import Figures, Line, parse_date, read_report
from .vocabulary import action_for, cell_notation, columns, ocr_damage, vocabulary

FORMAT = "jixiao-case/2"
FORMAT_V1 = "jixiao-case/1"

# --------------------------------------------------------------------------------------------
# Vocabulary (keys are matched without whitespace and without bracketed notes such as "（A）")
# --------------------------------------------------------------------------------------------

_V = vocabulary()
_L = _V["labels"]
TITLE_MAX_CHARS = _V["titles"]["max_chars"]
REPORT_TITLE_WORDS = tuple(_V["titles"]["report"])
TARGET_TITLE_WORDS = tuple(_V["titles"]["target"])
SELF_TITLE_WORDS = tuple(_V["titles"]["self"])
FORM_WORDS = {word: form for word, form in _V["form_words"]}  # first match wins

UNIT_LABELS = tuple(_L["unit"])
FILING_UNIT_LABEL = _L["filing_unit"]
PROJECT_LABELS, SUPERVISOR_LABELS, IMPLEMENTER_LABELS, CATEGORY_LABELS = (
    tuple(_L[k]) for k in ("project", "supervisor", "implementer", "project_category"))
TOP_LABELS = PROJECT_LABELS + SUPERVISOR_LABELS + IMPLEMENTER_LABELS + CATEGORY_LABELS
FORMS = ("department", "project")  # what --form may say
SEAL_MARKS = tuple(_L["seal_marks"])
YEAR_LABELS = tuple(_L["year"])
TOTAL_FUNDS_LABEL = _L["total_funds"]
INCOME_SPLIT, SPENDING_SPLIT = _L["income_split"], _L["spending_split"]
OF_WHICH = re.compile(r"^其中\s*[：:，,]?\s*")
FUNDING_ROW_NAMES = frozenset(_L["funding_rows"])  # sources of funds under the budget row
FUNCTIONS_LABELS = tuple(_L["functions"])
TARGET_GOAL_LABELS = tuple(_L["target_goal"])
GOAL_EXPECTED, GOAL_ACTUAL = tuple(_L["goal_expected"]), tuple(_L["goal_actual"])
TOTAL_ROW_LABELS = tuple(_L["total_row"])
CLOSING_LABELS = {"conclusion": tuple(_L["conclusion"]), "problems": tuple(_L["problems"]),
                  "measures": tuple(_L["measures"])}
FOOTER_FIELDS = dict(_L["footer"])

GRID_COLUMNS: dict[str, tuple[str, ...]] = columns("grid_columns")
GRID_PREFIXES = dict(_V["grid_prefixes"])
BUDGET_COLUMNS: dict[str, tuple[str, ...]] = columns("budget_columns")

#: What a 指标性质 cell may hold besides a comparator parse_value understands.
DIRECTION_WORDS = dict(_V["direction_words"])
CORE_MARKS = tuple(_V["core_marks"])
CORE_YES = frozenset(_V["core_yes"])
PLACEHOLDERS = tuple(_V["placeholders"])
#: Optional v2 row columns copied as written.
EXTRA_ROLES = ("adjusted_target", "coefficient", "explanation", "criteria", "completion")

_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")
_POINTS = re.compile(
    r"^(?P<name>.*?)\s*(?:[（(]\s*(?P<p1>[0-9]+(?:\.[0-9]+)?)\s*分?\s*[）)]|(?P<p2>[0-9]+(?:\.[0-9]+)?)\s*分)\s*$"
)
_BARE_NUMBER = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?$")
_PERIOD = re.compile(r"^[（(]\s*(?P<period>(?P<year>[0-9]{4})\s*年度?)\s*[）)]$")
YEAR_RANGE = (1900, 2200)  # as schemas/case.schema.json and `jixiao import --year`
_YEAR_IN_TITLE = re.compile(r"(?P<year>[0-9]{4})\s*年")


_OUTLINE_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）])\s*\S")


def untitled_report(source: Source) -> bool:
    """Whether a source with no title of any part reads as the body of a report: at least
    `titles.untitled_report.min_headings` short outline headings ("一、基本情况", "（一）项目概况")
    and one of its words (vocabulary.yaml)."""
    rule = _V["titles"]["untitled_report"]
    headings, worded = 0, False
    for row in source.rows:
        for cell in row.filled:
            for line in cell.text.split("\n"):
                line = line.strip()
                if _OUTLINE_HEADING.match(line) and len(line) <= rule["heading_max_chars"]:
                    headings += 1
                worded = worded or any(w in line for w in rule["words"])
    return headings >= rule["min_headings"] and worded


def title_kind(row: Row) -> str | None:
    """"report", "target" or "self" when the row is the title of that part, else None."""
    filled = row.filled
    if len(filled) != 1:
        return None
    key = filled[0].key
    if len(key) > TITLE_MAX_CHARS:
        return None
    if any(w in key for w in REPORT_TITLE_WORDS):
        return "report"
    if any(w in key for w in TARGET_TITLE_WORDS):
        return "target"
    if any(w in key for w in SELF_TITLE_WORDS) and key.endswith("表"):
        return "self"
    return None


def is_footer(row: Row) -> bool:
    """"填表人：… 联系电话：… 填报日期：…", on one line or spread over label | value cells."""
    filled = row.filled
    return bool(filled) and any(filled[0].key.startswith(label) for label in FOOTER_FIELDS)


def is_structural(row: Row) -> bool:
    """A title, header, label or total row: never the value row of a header above it."""
    if title_kind(row) or is_footer(row):
        return True
    filled = row.filled
    if filled and filled[0].key in TOTAL_ROW_LABELS:
        return True
    keys = [c.key for c in row.cells]
    if any(k.startswith((INCOME_SPLIT, SPENDING_SPLIT, TOTAL_FUNDS_LABEL)) for k in keys):
        return True
    if any(header_key(k) in GOAL_EXPECTED for k in keys):
        return True
    if _is_grid_header(_match_columns(row, GRID_COLUMNS, GRID_PREFIXES)):
        return True
    if _is_budget_header(_match_columns(row, BUDGET_COLUMNS)):
        return True
    labels = UNIT_LABELS + FUNCTIONS_LABELS + TARGET_GOAL_LABELS + YEAR_LABELS
    return bool(filled) and any(filled[0].key in (label, label + "：", label + ":") for label in labels)


def header_key(text: str) -> str:
    return _BRACKETED.sub("", squeeze(text)).rstrip("：:")


def column_role(text: str, vocabulary: dict[str, tuple[str, ...]], prefixes: dict[str, str] | None = None) -> str | None:
    key = header_key(text)
    if not key:
        return None
    for role, words in vocabulary.items():
        if key in words:
            return role
    for prefix, role in (prefixes or {}).items():
        if key.startswith(prefix):
            return role
    if key.endswith("年度绩效指标") and "label" in vocabulary:
        return "label"
    return None


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    case: dict
    review: list[dict]
    figures: Figures | None
    source: Source
    found: dict = field(default_factory=dict)  # what was read, for the summary


@dataclass
class _Columns:
    """A header row: the role of each of its cells."""

    row: Row
    roles: dict[str, int]  # role -> index in row.cells
    unknown: list[Cell]

    def cell_for(self, row: Row, role: str, aligned: list[Cell | None] | None) -> Cell | None:
        index = self.roles.get(role)
        if index is None:
            return None
        if aligned is not None:
            return aligned[index]
        head = self.row.cells[index]
        for cell in row.cells:
            if cell.col == head.col:
                return cell
        return None

    def align(self, row: Row) -> tuple[list[Cell | None] | None, bool]:
        """How `row` maps onto the header: (cells by header index or None for grid lookup, exact)."""
        if row.has_grid and self.row.has_grid:
            return None, True
        n, m = len(row.cells), len(self.row.cells)
        if n == m:
            return list(row.cells), True
        if n < m:
            return [None] * (m - n) + list(row.cells), False
        return list(row.cells[n - m:]), False


def _match_columns(row: Row, vocabulary, prefixes=None) -> _Columns:
    roles: dict[str, int] = {}
    unknown: list[Cell] = []
    for i, cell in enumerate(row.cells):
        role = column_role(cell.text, vocabulary, prefixes)
        if role and role not in roles:
            roles[role] = i
        elif not cell.empty and role is None:
            unknown.append(cell)
    return _Columns(row, roles, unknown)


_LEVEL1 = frozenset(_V["row_starts"]["level1"])
_LEVEL2 = frozenset(_V["row_starts"]["level2"])
_UNIT_WORD = re.compile(r"^[^\d\s]{1,4}$")
_QUALITATIVE = frozenset(_V["glued"]["qualitative"]) - frozenset(_V["glued"]["units"])  # 有效, 好: a value, not a unit
_COMPARATOR_ONLY = re.compile(r"^(?:[≥≤=＝<>＜＞≧≦]|>=|<=|大于等于|小于等于|等于|不低于|不高于|不少于|不超过|正向|反向|定性|定量)$")


def level_of(text: str) -> str | None:
    """"level1" / "level2" when `text` is a level heading of the indicator grid (vocabulary.yaml's
    row_starts; "(50分)" and spaces ignored); a word that can be both (成本指标) counts as level 2."""
    points = bool(re.search(r"[0-9]\s*分\s*[)）]?\s*$", squeeze(text)))
    key = header_key(text)
    key = re.sub(r"[0-9]+(?:\.[0-9]+)?分$", "", key)
    if key in _LEVEL2 and key in _LEVEL1:  # 满意度指标, 成本指标: a level-1 heading carries its points
        return "level1" if points else "level2"
    if key in _LEVEL2:
        return "level2"
    if key in _LEVEL1:
        return "level1"
    return None


def _fit(role: str, cell: Cell, prev: Cell | None = None) -> int:
    """How well a cell's text fits a column role (for rows whose merged cells vanished); `prev`,
    the cell before it: a number right after a 指标性质 cell ("=" | "100") is the 指标值."""
    text = cell.text
    if not text:
        return 0
    if prev is not None and _COMPARATOR_ONLY.match(squeeze(prev.text)) and role in ("target", "weight", "score"):
        return 5 if role == "target" else -4
    bare = bool(_BARE_NUMBER.match(squeeze(text).replace(",", "")))
    unit_only = bool(_UNIT_WORD.match(squeeze(text))) and not _COMPARATOR_ONLY.match(squeeze(text)) \
        and squeeze(text) not in _QUALITATIVE
    if role == "weight":
        return 3 if bare else -4
    if role == "score":  # a lone number after the values is more often the weight (unfilled forms)
        return 2 if bare else -4
    if role == "name":  # the first text of a row is its indicator's name
        return -4 if bare or level_of(text) else 4
    if role in ("target", "actual", "adjusted_target"):
        return -3 if unit_only and len(squeeze(text)) <= 3 else (1 if bare else 2)
    if role == "comparator":
        return 3 if _COMPARATOR_ONLY.match(squeeze(text)) else -4
    if role == "unit":
        return 4 if unit_only else -4
    if role == "coefficient":
        return 2 if bare or squeeze(text).endswith(("%", "％")) else -3
    if role == "core":
        return 3 if squeeze(text) in CORE_YES or squeeze(text) in ("否", "×") else -4
    if role in ("reason", "explanation", "criteria", "measures"):
        return -1 if bare else 1
    return -2


def _fit_all(aligned: list[Cell | None], cols: _Columns) -> int:
    """How well an alignment of a row's cells fits the header's columns (see `_fit`)."""
    total = 0
    for role, i in cols.roles.items():
        cell = aligned[i] if i < len(aligned) else None
        if cell is None or cell.empty:
            continue
        if role in ("level1", "level2"):
            total += 2 if level_of(cell.text) == role else -3
        elif role != "label":
            total += _fit(role, cell)
    return total


def align_by_content(row: Row, cols: _Columns) -> list[Cell | None] | None:
    """Cells of a text row shorter than its header, placed by what they hold: leading level
    headings by the vocabulary, the rest in order, each to the column its text fits best
    (numbers to 分值/得分, values with units to 指标值/完成值 ...). None when it cannot be placed."""
    order = sorted(cols.roles.items(), key=lambda kv: kv[1])
    cells = list(row.cells)
    while cells and cells[-1].empty:
        cells.pop()
    out: list[Cell | None] = [None] * len(cols.row.cells)
    k = 0
    roles = [(r, i) for r, i in order if r != "label"]
    for level in ("level1", "level2"):
        if level in cols.roles and k < len(cells) and level_of(cells[k].text) == level:
            out[cols.roles[level]] = cells[k]
            k += 1
        elif level == "level1" and "level1" in cols.roles and k < len(cells) and level_of(cells[k].text) == "level2" \
                and k + 1 < len(cells) and level_of(cells[k + 1].text) == "level2":
            out[cols.roles["level1"]] = cells[k]  # 成本指标 | 经济成本指标: the first is level 1
            k += 1
    rest = [(r, i) for r, i in roles if r not in ("level1", "level2")]
    todo = cells[k:]
    n, m = len(todo), len(rest)
    if n > m:
        return None
    # best[i][j]: best fit placing the first i cells into the first j roles, in order
    neg = -10**9
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    take = [[False] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        best[0][j] = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            skip = best[i][j - 1]
            prev = todo[i - 2] if i >= 2 else None
            use = best[i - 1][j - 1] + _fit(rest[j - 1][0], todo[i - 1], prev) if best[i - 1][j - 1] > neg else neg
            if use > skip:  # on a tie the cell goes to the earlier column (指标值 before 完成值)
                best[i][j], take[i][j] = use, True
            else:
                best[i][j] = skip
    if best[n][m] <= neg:
        return None
    i, j = n, m
    while i > 0:
        if take[i][j]:
            out[rest[j - 1][1]] = todo[i - 1]
            i -= 1
        j -= 1
    return out


def _is_grid_header(cols: _Columns) -> bool:
    return "name" in cols.roles and bool({"level1", "level2", "target"} & cols.roles.keys())


def _is_budget_header(cols: _Columns) -> bool:
    return len({"initial", "full_year", "executed"} & cols.roles.keys()) >= 2


def _join_rows(first: Row, second: Row) -> Row | None:
    """A header written over two rows, joined cell by cell; None if the rows do not line up."""
    if first.has_grid and second.has_grid:
        below = {c.col: c for c in second.cells}
        cells = tuple(
            Cell(paras=c.paras + (below[c.col].paras if c.col in below and not below[c.col].merged else ()),
                 col=c.col, span=c.span, where=c.where, pos=c.pos, doubt=c.doubt)
            for c in first.cells
        )
    elif len(first.cells) == len(second.cells):
        cells = tuple(Cell(paras=a.paras + b.paras, col=a.col, span=a.span, where=a.where, pos=a.pos, doubt=a.doubt)
                      for a, b in zip(first.cells, second.cells))
    else:
        return None
    return Row(cells=cells, table=first.table, where=first.where, pos=first.pos)


def number(text: str) -> Decimal | None:
    """A figure cell: "2.5", "2.5分", "1,234.50", "１０" -> Decimal; None when blank or not a number."""
    t = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    t = re.sub(r"\s*(?:分|万元)$", "", t)
    if not _BARE_NUMBER.match(t):
        raise ValueError(text)
    try:
        value = Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError(text) from None
    if abs(value) > MAX_ABS_NUMBER:
        raise ValueError(text)
    return value


# --------------------------------------------------------------------------------------------
# The reader
# --------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, source: Source, year: int | None, region: str | None, form: str | None = None) -> None:
        self.source = source
        self.year_option = year
        self.form_option = form
        self.region = region
        self.review: list[dict] = []
        self.section: str | None = None  # "target" | "self" | "report"
        self.tt: dict = {}
        self.se: dict = {}
        self.report_title: str | None = None
        self.report_lines: list[Line] = []
        self.titles: list[str] = []
        self.years: list[tuple[int, str]] = []  # (year, where it was read)
        self.skipped_before_title = 0
        self.rows = source.rows
        self.i = 0
        self.top: dict = {}  # project, supervisor, implementer, project_category (v2 top-level keys)
        self.seen = {"grid": set(), "budget": set(), "headings": [], "weight_before_target": False,
                     "children": False, "core": False, "placeholders": 0}

    # -- review -------------------------------------------------------------------------------

    def note(self, path, value, reason: str, where: "str | Cell | Row | None" = "", action: str | None = None) -> None:
        """A review item: the field, the value read, why, what to do, and where it was read
        (`where`: a cell or row of the source, or a text such as "第 3 行")."""
        text, pos = (where.where, where.pos) if isinstance(where, (Cell, Row)) else (where or "", None)
        if text:
            reason = f"{reason}（{text}）"
        item = {"field": format_path(path) if isinstance(path, tuple) else path, "value": value, "reason": reason,
                "action": action or action_for(reason)}
        if pos is not None:
            page, table, row, col = pos
            item["where"] = {"file": _basename(self.source.path)} | {
                k: v for k, v in (("page", page), ("table", table), ("row", row), ("col", col)) if v is not None}
        elif text:
            item["where"] = {"file": _basename(self.source.path)}
        if not any(r["field"] == item["field"] and r["reason"] == item["reason"] and r["value"] == item["value"]
                   for r in self.review):
            self.review.append(item)

    def cell_notes(self, path: tuple, text: str, where) -> None:
        for note in parse_value(text, cell_notation()).notes:
            self.note(path, text, note, where)
        self.doubt(path, text, where, figure=False)

    def doubt(self, path: tuple, text: str, where, figure: bool) -> None:
        """A cell read by OCR or cut from run-on text: always to review, with any OCR damage named."""
        if not isinstance(where, Cell) or not where.doubt or not text:
            return
        for message in ocr_damage(text, figure) if "OCR" in where.doubt else []:
            self.note(path, text, message, where)
        self.note(path, text, f"{where.doubt}，未经核对", where)

    def figure(self, cell: Cell | None, path: tuple) -> Decimal | None:
        if cell is None or cell.empty:
            if cell is not None and cell.merged:
                self.note(path, None, "与上方单元格合并，未读入数值", cell)
            return None
        try:
            value = number(cell.text)
        except ValueError:
            self.doubt(path, cell.text, cell, figure=True)
            self.note(path, cell.text, f"“{cell.text}”不是数字，未读入", cell)
            return None
        self.doubt(path, cell.text, cell, figure=True)
        return value

    # -- the walk -----------------------------------------------------------------------------

    def next_filled(self, same_table: Row | None = None) -> int | None:
        """Index of the next non-blank row (in the same table as `same_table`, if given)."""
        j = self.i + 1
        while j < len(self.rows):
            row = self.rows[j]
            if same_table is not None and row.table != same_table.table:
                return None
            if not row.blank:
                return j
            j += 1
        return None

    def value_row(self, header: Row) -> int | None:
        """Index of the row holding the values of a header row: the next non-blank row of the
        same table, unless that row is itself a header, label or title (the values are blank)."""
        j = self.next_filled(same_table=header)
        if j is None or is_structural(self.rows[j]):
            return None
        return j

    def run(self) -> None:
        while self.i < len(self.rows):
            row = self.rows[self.i]
            if row.blank:
                self.i += 1
                continue
            if self.title(row):
                self.i += 1
                continue
            if self.section == "report":
                for cell in row.filled:
                    self.report_lines.extend(Line(clean(p), cell.where) for p in cell.block.split("\n"))
                self.i += 1
                continue
            if not self.dispatch(row):  # a handler leaves self.i on the last row it consumed
                if self.section is None:
                    self.skipped_before_title += 1
                else:
                    key = "target_table" if self.section == "target" else "self_evaluation"
                    self.note(key, row.text[:120], "未识别的行，未读入", row)
            self.i += 1

    # -- titles -------------------------------------------------------------------------------

    def title(self, row: Row) -> bool:
        kind = title_kind(row)
        filled = row.filled
        text = filled[0].text if filled else ""
        key = squeeze(text)
        if kind == "report":
            self.section = "report"
            self.report_title = text
        elif kind == "target":
            self.section = "target"
            self.tt["title"] = text
        elif kind == "self":
            self.section = "self"
            self.se["title"] = text
        else:
            if len(filled) != 1:
                return False
            m = _PERIOD.match(key)
            if m and self.section == "self":
                self.se["period"] = m["period"]
                self.years.append((int(m["year"]), filled[0].where))
                return True
            return False
        self.titles.append(text)
        m = _YEAR_IN_TITLE.search(key)
        if m:
            self.years.append((int(m["year"]), filled[0].where))
        return True

    # -- one row ------------------------------------------------------------------------------

    def dispatch(self, row: Row) -> bool:
        text_key = squeeze(row.text)
        if is_footer(row):
            self.footer(row)
            return True
        if text_key.startswith(FILING_UNIT_LABEL):
            value = re.sub(r"^\s*填\s*报\s*单\s*位\s*[：:]?", "", row.text)
            for mark in SEAL_MARKS:
                value = value.replace(mark, "")
            self.tt.setdefault("filing_unit", clean(value))
            return True
        found = self.labelled(row, YEAR_LABELS)
        if found is not None:
            value, where = squeeze(found[0]), found[1]
            if re.fullmatch(r"[0-9]{4}", value):
                self.years.append((int(value), where))
                if self.section == "self":
                    self.se.setdefault("period", f"{value}年度")
            else:
                self.note("year", found[0] or None, "预算年度未填写" if not value else f"预算年度“{found[0]}”不是四位数年度",
                          where)
            return True
        grid = _match_columns(row, GRID_COLUMNS, GRID_PREFIXES)
        if _is_grid_header(grid) and row.table is not None:
            self.grid(grid)
            return True
        budget = _match_columns(row, BUDGET_COLUMNS)
        if _is_budget_header(budget) and row.table is not None:
            self.budget(budget)
            return True
        keys = [c.key for c in row.cells]
        if any(k.startswith(INCOME_SPLIT) for k in keys) and any(k.startswith(SPENDING_SPLIT) for k in keys):
            self.funding(row)
            return True
        if self.goal_header(row):
            return True
        found = self.labelled(row, UNIT_LABELS)
        if found is not None:
            part = self.tt if self.section == "target" else self.se
            part.setdefault("unit", found[0])
            return True
        for cell in row.cells:
            if cell.key.startswith(TOTAL_FUNDS_LABEL):
                self.total_funds(row, cell)
                return True
        found = self.labelled(row, FUNCTIONS_LABELS, block=True)
        if found is not None:
            self.tt["functions"] = found[0]
            self.section = self.section or "target"
            return True
        found = self.top_labels(row)
        if found:
            return True
        for key, labels in CLOSING_LABELS.items():
            found = self.labelled(row, labels, block=True)
            if found is not None:
                self.se[key] = found[0]
                return True
        found = self.labelled(row, TARGET_GOAL_LABELS, block=True)
        if found is not None:
            self.tt["goal"] = found[0]
            self.section = self.section or "target"
            return True
        return False

    def top_labels(self, row: Row) -> bool:
        """项目名称 / 主管部门 / 实施单位 | value pairs, several in one row; True if the row starts with one."""
        cells = [c for c in row.cells if not c.empty]
        hit_first = False
        for k, cell in enumerate(cells):
            key = header_key(cell.text)
            for field_name, labels in (("project", PROJECT_LABELS), ("supervisor", SUPERVISOR_LABELS),
                                       ("implementer", IMPLEMENTER_LABELS), ("project_category", CATEGORY_LABELS)):
                value = None
                if key in labels:
                    value = cells[k + 1].text if k + 1 < len(cells) and header_key(cells[k + 1].text) not in (
                        TOP_LABELS) else ""
                elif any(squeeze(cell.text).startswith(l + c) for l in labels for c in "：:"):
                    value = clean(re.split(r"[：:]", cell.text, maxsplit=1)[1])
                if value is not None:
                    self.top.setdefault(field_name, value)
                    hit_first = hit_first or k == 0
        return hit_first

    def labelled(self, row: Row, labels: tuple[str, ...], block: bool = False) -> tuple[str, str] | None:
        """(value, where) of a "label | value" or "label：value" row whose first filled cell is a label."""
        cells = list(row.cells)
        for i, cell in enumerate(cells):
            if cell.empty:
                continue
            key = cell.key
            for label in labels:
                if key in (label, label + "：", label + ":"):
                    for other in cells[i + 1:]:
                        if not other.empty:
                            return (other.block if block else other.text), other.where
                    return "", cell.where
                if key.startswith(label + "：") or key.startswith(label + ":"):
                    text = cell.block if block else cell.text
                    value = re.split(r"[：:]", text, maxsplit=1)[1]
                    return clean(value), cell.where
            return None  # only the first filled cell may be the label
        return None

    # -- target table pieces ------------------------------------------------------------------

    def total_funds(self, row: Row, cell: Cell) -> None:
        self.section = self.section or "target"
        budget = self.tt.setdefault("budget", {})
        value = re.split(r"[：:]", cell.text, maxsplit=1)
        text = clean(value[1]) if len(value) == 2 else ""
        where = cell.where
        if not text:
            later = [c for c in row.cells[row.cells.index(cell) + 1:] if not c.empty]
            if later:
                text, where = later[0].text, later[0].where
        if not text:
            budget["total"] = None
            return
        try:
            budget["total"] = number(text)
        except ValueError:
            budget["total"] = None
            self.note(("target_table", "budget", "total"), text, f"资金总额“{text}”不是数字，未读入", where)

    def funding(self, anchor: Row) -> None:
        """按收入性质分 | 按支出性质分 and the money rows under them."""
        if self.section == "self":
            target, base = self.se.setdefault("funding", {}), ("self_evaluation", "funding")
        else:
            self.section = self.section or "target"
            target, base = self.tt.setdefault("budget", {}), ("target_table", "budget")
        by_income = target.setdefault("by_income", [])
        by_spending = target.setdefault("by_spending", [])
        income_i = next(i for i, c in enumerate(anchor.cells) if c.key.startswith(INCOME_SPLIT))
        spending_i = next(i for i, c in enumerate(anchor.cells) if c.key.startswith(SPENDING_SPLIT))
        grid = anchor.has_grid
        lo, mid = (anchor.cells[income_i].col, anchor.cells[spending_i].col) if grid else (income_i, spending_i)

        def halves(row: Row) -> tuple[list[Cell], list[Cell], list[Cell]] | None:
            if grid and row.has_grid:
                pos = [(c.col, c) for c in row.cells]
            elif len(row.cells) == len(anchor.cells):
                pos = list(enumerate(row.cells))
            else:
                return None
            return ([c for p, c in pos if p < lo], [c for p, c in pos if lo <= p < mid],
                    [c for p, c in pos if p >= mid])

        # "其中：" written in the anchor row itself is not a money row; anything else in it is.
        for j in range(self.i + 1, len(self.rows)):
            row = self.rows[j]
            if row.table != anchor.table:
                break
            if row.blank:
                continue
            parts = halves(row)
            if parts is None or any(not c.empty for c in parts[0]):
                break
            self._money(parts[1], by_income, (*base, "by_income"))
            self._money(parts[2], by_spending, (*base, "by_spending"))
            self.i = j

    def _money(self, cells: list[Cell], into: list, path: tuple) -> None:
        filled = [c for c in cells if not c.empty]
        if not filled:
            return
        first = filled[0]
        text = OF_WHICH.sub("", first.text)
        if not text:
            filled = filled[1:]
            if not filled:
                return
            first = filled[0]
            text = first.text
        amount_text, where = "", first.where
        parts = re.split(r"[：:]", text, maxsplit=1)
        if len(parts) == 2:
            name, amount_text = parts[0], clean(parts[1])
        else:
            name = text
        if not amount_text and len(filled) > 1:
            amount_text, where = filled[1].text, filled[1].where
        name = clean(name)
        index = len(into)
        amount = None
        if amount_text:
            try:
                amount = number(amount_text)
            except ValueError:
                self.note((*path, index, "amount"), amount_text, f"金额“{amount_text}”不是数字，未读入", where)
        into.append({"name": name, "amount": amount})

    def footer(self, row: Row) -> None:
        text = row.text
        labels = sorted(FOOTER_FIELDS, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(label) for label in labels))
        hits = []
        for m in pattern.finditer(text):
            if hits and m.start() < hits[-1][1]:
                continue
            hits.append((m.start(), m.end(), FOOTER_FIELDS[m.group()]))
        for k, (_start, end, key) in enumerate(hits):
            stop = hits[k + 1][0] if k + 1 < len(hits) else len(text)
            value = clean(re.sub(r"^\s*[：:]", "", text[end:stop]))
            self.tt.setdefault(key, value)
        date = self.tt.get("date")
        if date and parse_date(date) is None:
            self.note(("target_table", "date"), date, f"填报日期“{date}”不是可识别的日期", row)

    # -- self-evaluation pieces ---------------------------------------------------------------

    def goal_header(self, row: Row) -> bool:
        expected = [i for i, c in enumerate(row.cells) if header_key(c.text) in GOAL_EXPECTED]
        actual = [i for i, c in enumerate(row.cells) if header_key(c.text) in GOAL_ACTUAL]
        if not expected or not actual:
            return False
        self.section = self.section or "self"
        j = self.value_row(row)
        goal = {"expected": "", "actual": ""}
        if j is None:
            self.note(("self_evaluation", "goal"), None, "年度总体目标未填写", row)
        else:
            values = self.rows[j]
            cols = _Columns(row, {"expected": expected[0], "actual": actual[0]}, [])
            aligned, exact = cols.align(values)
            for key in ("expected", "actual"):
                cell = cols.cell_for(values, key, aligned)
                goal[key] = cell.block if cell is not None else ""
            if not exact:
                self.note(("self_evaluation", "goal"), values.text[:120],
                          "年度总体目标内容行与表头格数不同，按右对齐读入", values)
            self.i = j
        self.se["goal"] = goal
        return True

    def budget(self, cols: _Columns) -> None:
        self.section = self.section or "self"
        header = cols.row
        j = self.value_row(header)
        base = ("self_evaluation", "budget")
        budget: dict = {}
        if j is None:
            self.note(base, None, "预算执行表头下没有数字行", header)
            self.se["budget"] = {k: None for k in ("initial", "full_year", "executed", "weight", "self_score")} | {"rate": ""}
            return
        values = self.rows[j]
        aligned, exact = cols.align(values)
        if not exact:
            self.note(base, values.text[:120], "预算执行行与表头格数不同，按右对齐读入", values)
        used = set()
        self.seen["budget"].update(cols.roles)
        extras = [r for r in ("carryover", "adjustment", "balance", "balance_rate") if r in cols.roles]
        for role in ("initial", "full_year", "executed", "weight", "rate", "self_score", *extras):
            cell = cols.cell_for(values, role, aligned)
            if cell is not None:
                used.add(id(cell))
            if role == "balance_rate":
                budget[role] = cell.text if cell is not None else ""
            elif role == "rate":
                budget["rate"] = cell.text if cell is not None else ""
                if role not in cols.roles:
                    self.note((*base, "rate"), None, "没有执行率列", header)
            else:
                if role not in cols.roles:
                    self.note((*base, role), None, f"没有{BUDGET_COLUMNS[role][0]}列", header)
                budget[role] = self.figure(cell, (*base, role))
        label = next((c.text for c in values.cells if id(c) not in used and not c.empty
                      and not _BARE_NUMBER.match(squeeze(c.text))), None)
        self.se["budget"] = ({"label": label} if label else {}) | budget
        self.i = j
        # Further rows under the same header (其中：财政拨款 / 上年结转 / 其他资金 …, a project
        # filing's sources of funds) are self_evaluation.funding.rows, each with the same columns;
        # a row named as a source of funds is taken even when its figures are blank. Only when
        # every such row has the header's cells: a shorter row (run-on text, vanished blank cells)
        # cannot be put in its columns without guessing, so then none is read and each is a review
        # item (a partial list would not add up to the total).
        k = self.next_filled(same_table=header)
        found: list[tuple[Row, str, list | None, bool]] = []
        while k is not None:
            row = self.rows[k]
            name = next((c.text for c in row.cells if not c.empty and not _BARE_NUMBER.match(squeeze(c.text).rstrip("%％"))), "")
            figures = any(_BARE_NUMBER.match(squeeze(c.text).rstrip("%％")) for c in row.cells)
            if any(c.key.startswith(INCOME_SPLIT) for c in row.cells) or not (
                    figures or OF_WHICH.sub("", squeeze(name)) in FUNDING_ROW_NAMES):
                break
            aligned, exact = cols.align(row)
            found.append((row, name, aligned, exact))
            self.i = k
            k = self.next_filled(same_table=header)
        if found and all(exact for *_, exact in found):
            rows: list[dict] = []
            for row, name, aligned, _exact in found:
                path = ("self_evaluation", "funding", "rows", len(rows))
                entry: dict = {"name": name}
                for role in ("initial", *extras, "full_year", "executed", "rate", "weight", "self_score"):
                    cell = cols.cell_for(row, role, aligned)
                    key = "score" if role == "self_score" else role
                    if role in ("rate", "balance_rate"):
                        entry[key] = cell.text if cell is not None else ""
                    else:
                        entry[key] = self.figure(cell, (*path, key))
                rows.append(entry)
            self.se["funding_rows"] = rows
        else:
            for row, *_ in found:
                self.note(base, row.text[:120], "预算执行表的其他行未读入（格数与表头不同，无法确定各数所在的列）", row)

    # -- indicator grid -----------------------------------------------------------------------

    def extend_header(self, cols: _Columns) -> _Columns:
        """A text header split over rows the other way round: the row above names the columns
        (绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因) and this row refines the first
        ones (二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位), "一级指标" on a line between. The
        columns this row lacks are taken from the row above, after its own."""
        header = cols.row
        if header.has_grid:
            return cols
        lead: list[Cell] = []
        above: Row | None = None
        k = self.i - 1
        while k >= 0 and k >= self.i - 3:
            row = self.rows[k]
            if row.blank:
                k -= 1
                continue
            roles = _match_columns(row, GRID_COLUMNS, GRID_PREFIXES).roles
            if len(row.filled) == 1 and set(roles) == {"level1"} and not lead and "level1" not in cols.roles:
                lead = [row.filled[0]]
            elif len(roles) >= 3:
                above = row
                break
            else:
                break
            k -= 1
        if above is None:
            return cols
        extra = [c for c in above.cells if not c.empty
                 and column_role(c.text, GRID_COLUMNS, GRID_PREFIXES) not in (None, "label", *cols.roles)]
        if not extra:
            return cols
        row = Row(cells=tuple(lead) + header.cells + tuple(extra), table=header.table, where=header.where, pos=header.pos)
        return _match_columns(row, GRID_COLUMNS, GRID_PREFIXES)

    def grid(self, cols: _Columns) -> None:
        cols = self.extend_header(cols)
        header = cols.row
        # A header written over two rows ("年度 | 实际" above "指标值 | 完成值")?
        j = self.next_filled(same_table=header)
        if j is not None:
            below = self.rows[j]
            if not any(re.search(r"[0-9]", c.text) for c in below.cells):
                joined = _join_rows(header, below)
                if joined is not None:
                    again = _match_columns(joined, GRID_COLUMNS, GRID_PREFIXES)
                    if len(again.roles) > len(cols.roles) and len(again.unknown) <= len(cols.unknown):
                        cols = again
                        self.i = j
        self_grid = bool({"actual", "score", "weight"} & cols.roles.keys())
        self.seen["grid"].update(cols.roles)
        if "weight" in cols.roles and "target" in cols.roles and cols.roles["weight"] < cols.roles["target"]:
            self.seen["weight_before_target"] = True
        dest = "self" if self_grid else "target"
        if self.section not in (None, dest):
            where = "绩效自评表" if self.section == "self" else "绩效目标表"
            self.note("self_evaluation" if self_grid else "target_table", None,
                      f"在{where}部分读到{'自评' if self_grid else '目标'}指标表头，按表头列读入", header)
        self.section = dest
        part, base = (self.se, ("self_evaluation",)) if self_grid else (self.tt, ("target_table",))
        if "indicators" in part:
            self.note((*base, "indicators"), None, "文件中有第二个指标表，已接在前一个之后", header)
        blocks = part.setdefault("indicators", [])
        for cell in cols.unknown:
            self.note((*base, "indicators"), cell.text, f"列“{cell.text}”未识别，未读入", cell)
        if "name" not in cols.roles:
            self.note((*base, "indicators"), None, "表头没有三级指标列", header)
        if self_grid:
            for role in ("target", "actual", "weight", "score"):
                if role not in cols.roles:
                    self.note((*base, "indicators"), None, f"表头没有{GRID_COLUMNS[role][0]}列", header)

        state = {"block": blocks[-1] if blocks else None, "group": None}
        k = self.i + 1
        last = self.i
        while k < len(self.rows):
            row = self.rows[k]
            if row.blank:
                k += 1
                continue
            if row.table is None:
                # A level heading that a text copy put on a line of its own ("产 出 指 标 (50分)")
                if len(row.filled) == 1 and level_of(row.filled[0].text):
                    row = Row(cells=(row.filled[0],), table=header.table, where=row.where, pos=row.pos)
                else:
                    break
            filled = row.filled
            first = filled[0].key if filled else ""
            if first in TOTAL_ROW_LABELS:
                if self_grid:
                    self.total(row, cols)
                last = k
                break
            if is_footer(row) or title_kind(row):
                break
            again = _match_columns(row, GRID_COLUMNS, GRID_PREFIXES)
            if _is_grid_header(again):  # a header repeated on the next page
                last = k
                k += 1
                continue
            if self.labelled(row, UNIT_LABELS + FUNCTIONS_LABELS + TARGET_GOAL_LABELS) is not None:
                break
            self.grid_row(row, cols, state, blocks, base, self_grid)
            last = k
            k += 1
        self.i = last

    def grid_row(self, row: Row, cols: _Columns, state: dict, blocks: list, base: tuple, self_grid: bool) -> None:
        aligned, exact = cols.align(row)
        by_content = False
        if not exact and aligned is not None:
            guess = align_by_content(row, cols)
            if guess is not None and _fit_all(guess, cols) > _fit_all(aligned, cols):
                aligned, by_content = guess, True

        def get(role: str) -> Cell | None:
            return cols.cell_for(row, role, aligned)

        l1, l2, name = get("level1"), get("level2"), get("name")
        l1_text = l1.text if l1 is not None else ""
        l2_text = l2.text if l2 is not None else ""
        block = state["block"]
        if l1_text and (block is None or l1_text != block.get("label", block["level1"])):
            block = self.new_block(l1_text, blocks, base, self_grid, l1)
            state["block"], state["group"] = block, None
        group = state["group"]
        if l2_text and (group is None or l2_text != group["level2"]):
            if block is None:
                block = self.new_block("", blocks, base, self_grid, row)
                state["block"] = block
                self.note((*base, "indicators", len(blocks) - 1, "level1"), None, "这一行之前没有一级指标", row)
            group = {"level2": l2_text, "rows": []}
            block["groups"].append(group)
            state["group"] = group
        values = {role: get(role) for role in ("target", "actual", "weight", "score", "reason", "comparator", "unit",
                                               "core", *EXTRA_ROLES)}
        if any(p in row.text for p in PLACEHOLDERS):
            self.seen["placeholders"] += 1
        label_cell = get("label")
        if self_grid and label_cell is not None and _POINTS.match(label_cell.text):
            # "年度目标1:(80分)" in the label column: where the weights stand (20+80 forms)
            self.seen["headings"].append(label_cell.text)
            self.se.setdefault("weights_note", label_cell.text)
        has_row = any(c is not None and not c.empty for c in (name, values["target"], values["actual"]))
        if not has_row:
            if any(values[r] is not None and not values[r].empty for r in ("weight", "score")):
                path = (*base, "indicators", max(len(blocks) - 1, 0))
                self.note(path, row.text[:120], "小计行（没有三级指标）未读入", row)
            elif not (l1_text or l2_text):
                self.note((*base, "indicators"), row.text[:120], "未识别的行，未读入", row)
            return
        if block is None:
            block = self.new_block("", blocks, base, self_grid, row)
            state["block"] = block
            self.note((*base, "indicators", len(blocks) - 1, "level1"), None, "这一行之前没有一级指标", row)
        if group is None:
            group = {"level2": "", "rows": []}
            block["groups"].append(group)
            state["group"] = group
            path = (*base, "indicators", blocks.index(block), "groups", len(block["groups"]) - 1, "level2")
            self.note(path, None, "这一行之前没有二级指标", row)
        path = (*base, "indicators", blocks.index(block), "groups", block["groups"].index(group), "rows", len(group["rows"]))
        name_text = name.text if name is not None else ""
        parent = None
        if OF_WHICH.match(name_text) and OF_WHICH.sub("", name_text) and group["rows"]:
            parent = group["rows"][-1]
            path = (*path[:-1], len(group["rows"]) - 1, "children", len(parent.get("children", [])))
            self.seen["children"] = True
        if by_content:
            self.note(path, row.text[:120], f"本行 {len(row.cells)} 格，表头 {len(cols.row.cells)} 格，按内容对齐读入",
                      row)
        elif not exact:
            self.note(path, row.text[:120], f"本行 {len(row.cells)} 格，表头 {len(cols.row.cells)} 格，按右对齐读入",
                      row)
        for role, cell in (("name", name), *[(r, values[r]) for r in ("target", "actual", "reason")]):
            if cell is not None and cell.merged and role != "name":
                self.note((*path, role), None, "与上方单元格合并，留空", cell)
        core = None  # the name is kept as written ("★补助鱼塘面积", "其中桃树种植面积"); ★ also sets core
        if name_text[:1] in CORE_MARKS or (name_text[-1:] in CORE_MARKS and len(name_text) > 1):
            core = True
        entry: dict = {"name": name_text}
        if not entry["name"]:
            self.note((*path, "name"), None, "三级指标为空", row)
        target_cell = values["target"]
        entry["target"] = target_cell.text if target_cell is not None else ""
        entry["_composed"] = self.compose(target_cell, values["comparator"], values["unit"], (*path, "target"), True)
        if self_grid:
            entry["actual"] = values["actual"].text if values["actual"] is not None else ""
            entry["_composed_actual"] = self.compose(values["actual"], None, values["unit"], (*path, "actual"), False)
            entry["weight"] = self.figure(values["weight"], (*path, "weight"))
            entry["score"] = self.figure(values["score"], (*path, "score"))
            entry["reason"] = values["reason"].text if values["reason"] is not None else ""
            na = parse_value(entry["name"], cell_notation()).kind == "na" or all(
                parse_value(entry[k], cell_notation()).kind in ("na", "empty") for k in ("target", "actual")
            )
            if not na:
                for role, what in (("weight", "分值"), ("score", "得分")):
                    cell = values[role]
                    if entry[role] is None and not (cell is not None and cell.text):
                        self.note((*path, role), None, f"本行没有{what}", cell if cell is not None else row)
        for role, key in (("comparator", "nature"), ("unit", "unit")):
            if values[role] is not None and values[role].text:
                entry[key] = values[role].text
        for role in EXTRA_ROLES:
            if values[role] is not None and values[role].text:
                entry[role] = values[role].text
                if role == "adjusted_target":
                    self.cell_notes((*path, role), values[role].text, values[role])
        if values["core"] is not None and values["core"].text:
            core = squeeze(values["core"].text) in CORE_YES
        if core is not None:
            entry["core"] = core
            self.seen["core"] = self.seen["core"] or core
        if parent is not None:
            parent.setdefault("children", []).append(entry)
            return
        group["rows"].append(entry)

    def new_block(self, label: str, blocks: list, base: tuple, self_grid: bool, where: str) -> dict:
        m = _POINTS.match(label)
        name, points = label, None
        if m and (m["p1"] or m["p2"]) and clean(m["name"]):
            name, points = clean(m["name"]), Decimal(m["p1"] or m["p2"])
        if self_grid:
            block = {"level1": name, "label": label, "points": points, "groups": []}
            self.seen["headings"].append(label)
        else:
            block = {"level1": name, "groups": []}
            if points is not None:
                self.note((*base, "indicators", len(blocks), "level1"), label,
                          "目标表一级指标中的分值未读入", where)
        blocks.append(block)
        return block

    def compose(self, cell: Cell | None, comparator: Cell | None, unit: Cell | None, path: tuple,
                is_target: bool) -> str:
        """The value in one-cell notation; a separate 指标性质 / 度量单位 column is folded in:
        "95" + "≥" + "%" -> "≥95%"."""
        text = cell.text if cell is not None else ""
        where = cell
        if text and unit is not None and unit.text:
            u = unit.text
            value = parse_value(text, cell_notation())
            written = [q.written_unit for q in value.quantities if q.written_unit]
            if value.kind == "quantity" and not written:
                text = text + u
            elif written and any(w != u for w in written):
                self.note(path, text, f"度量单位列为“{u}”，单元格写“{'、'.join(written)}”，未合并", where)
        if text and is_target and comparator is not None and comparator.text:
            c = comparator.text
            value = parse_value(text, cell_notation())
            if squeeze(c) in DIRECTION_WORDS:
                symbol = DIRECTION_WORDS[squeeze(c)]
                if symbol and value.kind in ("quantity", "compound") and value.comparator is None:
                    text = symbol + text
                    self.note(path, text, f"指标性质“{c}”按“{symbol}”读入", comparator)
            else:
                probe = parse_value(c + "1", cell_notation())
                if probe.kind != "quantity" or probe.comparator is None or probe.notes:
                    self.note(path, text, f"指标性质“{c}”未识别，未并入指标值", comparator)
                elif value.comparator is None and value.kind in ("quantity", "compound"):
                    text = c + text
                elif value.comparator is not None and value.comparator != probe.comparator:
                    self.note(path, text, f"指标性质“{c}”与指标值中的比较符不一致", comparator)
        if text:
            self.cell_notes(path, text, where)
        return text

    def total(self, row: Row, cols: _Columns) -> None:
        path = ("self_evaluation", "total")
        label_cell = row.filled[0]
        if row.has_grid and cols.row.has_grid:
            weight = cols.cell_for(row, "weight", None)
            score = cols.cell_for(row, "score", None)
            self.se["total"] = {"weight": self.figure(weight, (*path, "weight")),
                                "score": self.figure(score, (*path, "score"))}
            return
        # A text copy collapses the merged label cell: take the figures after it in column order.
        after = list(row.cells[row.cells.index(label_cell) + 1:])
        figures = [c for c in after if not c.empty]
        order = sorted((r for r in ("weight", "score") if r in cols.roles), key=lambda r: cols.roles[r])
        total = {"weight": None, "score": None}
        if len(figures) == len(order):
            for role, cell in zip(order, figures):
                total[role] = self.figure(cell, (*path, role))
        else:
            aligned, _exact = cols.align(row)
            for role in ("weight", "score"):
                total[role] = self.figure(cols.cell_for(row, role, aligned), (*path, role))
            self.note(path, row.text[:120], "总分行的格数与表头不符，按右对齐读入", row)
        self.se["total"] = total

    # -- assembling ---------------------------------------------------------------------------

    def finish(self) -> ImportResult:
        case: dict = {"format": FORMAT}
        tt, se = self.tt, self.se
        units = [u for u in (se.get("unit"), tt.get("unit"), tt.get("filing_unit")) if u]
        case["unit"] = units[0] if units else ""
        if not units and self.top.get("implementer"):  # a project filing: its 实施单位
            case["unit"] = self.top["implementer"]
        elif not units:
            self.note("unit", None, "没有找到单位名称")
        elif len(set(units)) > 1:
            self.note("unit", case["unit"], "各表中的单位名称不一致：" + "、".join(dict.fromkeys(units)))
        year = self.fiscal_year()
        if year is not None:
            case["year"] = year
        case["form"] = self.form_type()
        case["layout"] = self.layout()
        if self.region:
            case["region"] = self.region
        for key in ("supervisor", "project", "implementer", "project_category"):
            if self.top.get(key):
                case[key] = self.top[key]
        kind = self.source.kind + (f", {self.source.via}" if self.source.via else "")
        case["source"] = f"{_basename(self.source.path)} (jixiao import, {kind})"
        known_names = frozenset(
            row["name"] for part in (tt, se) for b in part.get("indicators", [])
            for g in b["groups"] for row in g["rows"] if row["name"]
        )
        case["target_table"] = self.target_table()
        case["self_evaluation"] = self.self_evaluation()
        figures = None
        if self.report_title is None:
            self.note("report", None, "文件中没有找到自评报告" + _absent_note())
            case["report"] = {"title": "", "statements": [], "execution_rate": None,
                              "self_score": {"score": None, "quote": ""},
                              "sections": [{"heading": "", "text": ""}]}
        else:
            report, figures, notes = read_report(self.report_title, self.report_lines, known_names)
            case["report"] = report
            for n in notes:
                self.note(n.path, n.value, n.reason)
        case["_absent"] = [part for part, missing in (("target_table", not tt), ("self_evaluation", not se),
                                                      ("report", self.report_title is None)) if missing]
        if self.review:
            case["review"] = self.review
        found = {
            "titles": self.titles,
            "target_rows": _count_rows(tt.get("indicators", [])),
            "self_rows": _count_rows(se.get("indicators", [])),
            "statements": len(case["report"]["statements"]),
            "sections": len(case["report"]["sections"]),
            "dates": figures.dates if figures else [],
            "skipped_before_title": self.skipped_before_title,
            "layout": case["layout"],
        }
        return ImportResult(case=case, review=self.review, figures=figures, source=self.source, found=found)

    def layout(self) -> str:
        """The layout family, by the signs in vocabulary.yaml's `layouts` (first that holds)."""
        seen = self.seen
        if not seen["grid"] and self.report_title is not None:
            return "narrative"
        if seen["placeholders"] and seen["placeholders"] >= max(1, _count_rows(self.se.get("indicators", [])) // 2):
            return "unfilled"
        texts = seen["headings"] + [self.se.get("weights_note", "")]
        for entry in vocabulary()["layouts"]:
            ok = True
            if "columns_all" in entry:
                ok &= all(r in seen["grid"] for r in entry["columns_all"])
            if "columns_any" in entry:
                ok &= any(r in seen["grid"] for r in entry["columns_any"])
            if "no_columns" in entry:
                ok &= bool(seen["grid"]) and not any(r in seen["grid"] for r in entry["no_columns"])
            if "budget_any" in entry:
                ok &= any(r in seen["budget"] for r in entry["budget_any"])
            if "heading_re" in entry:
                ok &= any(entry["heading_re"].search(t) for t in texts if t) or bool(
                    entry["heading_re"].search(self.se.get("budget", {}).get("label") or ""))
            if entry.get("weight_before_target"):
                ok &= seen["weight_before_target"]
            if entry.get("rows_with_children"):
                ok &= seen["children"]
            if entry.get("core_rows"):
                ok &= seen["core"]
            if ok:
                return entry["family"]
        return "national"

    def fiscal_year(self) -> int | None:
        if self.year_option is not None:
            return self.year_option
        years = list(dict.fromkeys(y for y, _ in self.years))
        if not years:
            self.note("year", None, "表名和年度栏中都没有读到年度", action="导入时用 --year 指定年度，或在案卷中填写 year")
            return None
        if False:
            raise JixiaoError.single(
                "E-IMPORT-YEAR", "表名和年度栏中都没有读到年度 (no fiscal year found in the titles or the period)",
                stage="import", file=self.source.path, hint=tr("用 --year 指定年度，如 --year 2022", "pass it with --year 2022"),
            )
        period = self.se.get("period")
        chosen = int(re.match(r"[0-9]{4}", period).group()) if period else years[0]
        if not YEAR_RANGE[0] <= chosen <= YEAR_RANGE[1]:
            raise JixiaoError.single(
                "E-IMPORT-YEAR", f"读到的年度 {chosen} 不在 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间 (the fiscal year read is out of range)",
                stage="import", file=self.source.path, hint=tr("用 --year 指定年度，如 --year 2022", "pass it with --year 2022"),
            )
        if len(years) > 1:
            self.note("year", chosen, "各表名中的年度不一致：" + "、".join(str(y) for y in years))
        return chosen

    def form_type(self) -> str:
        if self.form_option is not None:  # --form: the person importing knows
            return self.form_option
        for title in self.titles:
            for word, form in FORM_WORDS.items():
                if word in squeeze(title):
                    return form
        self.note("form", "department", "表名中看不出是部门整体支出还是项目支出，按部门整体支出读入")
        return "department"

    def target_table(self) -> dict:
        tt = self.tt
        base = "target_table"
        if not tt:
            self.note(base, None, "文件中没有找到绩效目标表" + _absent_note())
        out: dict = {"title": tt.get("title", "")}
        if "filing_unit" in tt:
            out["filing_unit"] = tt["filing_unit"]
        out["unit"] = tt.get("unit", "")
        budget = tt.get("budget", {})
        out["budget"] = {
            "total": budget.get("total"),
            "by_income": budget.get("by_income") or [{"name": "", "amount": None}],
            "by_spending": budget.get("by_spending") or [{"name": "", "amount": None}],
        }
        out["functions"] = tt.get("functions", "")
        out["goal"] = tt.get("goal", "")
        out["indicators"] = _non_empty_grid(tt.get("indicators"), target=True)
        for key in ("filled_by", "phone", "date"):
            out[key] = tt.get(key, "")
        if "head_signature" in tt:
            out["head_signature"] = tt["head_signature"]
        if tt:
            for key in ("title", "unit", "functions", "goal", "filled_by", "phone", "date"):
                if key not in tt:
                    self.note((base, key), None, "目标表中没有找到这一栏")
            if "budget" not in tt:
                self.note((base, "budget"), None, "目标表中没有找到年度预算申请")
            if not tt.get("indicators"):
                self.note((base, "indicators"), None, "目标表中没有找到指标表")
        return out

    def self_evaluation(self) -> dict:
        se = self.se
        base = "self_evaluation"
        if not se:
            self.note(base, None, "文件中没有找到绩效自评表" + _absent_note())
        out: dict = {"title": se.get("title", ""), "period": se.get("period", ""), "unit": se.get("unit", "")}
        out["budget"] = se.get("budget") or {
            "initial": None, "full_year": None, "executed": None, "weight": None, "rate": "", "self_score": None,
        }
        funding = se.get("funding", {})
        if se.get("funding_rows") and not funding:  # a project filing: the sources of funds, own columns
            out["funding"] = {"rows": se["funding_rows"]}
        else:
            out["funding"] = {
                "by_income": funding.get("by_income") or [{"name": "", "amount": None}],
                "by_spending": funding.get("by_spending") or [{"name": "", "amount": None}],
            }
            if se.get("funding_rows"):
                out["funding"]["rows"] = se["funding_rows"]
        out["goal"] = se.get("goal") or {"expected": "", "actual": ""}
        out["indicators"] = _non_empty_grid(se.get("indicators"), target=False)
        out["total"] = se.get("total") or {"weight": None, "score": None}
        for key in (*CLOSING_LABELS, "weights_note"):
            if se.get(key):
                out[key] = se[key]
        if se:
            for key, what in (("title", "表名"), ("period", "年度"), ("unit", "预算部门名称"), ("budget", "预算执行行"),
                              ("funding", "资金构成"), ("goal", "年度总体目标"), ("total", "总分行")):
                if key not in se and not (key == "funding" and se.get("funding_rows")) and not (
                        key == "unit" and self.top.get("implementer")):  # a project form names its 实施单位
                    self.note((base, key), None, f"自评表中没有找到{what}")
            if not se.get("indicators"):
                self.note((base, "indicators"), None, "自评表中没有找到指标表")
        return out


def _basename(path: str) -> str:
    return re.split(r"[\\/]", path)[-1]


def _count_rows(blocks: list) -> int:
    return sum(len(g["rows"]) for b in blocks for g in b["groups"])


def _non_empty_grid(blocks: list | None, target: bool) -> list:
    """Drop groups without rows and blocks without groups; keep one placeholder if nothing is left
    (the case format needs at least one row)."""
    kept = []
    for block in blocks or []:
        block = dict(block)
        block["groups"] = [g for g in block["groups"] if g["rows"]]
        if block["groups"]:
            kept.append(block)
    if kept:
        return kept
    row = {"name": "", "target": ""} if target else {
        "name": "", "target": "", "actual": "", "weight": None, "score": None, "reason": ""}
    block = {"level1": "", "groups": [{"level2": "", "rows": [row]}]}
    if not target:
        block = {"level1": "", "label": "", "points": None, "groups": block["groups"]}
    return [block]


V1_TOP = ("format", "unit", "year", "form", "region", "source", "target_table", "self_evaluation", "report", "review")
V1_ROW = ("name", "target", "actual", "weight", "score", "reason")
V1_BUDGET = ("label", "initial", "full_year", "executed", "weight", "rate", "self_score")


def _absent_note() -> str:
    """How a part the file lacks is written: left out in jixiao-case/2, a blank placeholder in v1."""
    return "，该部分不可核对，案卷中已略去" if case_format() == FORMAT else "，此部分为空白占位"


@functools.lru_cache(maxsize=1)
def case_format() -> str:
    """The newest case format the installed schema accepts (v2 once schemas/case.schema.json knows it)."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent.parent / "schemas" / "case.schema.json"
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))["properties"]["format"]
    except (OSError, ValueError, KeyError):  # pragma: no cover - an installed package without schemas
        return FORMAT
    accepted = [spec["const"]] if "const" in spec else list(spec.get("enum", []))
    return FORMAT if FORMAT in accepted or not accepted else FORMAT_V1


def _rows(blocks: list):
    for block in blocks:
        for group in block["groups"]:
            yield group


def to_format(case: dict, fmt: str, path: str) -> dict:
    """The case in `fmt`: v2 as built (private keys dropped), or v1 (the seed's shape) for a
    schema that does not know v2 yet: separate 指标性质 / 度量单位 folded into the values, v2-only
    keys dropped, "其中" rows listed after their parent."""
    v1 = fmt == FORMAT_V1
    absent = case.pop("_absent", [])
    if not v1:  # v2: a part the file lacks is absent (not checkable), not a blank placeholder
        for part in absent:
            if part != "self_evaluation" or "target_table" not in absent:
                case.pop(part, None)
    for part in ("target_table", "self_evaluation"):
        for group in _rows(case[part]["indicators"] if part in case else []):
            rows = []
            for row in group["rows"]:
                children = row.pop("children", []) if v1 else row.get("children", [])
                for r in [row, *children]:
                    if v1:
                        r["target"] = r.pop("_composed", r.get("target", ""))
                        if "_composed_actual" in r:
                            r["actual"] = r.pop("_composed_actual")
                        for key in [k for k in r if k not in V1_ROW]:
                            del r[key]
                    else:
                        r.pop("_composed", None)
                        r.pop("_composed_actual", None)
                rows.extend([row, *children] if v1 else [row])
            group["rows"] = rows
    if not v1:
        return case
    case["format"] = FORMAT_V1
    for key in [k for k in case if k not in V1_TOP]:
        del case[key]
    se = case["self_evaluation"]
    for key in [k for k in se if k not in ("title", "period", "unit", "budget", "funding", "goal", "indicators", "total")]:  # noqa: E501
        del se[key]
    for key in [k for k in se["budget"] if k not in V1_BUDGET]:
        del se["budget"][key]
    funding = se.get("funding") or {}  # v1 has no funding rows with their own columns
    se["funding"] = {key: funding.get(key) or [{"name": "", "amount": None}] for key in ("by_income", "by_spending")}
    if "review" in case:  # copies: the ImportResult's own review list keeps action and where
        case["review"] = [{k: item[k] for k in ("field", "value", "reason")} for item in case["review"]]
    if "year" not in case:
        raise JixiaoError.single(
            "E-IMPORT-YEAR", "表名和年度栏中都没有读到年度 (no fiscal year found in the titles or the period)",
            stage="import", file=path, hint=tr("用 --year 指定年度，如 --year 2022", "pass it with --year 2022"),
        )
    return case


def split_filings(source: Source) -> list[Source]:
    """A file holding several filings (two projects' self-evaluation tables) as one Source each.
    A filing starts at a self-evaluation title (or a 项目名称 row) once the part before it has read
    an indicator grid; what precedes the first such point belongs to the first filing."""
    starts = [0]
    grid_since = False
    for k, row in enumerate(source.rows):
        first = row.filled[0].key if row.filled else ""
        boundary = title_kind(row) == "self" or any(first.startswith(label) for label in PROJECT_LABELS)
        if boundary and grid_since:
            starts.append(k)
            grid_since = False
        if not grid_since:
            cols = _match_columns(row, GRID_COLUMNS, GRID_PREFIXES)
            grid_since = _is_grid_header(cols) and bool({"actual", "score", "weight"} & cols.roles.keys())
    def has_grid(a: int, b: int) -> bool:
        for row in source.rows[a:b]:
            cols = _match_columns(row, GRID_COLUMNS, GRID_PREFIXES)
            if _is_grid_header(cols) and {"actual", "score", "weight"} & cols.roles.keys():
                return True
        return False

    bounds = list(zip(starts, starts[1:] + [len(source.rows)]))
    kept: list[list[int]] = []
    for a, b in bounds:  # a part without an indicator grid of its own stays with the filing before it
        if kept and not has_grid(a, b):
            kept[-1][1] = b
        else:
            kept.append([a, b])
    starts = [a for a, _b in kept]
    if len(starts) == 1:
        return [source]
    out = []
    for n, (a, b) in enumerate(kept, start=1):
        part = Source(path=source.path, kind=source.kind, rows=source.rows[a:b], notes=list(source.notes),
                      via=source.via, ocr=source.ocr)
        part.notes.append(f"文件中有 {len(starts)} 份填报，这是第 {n} 份")
        out.append(part)
    return out


def build_cases(source: Source, *, year: int | None = None, region: str | None = None,
                form: str | None = None) -> list[ImportResult]:
    """One ImportResult per filing in the source (see `split_filings`)."""
    parts = split_filings(source)
    if len(parts) == 1:
        return [build_case(source, year=year, region=region, form=form)]
    return [build_case(part, year=year, region=region, form=form) for part in parts]


def build_case(source: Source, *, year: int | None = None, region: str | None = None,
               form: str | None = None) -> ImportResult:
    """Read a Source into case data plus the review list. Raises JixiaoError when nothing of a
    filing is found (no title, no indicator table). `form` ("department" / "project") overrides
    the form told by the titles."""
    if form is not None and form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, not {form!r}")
    from .stated import with_stated_rows

    reader = _Reader(with_stated_rows(source), year, region, form)
    reader.run()
    if not (reader.tt or reader.se or reader.report_title) and untitled_report(source):
        reader = _Reader(with_stated_rows(source), year, region, form)
        reader.section, reader.report_title = "report", ""  # the body of a report whose title is not there
        reader.note("report.title", None, "没有找到自评报告的标题（可能是摘录或网页正文），按报告正文读入；"
                    "报告标题、单位和年度须人工核对")
        reader.run()
    if not (reader.tt or reader.se or reader.report_title is not None):
        raise JixiaoError.single(
            "E-IMPORT-EMPTY",
            "没有读到绩效目标表、绩效自评表或自评报告 (no target table, self-evaluation table or report "
            "found: is this a filing?)",
            stage="import", file=source.path,
        )
    result = reader.finish()
    result.case = to_format(result.case, case_format(), source.path)
    return result
