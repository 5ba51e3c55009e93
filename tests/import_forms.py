"""Forms for the importer tests, built in tmp_path with python-docx and openpyxl (no binary
fixtures in the repository).

A document is a list of blocks: `P(text)` (a paragraph outside tables) or `T(grid)`: rows of
equal width whose cells are text ("\\n" separates paragraphs inside a cell), "<" (merged with
the cell to the left) or "^" (merged with the cell above). The same blocks are written as a
.docx (real merged cells) and as an .xlsx (merged ranges, numbers typed as numbers).

Two sources of blocks:
* `seed_blocks()`: the seed's Word copy (tests/fixtures/seed), its tables given real merges: the
  label column and the 一级/二级 columns merged down, short rows merged across, "总分" across.
* `variant_blocks(layout)`: one self-evaluation in each column layout seen on real forms, all
  with the same content (EXPECTED_SELF_EVALUATION).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A byte-identical copy of ../shared/seed/2022-lukou-gsl.txt, so the tests run on any clone.
SEED_TEXT = ROOT / "tests" / "fixtures" / "seed" / "2022-lukou-gsl.txt"
SEED_CASE = ROOT / "cases" / "2022" / "lukou-gsl.yaml"

LEFT, UP = "<", "^"


@dataclass
class P:
    text: str


@dataclass
class T:
    grid: list[list[str]]


# ── writers ─────────────────────────────────────────────────────────────────────────────


def _rectangles(grid: list[list[str]]):
    """(row, col, height, width, text) for every cell that is not a continuation."""
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text in (LEFT, UP):
                continue
            width = 1
            while c + width < len(row) and row[c + width] == LEFT:
                width += 1
            height = 1
            while r + height < len(grid) and grid[r + height][c] == UP:
                height += 1
            yield r, c, height, width, text


def write_docx(blocks, path: Path) -> Path:
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, P):
            document.add_paragraph(block.text)
            continue
        grid = block.grid
        table = document.add_table(rows=len(grid), cols=len(grid[0]))
        for r, c, height, width, text in _rectangles(grid):
            cell = table.cell(r, c)
            if height > 1 or width > 1:
                cell = cell.merge(table.cell(r + height - 1, c + width - 1))
            lines = text.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    document.save(path)
    return path


_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_PERCENT = re.compile(r"^([0-9]+(\.[0-9]+)?)%$")


def typed(text: str):
    """What a person typing into Excel gets: numbers become numbers, "95%" a percent number."""
    if _NUMBER.match(text):
        return int(text) if "." not in text else float(text)
    m = _PERCENT.match(text)
    if m:
        return float(Decimal(m.group(1)) / 100), "0%"
    return text


def write_xlsx(blocks, path: Path, sheet: str = "Sheet1") -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    put_blocks(ws, blocks, 1)
    workbook.save(path)
    return path


def put_blocks(ws, blocks, first_row: int) -> int:
    """Write blocks into a worksheet from `first_row`; returns the next free row."""
    row = first_row
    for block in blocks:
        if isinstance(block, P):
            ws.cell(row=row, column=1, value=block.text)
            row += 1
            continue
        for r, c, height, width, text in _rectangles(block.grid):
            cell = ws.cell(row=row + r, column=c + 1)
            value = typed(text)
            if isinstance(value, tuple):
                cell.value, cell.number_format = value
            else:
                cell.value = value
            if height > 1 or width > 1:
                ws.merge_cells(start_row=row + r, start_column=c + 1,
                               end_row=row + r + height - 1, end_column=c + width)
        row += len(block.grid)
    return row


# ── the seed, with real merges ──────────────────────────────────────────────────────────


def seed_blocks(blank_row_after: str | None = "联系非公人士及招商引资") -> list:
    """The seed's blocks. A blank row is added to the self-evaluation grid after the row of
    that name (the first one in the self-evaluation table), as Word files often have."""
    from engine.importers.text import read_text

    source = read_text(SEED_TEXT)
    blocks: list = []
    table_rows: list = []
    current = None
    for row in source.rows:
        if row.table is None:
            if table_rows:
                blocks.append(T(_seed_grid(table_rows, blank_row_after)))
                table_rows = []
            blocks.append(P("".join(c.paras[0] for c in row.cells)))
            current = None
        else:
            if current is not None and row.table != current:
                blocks.append(T(_seed_grid(table_rows, blank_row_after)))
                table_rows = []
            current = row.table
            table_rows.append(row)
    if table_rows:
        blocks.append(T(_seed_grid(table_rows, blank_row_after)))
    return blocks


def _seed_grid(rows, blank_row_after) -> list[list[str]]:
    width = max(len(r.cells) for r in rows)
    is_self = any(c.text == "实际完成值" for r in rows for c in r.cells)
    grid: list[list[str]] = []
    in_grid = False
    grid_rows: set[int] = set()
    for row in rows:
        texts = ["\n".join(p.strip(" \u3000\u00a0") for p in c.paras) for c in row.cells]
        texts = [t if t.strip() else "" for t in texts]
        if len(texts) < width:
            if texts[0] == "总分":  # the label spans everything before the figures
                texts = [texts[0]] + [LEFT] * (width - len(texts)) + texts[1:]
            else:  # the last cell spans to the right edge
                texts = texts + [LEFT] * (width - len(texts))
        if any(c.text == "一级指标" for c in row.cells):
            in_grid = True
        elif in_grid and len(row.cells) == width:
            grid_rows.add(len(grid))
        grid.append(texts)
        if is_self and blank_row_after and row.cells[3:4] and row.cells[3].text == blank_row_after:
            grid_rows.add(len(grid))
            grid.append([""] * width)
            blank_row_after = None
    # Merge down: the label column everywhere, the 一级/二级 columns inside the indicator grid.
    for r in range(1, len(grid)):
        for c in (0, 1, 2):
            inside = c == 0 or (r in grid_rows and r - 1 in grid_rows)
            if inside and grid[r][c] == "" and grid[r - 1][c] not in ("", LEFT):
                grid[r][c] = UP
    return grid


# ── one self-evaluation in every column layout ──────────────────────────────────────────

D = Decimal

EXPECTED_INDICATORS = [
    {"level1": "产出指标", "label": "产出指标（50分）", "points": D(50), "groups": [
        {"level2": "数量指标", "rows": [
            {"name": "培训人次", "target": "≥500人次", "actual": "520人次", "weight": D(20), "score": D(20), "reason": ""},
            {"name": "覆盖乡镇", "target": "12个", "actual": "12个", "weight": D(10), "score": D(10), "reason": ""},
        ]},
        {"level2": "质量指标", "rows": [
            {"name": "培训合格率", "target": "≥95%", "actual": "92%", "weight": D(20), "score": D("19.37"),
             "reason": "部分学员未参加考核"},
        ]},
    ]},
    {"level1": "效益指标", "label": "效益指标（30分）", "points": D(30), "groups": [
        {"level2": "社会效益指标", "rows": [
            {"name": "群众知晓率", "target": "≥90%", "actual": "93%", "weight": D(30), "score": D(30), "reason": ""},
        ]},
    ]},
    {"level1": "满意度指标", "label": "满意度指标（10分）", "points": D(10), "groups": [
        {"level2": "服务对象满意度指标", "rows": [
            {"name": "学员满意度", "target": "≥90%", "actual": "95%", "weight": D(10), "score": D(10), "reason": ""},
        ]},
    ]},
]

EXPECTED_SELF_EVALUATION = {
    "title": "2023年部门整体支出绩效自评表",
    "period": "2023年度",
    "unit": "某某区农业农村局",
    "budget": {"label": "年度资金总额", "initial": D(100), "full_year": D(120), "executed": D(114),
               "weight": D(10), "rate": "95%", "self_score": D("9.5")},
    "funding": {
        "by_income": [{"name": "一般公共预算", "amount": D(120)}, {"name": "其他资金", "amount": None}],
        "by_spending": [{"name": "基本支出", "amount": D(80)}, {"name": "项目支出", "amount": D(40)}],
    },
    "goal": {"expected": "完成农民培训500人次", "actual": "完成培训520人次"},
    "indicators": EXPECTED_INDICATORS,
    "total": {"weight": D(100), "score": D("98.87")},
}

# (一级, 二级, 三级, 指标性质, 指标值, 度量单位, 完成值, 分值, 得分, 偏差原因): the content above,
# with target and actual split into comparator / number / unit for the 指标性质 layout.
CONTENT = [
    ("产出指标（50分）", "数量指标", "培训人次", "≥", "500", "人次", "520", "20", "20", ""),
    ("", "", "覆盖乡镇", "", "12", "个", "12", "10", "10", ""),
    ("", "质量指标", "培训合格率", "≥", "95", "%", "92", "20", "19.37", "部分学员未参加考核"),
    ("效益指标（30分）", "社会效益指标", "群众知晓率", "正向", "90", "%", "93", "30", "30", ""),
    ("满意度指标（10分）", "服务对象满意度指标", "学员满意度", "≥", "90", "%", "95", "10", "10", ""),
]

LAYOUTS = {
    # the national form: a merged "绩效指标" label column, header cells wrapped over two lines
    "national": ["label", "level1", "level2", "name", "target", "actual", "weight", "score", "reason"],
    # weight before target; the header written over two table rows
    "weight_first": ["level1", "level2", "name", "weight", "target", "actual", "score", "reason"],
    # 权重 for 分值, 调整后预算数 for 全年预算数, 一级/二级 repeated on every row instead of merged
    "quanzhong": ["level1", "level2", "name", "target", "actual", "weight", "score", "reason"],
    # a separate 指标性质 (comparator) and 度量单位 (unit) column
    "nature_unit": ["level1", "level2", "name", "nature", "target", "unit", "actual", "weight", "score", "reason"],
}

HEADERS = {
    "label": "绩效指标", "level1": "一级指标", "level2": "二级指标", "name": "三级指标",
    "target": "年度\n指标值", "actual": "实际\n完成值", "weight": "分值", "score": "得分",
    "reason": "偏差原因分析\n及改进措施", "nature": "指标性质", "unit": "度量单位",
}


def _full(value: str, nature: str, unit: str) -> str:
    """The one-cell notation of a split value: "≥" + "95" + "%" -> "≥95%"; 正向 means ≥."""
    symbol = {"正向": "≥"}.get(nature, nature)
    return f"{symbol}{value}{unit}"


def _indicator_rows(layout: str) -> list[list[str]]:
    columns = LAYOUTS[layout]
    rows = []
    for l1, l2, name, nature, value, unit, actual, weight, score, reason in CONTENT:
        cells = {
            "label": UP, "level1": l1 or UP, "level2": l2 or UP, "name": name, "weight": weight,
            "score": score, "reason": reason,
        }
        if layout == "nature_unit":
            cells.update(nature=nature, target=value, unit=unit, actual=actual)
        else:
            cells.update(target=_full(value, nature, unit), actual=actual + unit)
        rows.append([cells[c] for c in columns])
    if layout == "quanzhong":  # the group cells written on every row, no merges
        last = {}
        for row in rows:
            for i in (0, 1):
                if row[i] == UP:
                    row[i] = last[i]
                last[i] = row[i]
    return rows


def _spread(width: int, *texts: str) -> list[str]:
    """Cells of a row of `width` grid columns: the texts, the last one spanning the rest."""
    out = list(texts)
    return out + [LEFT] * (width - len(out))


def _halves(width: int, first: str, left: str, right: str) -> list[str]:
    mid = 1 + (width - 1) // 2
    return [first, left] + [LEFT] * (mid - 2) + [right] + [LEFT] * (width - mid - 1)


def variant_grid(layout: str) -> list[list[str]]:
    columns = LAYOUTS[layout]
    width = len(columns)
    full_year = "调整后预算数" if layout == "quanzhong" else "全年预算数"
    weight_word = "权重" if layout == "quanzhong" else "分值"
    if layout == "weight_first":
        budget_header = ["年度预算申请（万元）", "", "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值",
                         "执行率（B/A）", "得分"]
    else:
        budget_header = ["年度预算申请（万元）", "", "年初\n预算数", full_year, "全年\n执行数", weight_word, "执行率",
                         "得分"]
    grid = [
        _spread(width, "预算部门名称", "某某区农业农村局"),
        _spread(width, *budget_header),
        _spread(width, UP, "年度资金总额", "100", "120", "114", "10", "95%", "9.5"),
        _halves(width, UP, "按收入性质分：", "按支出性质分："),
        _halves(width, UP, "其中：一般公共预算：120", "其中：基本支出：80"),
        _halves(width, UP, "其他资金：", "项目支出：40"),
        _halves(width, "年度总体目标", "预期目标", "实际完成情况"),
        _halves(width, UP, "完成农民培训500人次", "完成培训520人次"),
    ]
    header = [weight_word if c == "weight" else HEADERS[c] for c in columns]
    if layout == "weight_first":  # the header over two rows: 年度 / 指标值, 实际 / 完成值
        top = [h.split("\n")[0] if c in ("target", "actual", "reason") else h for c, h in zip(columns, header)]
        bottom = [h.split("\n")[1] if c in ("target", "actual", "reason") else UP for c, h in zip(columns, header)]
        grid += [top, bottom]
    else:
        grid.append(header)
    body = _indicator_rows(layout)
    if layout in ("national", "quanzhong"):  # an extra blank row inside the grid
        blank = [UP if (c in ("label", "level1", "level2") and layout == "national") else "" for c in columns]
        body.insert(2, blank)
    grid += body
    total = ["总分"]
    first = min(columns.index("weight"), columns.index("score"))
    total += [LEFT] * (first - 1)
    for c in columns[first:]:
        total.append({"weight": "100", "score": "98.87"}.get(c, ""))
    grid.append(total)
    return grid


REPORT_LINES = [
    "部门整体支出绩效自评报告",
    "一、基本情况",
    "2023年度总支出114万元，其中：基本支出76万元，占总支出的66.67%；项目支出38万元，占总支出的33.33%。",
    "二、自评结论",
    "本单位预算执行率为95%，自评得分98.87分。",
]


def variant_blocks(layout: str) -> list:
    return [
        P("2023年部门整体支出绩效自评表"),
        P("（2023年度）"),
        T(variant_grid(layout)),
        *[P(line) for line in REPORT_LINES],
    ]


def review_reasons(review: list[dict]) -> list[tuple[str, str]]:
    """(field, reason without the trailing "（where）") of each review item."""
    return [(r["field"], re.sub(r"（[^（）]*）$", "", r["reason"])) for r in review]


# ── filling in the template of `jixiao template xlsx` ───────────────────────────────────


def _num(value):
    if value is None:
        return None
    return int(value) if Decimal(value) == Decimal(value).to_integral_value() else float(value)


def _year_of(period: str) -> int:
    return int(re.match(r"[0-9]{4}", period).group())


def fill_template(path: Path, case: dict) -> Path:
    """Type a case (as loaded) into the blank template at `path`, cell by cell, as a person would:
    numbers as numbers, the 执行率 as a percent, texts as written."""
    import openpyxl

    from engine.importers.template import REPORT, SELF, TARGET

    wb = openpyxl.load_workbook(path)
    tt, se, report = case["target_table"], case["self_evaluation"], case["report"]

    ws = wb["绩效目标表"]
    ws[TARGET["title"]] = tt["title"]
    ws[TARGET["year"]] = case["year"]
    ws[TARGET["filing_unit"]] = tt.get("filing_unit", "")
    ws[TARGET["unit"]] = tt["unit"]
    ws[TARGET["total"]] = _num(tt["budget"]["total"])
    for i, item in enumerate(tt["budget"]["by_income"]):
        ws[f"{TARGET['income_name']}{TARGET['income_first_row'] + i}"] = item["name"]
        ws[f"{TARGET['income_amount']}{TARGET['income_first_row'] + i}"] = _num(item["amount"])
    for i, item in enumerate(tt["budget"]["by_spending"]):
        ws[f"{TARGET['spending_name']}{TARGET['income_first_row'] + i}"] = item["name"]
        ws[f"{TARGET['spending_amount']}{TARGET['income_first_row'] + i}"] = _num(item["amount"])
    ws[TARGET["functions"]] = tt["functions"]
    ws[TARGET["goal"]] = tt["goal"]
    r = TARGET["grid_first_row"]
    for block in tt["indicators"]:
        for g, group in enumerate(block["groups"]):
            for k, row in enumerate(group["rows"]):
                values = (block["level1"] if g == 0 and k == 0 else None, group["level2"] if k == 0 else None,
                          row["name"], row["target"])
                for col, value in zip(TARGET["grid_columns"], values):
                    ws[f"{col}{r}"] = value
                r += 1
    footer = TARGET["footer_row"]
    for col, key in zip(TARGET["footer_values"], ("filled_by", "phone", "date", "head_signature")):
        ws[f"{col}{footer}"] = tt.get(key) or None

    ws = wb["绩效自评表"]
    ws[SELF["title"]] = se["title"]
    ws[SELF["year"]] = _year_of(se["period"])
    ws[SELF["unit"]] = se["unit"]
    b = se["budget"]
    rate = Decimal(b["rate"].rstrip("%")) / 100
    for col, value in zip(SELF["budget_columns"],
                          (_num(b["initial"]), _num(b["full_year"]), _num(b["executed"]), _num(b["weight"]),
                           float(rate), _num(b["self_score"]))):
        ws[f"{col}{SELF['budget_row']}"] = value
    for i, item in enumerate(se["funding"]["by_income"]):
        ws[f"{SELF['income_name']}{SELF['income_first_row'] + i}"] = item["name"]
        ws[f"{SELF['income_amount']}{SELF['income_first_row'] + i}"] = _num(item["amount"])
    for i, item in enumerate(se["funding"]["by_spending"]):
        ws[f"{SELF['spending_name']}{SELF['income_first_row'] + i}"] = item["name"]
        ws[f"{SELF['spending_amount']}{SELF['income_first_row'] + i}"] = _num(item["amount"])
    ws[SELF["goal_expected"]] = se["goal"]["expected"]
    ws[SELF["goal_actual"]] = se["goal"]["actual"]
    r = SELF["grid_first_row"]
    for block in se["indicators"]:
        for g, group in enumerate(block["groups"]):
            for k, row in enumerate(group["rows"]):
                values = (block["label"] if g == 0 and k == 0 else None, group["level2"] if k == 0 else None,
                          row["name"], row["target"], row["actual"], _num(row["weight"]), _num(row["score"]),
                          row["reason"] or None)
                for col, value in zip(SELF["grid_columns"], values):
                    ws[f"{col}{r}"] = value
                r += 1
    ws[f"{SELF['total_weight']}{SELF['total_row']}"] = _num(se["total"]["weight"])
    ws[f"{SELF['total_score']}{SELF['total_row']}"] = _num(se["total"]["score"])

    ws = wb["自评报告"]
    ws[REPORT["title"]] = report["title"]
    lines = []

    def walk(sections):
        for section in sections:
            lines.append(section["heading"])
            lines.extend(t for t in section["text"].split("\n") if t)
            walk(section.get("subsections", []))

    walk(report["sections"])
    for row in range(REPORT["first_row"], ws.max_row + 1):
        ws[f"A{row}"] = None
    for i, line in enumerate(lines):
        ws[f"A{REPORT['first_row'] + i}"] = line
    wb.save(path)
    return path


#: A project filing as a person types it into `jixiao template xlsx --form project`.
PROJECT_FILING = {
    "year": 2023, "project": "农村饮水安全巩固提升工程", "project_category": "专项资金",
    "supervisor": "攸县水利局", "implementer": "攸县农村供水服务中心",
    # 年初预算数 全年预算数 全年执行数 分值 执行率 得分, per funding row (年度资金总额, 其中：财政拨款, 上年结转, 其他资金)
    "funding": [(100, 120, 114, 10, 0.95, 9.5), (80, 100, 96, None, 0.96, None), (20, 20, 18, None, 0.9, None),
                (None, None, None, None, None, None)],
    "goal": ("完成10处农村饮水工程建设，受益人口2万人。", "完成10处工程，受益人口2.1万人。"),
    "rows": [  # 一级 二级 三级 年度指标值 实际完成值 分值 得分 偏差原因
        ("产出指标", "数量指标", "新建供水工程数量", "≥10处", "10处", 20, 20, None),
        (None, "质量指标", "工程验收合格率", "100%", "100%", 15, 15, None),
        (None, "时效指标", "按期完工率", "≥95%", "90%", 15, 13, "部分工程受汛期影响延期，下年提前开工"),
        ("效益指标", "社会效益指标", "受益人口", "≥2万人", "2.1万人", 30, 30, None),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "95%", 10, 10, None),
    ],
    "total": (100, 97.5),
}


def fill_project_template(path: Path, filing: dict = PROJECT_FILING) -> Path:
    """Type a project filing (PROJECT_FILING's shape) into the blank project template at `path`."""
    import openpyxl

    from engine.importers.template import PROJECT

    wb = openpyxl.load_workbook(path)
    ws = wb["项目支出绩效自评表"]
    for key, ref in (("year", "year"), ("project", "project"), ("project_category", "category"),
                     ("supervisor", "supervisor"), ("implementer", "implementer")):
        ws[PROJECT[ref]] = filing[key]
    for i, values in enumerate(filing["funding"]):
        for col, value in zip(PROJECT["budget_columns"], values):
            ws[f"{col}{PROJECT['funding_first_row'] + i}"] = value
    ws[PROJECT["goal_expected"]], ws[PROJECT["goal_actual"]] = filing["goal"]
    for i, values in enumerate(filing["rows"]):
        for col, value in zip(PROJECT["grid_columns"], values):
            ws[f"{col}{PROJECT['grid_first_row'] + i}"] = value
    ws[f"{PROJECT['total_weight']}{PROJECT['total_row']}"], ws[f"{PROJECT['total_score']}{PROJECT['total_row']}"] = \
        filing["total"]
    wb.save(path)
    return path


# Top-level keys that cannot be derived from the form, and why. Nothing else is excluded when an
# imported case is compared with the hand-made one.
EXCLUDED = {
    "region": "湖南省 is not on the form (it names 株洲市渌口区 only); import takes it from --region",
    "source": "the hand-made case describes its transcription in words; import names the file it read",
    "review": "written by the importer only; the hand-made case has none (its items are tested below)",
    "format": "the importer writes jixiao-case/2; the hand-made seed is jixiao-case/1 (a subset of it)",
    "layout": "the importer names the layout family it read (national); the v1 seed has no such key",
}


def folded(self_evaluation: dict) -> dict:
    """A self-evaluation with jixiao-case/2's separate 指标性质 / 度量单位 columns folded into the
    values as one cell writes them ("≥" + "500" + "人次" -> "≥500人次"), to compare layouts."""
    import copy

    se = copy.deepcopy(self_evaluation)
    for block in se["indicators"]:
        for group in block["groups"]:
            for row in group["rows"]:
                nature, unit = row.pop("nature", ""), row.pop("unit", "")
                symbol = {"正向": "≥", "反向": "≤"}.get(nature, nature)
                if row.get("target"):
                    row["target"] = symbol + row["target"] + unit
                if row.get("actual") and re.fullmatch(r"[0-9.]+", row["actual"]):
                    row["actual"] = row["actual"] + unit
    return se


def without(data: dict, keys) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


def loaded(result) -> dict:
    """The case as `jixiao score` would load it from the YAML written."""
    from engine.importers import dump_case
    from engine.load import load_text
    from engine.validate import validate

    doc = load_text(dump_case(result.case), "imported.yaml")
    validate(doc, "case.schema.json")
    return doc.data
