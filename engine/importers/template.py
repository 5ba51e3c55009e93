"""`jixiao template xlsx [--form department|project]`: a blank workbook in the national layout
that imports back.

Department form (the default), sheets: 绩效目标表, 绩效自评表, 自评报告 (laid out like the
national forms, so `jixiao import` reads them with the same rules as a Word filing) and 填表说明
(skipped on import). Project form: 项目支出绩效自评表 (项目名称, 主管部门, 实施单位, 项目类别,
the funding rows 年度资金总额 / 其中：财政拨款 / 上年结转 / 其他资金, 年度总体目标, the indicator
grid, 总分) and 填表说明. Data
validation where it helps and never where it would refuse what real forms contain:

* 预算年度: a whole number 2000-2100 (the year is not otherwise on the self-evaluation);
* amounts, 分值, 得分: decimals ≥ 0 (分值 and 得分 ≤ 100), with an error on anything else;
* 一级指标 / 二级指标: the national names as a drop-down list that still accepts other text
  (local forms name groups differently);
* 指标值 / 完成值 stay free text ("≥95%", "28家企业帮扶28个村").

The layout constants below are also what tests use to fill the template in.
"""

from __future__ import annotations

import io

LEVEL1_CHOICES = ("产出指标（50分）", "效益指标（30分）", "满意度指标（10分）")
LEVEL2_CHOICES = ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
                  "生态效益指标", "可持续影响指标", "服务对象满意度指标")
INCOME_ROWS = ("一般公共预算", "政府性基金拨款", "纳入专户管理的非税收入拨款", "其他资金")
SPENDING_ROWS = ("基本支出", "项目支出")
REPORT_HEADINGS = (
    "一、部门基本情况", "二、一般公共预算支出情况", "三、政府性基金预算支出情况", "四、部门整体支出绩效情况",
    "五、存在的问题及原因分析", "六、下一步改进措施", "七、绩效自评结果拟应用和公开情况", "八、其他需要说明的情况",
)
INDICATOR_ROWS = 40  # blank indicator rows on each grid; more can be inserted above 总分
REPORT_ROWS_PER_HEADING = 4

# Where things are (1-based rows, column letters), for filling the template in.
TARGET = {
    "title": "A1", "year": "B2", "filing_unit": "B3", "unit": "B4", "total": "C5",
    "income_first_row": 7, "income_name": "B", "income_amount": "C",
    "spending_name": "D", "spending_amount": "E",
    "functions": "B11", "goal": "B12", "grid_header_row": 13, "grid_first_row": 14,
    "grid_columns": ("B", "C", "D", "E"),  # 一级 二级 三级 指标值
    "footer_row": 14 + INDICATOR_ROWS, "footer_values": ("B", "D", "F", "H"),
}
SELF = {
    "title": "A1", "year": "B2", "unit": "B3",
    "budget_row": 5, "budget_columns": ("C", "D", "E", "F", "G", "H"),  # 年初 全年 执行 分值 执行率 得分
    "income_first_row": 7, "income_name": "B", "income_amount": "C",
    "spending_name": "E", "spending_amount": "F",
    "goal_expected": "B12", "goal_actual": "F12",
    "grid_header_row": 13, "grid_first_row": 14,
    "grid_columns": ("B", "C", "D", "E", "F", "G", "H", "I"),  # 一级 二级 三级 指标值 完成值 分值 得分 偏差原因
    "total_row": 14 + INDICATOR_ROWS, "total_weight": "G", "total_score": "H",
}
REPORT = {"title": "A1", "first_row": 2}
PROJECT_FUNDING_ROWS = ("年度资金总额", "其中：财政拨款", "上年结转", "其他资金")
PROJECT = {
    "title": "A1", "year": "B2", "project": "B3", "category": "F3", "supervisor": "B4", "implementer": "F4",
    "budget_header_row": 5, "funding_first_row": 6,  # 年度资金总额 on row 6, then 其中：财政拨款 ...
    "budget_columns": ("C", "D", "E", "F", "G", "H"),  # 年初 全年 执行 分值 执行率 得分
    "goal_expected": "B11", "goal_actual": "F11",
    "grid_header_row": 12, "grid_first_row": 13,
    "grid_columns": ("B", "C", "D", "E", "F", "G", "H", "I"),  # 一级 二级 三级 指标值 完成值 分值 得分 偏差原因
    "total_row": 13 + INDICATOR_ROWS, "total_weight": "G", "total_score": "H",
}
FORMS = ("department", "project")

PROJECT_INSTRUCTIONS = (
    "填表说明（导入时不读本页）",
    "1. 本工作簿按全国项目支出绩效自评表的式样排版，填好后运行：",
    "   jixiao import 本文件.xlsx --output 案卷.yaml",
    "2. 项目名称、主管部门、实施单位、项目类别照批复填写；预算年度填四位数年度。",
    "3. 照原表填写，不要改写：指标值、完成值写原文，如 ≥95%、7人、107.57万元。",
    "4. 一级指标、二级指标可从下拉列表选择，也可直接填写；同一组的单元格可以合并，也可以逐行重复填写。",
    "5. 分值、得分、金额只填数字（金额单位万元）；没有的资金来源留空。指标行不够时，在“总分”行之前插入行。",
    "6. 导入后请查看案卷中的 review 列表：其中是导入时无法确定的单元格。",
)
INSTRUCTIONS = (
    "填表说明（导入时不读本页）",
    "1. 本工作簿按全国部门整体支出绩效目标表、绩效自评表和自评报告的式样排版，填好后运行：",
    "   jixiao import 本文件.xlsx --output 案卷.yaml",
    "2. 照原表填写，不要改写：指标值、完成值写原文，如 ≥95%、7人、107.57万元、28家企业帮扶28个村。",
    "3. 一级指标、二级指标可从下拉列表选择，也可直接填写；同一组的单元格可以合并，也可以逐行重复填写。",
    "4. 分值、得分、金额只填数字（金额单位万元）。指标行不够时，在“总分”行之前插入行。",
    "5. 自评报告：标题和每一段各占一行，如“一、部门基本情况”下一行写正文。",
    "6. 导入后请查看案卷中的 review 列表：其中是导入时无法确定的单元格。",
)


def _styles():
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(wrap_text=True, vertical="center"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "title": Font(bold=True, size=16),
        "bold": Font(bold=True),
    }


def _box(ws, cells: str, style) -> None:
    for row in ws[cells]:
        for cell in row:
            cell.border = style["border"]
            if cell.alignment is None or not cell.alignment.wrap_text:
                cell.alignment = style["wrap"]


def _label(ws, ref: str, text: str, style, merge: str | None = None) -> None:
    ws[ref] = text
    ws[ref].alignment = style["center"]
    ws[ref].font = style["bold"]
    if merge:
        ws.merge_cells(merge)


def _validations(ws):
    from openpyxl.worksheet.datavalidation import DataValidation

    year = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                          showErrorMessage=True, errorTitle="预算年度", error="请填写四位数年度，如 2023",
                          showInputMessage=True, promptTitle="预算年度", prompt="四位数年度，如 2023")
    money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                           showErrorMessage=True, errorTitle="金额", error="只填数字，单位万元",
                           showInputMessage=True, promptTitle="金额（万元）", prompt="只填数字，单位万元；没有则留空")
    points = DataValidation(type="decimal", operator="between", formula1="0", formula2="100",
                            showErrorMessage=True, errorTitle="分值/得分", error="只填 0-100 之间的数字",
                            showInputMessage=True, promptTitle="分值/得分", prompt="只填数字")
    level1 = DataValidation(type="list", formula1='"' + ",".join(LEVEL1_CHOICES) + '"', showErrorMessage=False,
                            showInputMessage=True, promptTitle="一级指标",
                            prompt="可从列表选择，也可照原表填写；括号中的分值照原表写")
    level2 = DataValidation(type="list", formula1='"' + ",".join(LEVEL2_CHOICES) + '"', showErrorMessage=False,
                            showInputMessage=True, promptTitle="二级指标", prompt="可从列表选择，也可照原表填写")
    for v in (year, money, points, level1, level2):
        ws.add_data_validation(v)
    return {"year": year, "money": money, "points": points, "level1": level1, "level2": level2}


def _sheet_head(ws, widths, title: str, title_cells: str, style) -> dict:
    """Column widths, the data validations and the merged title row every form sheet starts with."""
    for col, width in zip("ABCDEFGHIJ", widths):
        ws.column_dimensions[col].width = width
    v = _validations(ws)
    ws["A1"] = title
    ws["A1"].font = style["title"]
    ws["A1"].alignment = style["center"]
    ws.merge_cells(title_cells)
    return v


def _target_sheet(wb, style) -> None:
    ws = wb.active
    ws.title = "绩效目标表"
    v = _sheet_head(ws, (18, 22, 22, 30, 22, 14, 12, 14), "部门整体支出绩效目标表", "A1:E1", style)
    _label(ws, "A2", "预算年度", style)
    v["year"].add("B2")
    _label(ws, "A3", "填报单位", style)
    ws.merge_cells("B3:E3")
    _label(ws, "A4", "部门名称", style)
    ws.merge_cells("B4:E4")
    _label(ws, "A5", "年度预算申请（万元）", style, merge="A5:A10")
    ws["B5"] = "资金总额"
    v["money"].add("C5")
    ws.merge_cells("C5:E5")
    ws["B6"] = "按收入性质分："
    ws.merge_cells("B6:C6")
    ws["D6"] = "按支出性质分："
    ws.merge_cells("D6:E6")
    _funding_rows(ws, v, income=("B", "C"), spending=("D", "E"))
    _label(ws, "A11", "部门职能职责概述", style)
    ws.merge_cells("B11:E11")
    ws.row_dimensions[11].height = 60
    _label(ws, "A12", "整体绩效目标", style)
    ws.merge_cells("B12:E12")
    ws.row_dimensions[12].height = 45
    header = TARGET["grid_header_row"]
    last = TARGET["grid_first_row"] + INDICATOR_ROWS - 1
    _label(ws, f"A{header}", "年度绩效指标", style, merge=f"A{header}:A{last}")
    for col, text in zip(TARGET["grid_columns"], ("一级指标", "二级指标", "三级指标", "指标值")):
        _label(ws, f"{col}{header}", text, style)
    v["level1"].add(f"B{header + 1}:B{last}")
    v["level2"].add(f"C{header + 1}:C{last}")
    _box(ws, f"A2:E{last}", style)
    footer = TARGET["footer_row"]
    for col, text in zip("ACEG", ("填表人", "联系电话", "填报日期", "单位负责人签字")):
        _label(ws, f"{col}{footer}", text, style)
    ws[f"F{footer}"].number_format = 'yyyy"年"m"月"d"日"'
    ws[f"D{footer}"].number_format = "@"
    ws.freeze_panes = f"A{header + 1}"


def _funding_rows(ws, v, income: tuple[str, str], spending: tuple[str, str]) -> None:
    """The funding rows from row 7 down, by income and by spending: each (name column, amount
    column), the amount cells taking money."""
    for (name_col, money_col), names in ((income, INCOME_ROWS), (spending, SPENDING_ROWS)):
        for i, name in enumerate(names):
            ws[f"{name_col}{7 + i}"] = name
            v["money"].add(f"{money_col}{7 + i}")


def _self_sheet(wb, style) -> None:
    ws = wb.create_sheet("绩效自评表")
    v = _sheet_head(ws, (14, 18, 18, 30, 14, 14, 10, 10, 28), "部门整体支出绩效自评表", "A1:I1", style)
    _label(ws, "A2", "预算年度", style)
    v["year"].add("B2")
    _label(ws, "A3", "预算部门名称", style)
    ws.merge_cells("B3:I3")
    _label(ws, "A4", "年度预算申请（万元）", style, merge="A4:A10")
    for col, text in zip(SELF["budget_columns"], ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        _label(ws, f"{col}4", text, style)
    ws["B5"] = "年度资金总额"
    for col in ("C", "D", "E"):
        v["money"].add(f"{col}5")
    v["points"].add("F5")
    v["points"].add("H5")
    ws["G5"].number_format = "0.00%"
    ws["B6"] = "按收入性质分："
    ws.merge_cells("B6:D6")
    ws["E6"] = "按支出性质分："
    ws.merge_cells("E6:I6")
    _funding_rows(ws, v, income=("B", "C"), spending=("E", "F"))
    _goal_grid_and_total(ws, style, v, 11, SELF)


def _goal_grid_and_total(ws, style, v, goal: int, layout: dict) -> None:
    """The part both self-evaluation layouts share: 年度总体目标 (two rows from `goal`), the
    indicator grid at `layout`'s header row and columns, and the 总分 row, boxed; the header
    frozen."""
    _label(ws, f"A{goal}", "年度总体目标", style, merge=f"A{goal}:A{goal + 1}")
    _label(ws, f"B{goal}", "预期目标", style, merge=f"B{goal}:E{goal}")
    _label(ws, f"F{goal}", "实际完成情况", style, merge=f"F{goal}:I{goal}")
    ws.merge_cells(f"B{goal + 1}:E{goal + 1}")
    ws.merge_cells(f"F{goal + 1}:I{goal + 1}")
    ws.row_dimensions[goal + 1].height = 45
    grid = layout["grid_header_row"]
    last = layout["grid_first_row"] + INDICATOR_ROWS - 1
    _label(ws, f"A{grid}", "绩效指标", style, merge=f"A{grid}:A{last}")
    names = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    for col, text in zip(layout["grid_columns"], names):
        _label(ws, f"{col}{grid}", text, style)
    v["level1"].add(f"B{grid + 1}:B{last}")
    v["level2"].add(f"C{grid + 1}:C{last}")
    v["points"].add(f"G{grid + 1}:H{last}")
    total = layout["total_row"]
    _label(ws, f"A{total}", "总分", style, merge=f"A{total}:F{total}")
    v["points"].add(f"G{total}:H{total}")
    _box(ws, f"A2:I{total}", style)
    ws.freeze_panes = f"A{grid + 1}"


def _report_sheet(wb, style) -> None:
    ws = wb.create_sheet("自评报告")
    ws.column_dimensions["A"].width = 110
    ws["A1"] = "部门整体支出绩效自评报告"
    ws["A1"].font = style["title"]
    ws["A1"].alignment = style["center"]
    row = REPORT["first_row"]
    for heading in REPORT_HEADINGS:
        ws[f"A{row}"] = heading
        ws[f"A{row}"].font = style["bold"]
        for k in range(1, REPORT_ROWS_PER_HEADING + 1):
            ws[f"A{row + k}"].alignment = style["wrap"]
        row += 1 + REPORT_ROWS_PER_HEADING


def _instructions_sheet(wb, lines=INSTRUCTIONS) -> None:
    ws = wb.create_sheet("填表说明")
    ws.column_dimensions["A"].width = 110
    for i, line in enumerate(lines, start=1):
        ws[f"A{i}"] = line


def _project_sheet(wb, style) -> None:
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    p = PROJECT
    v = _sheet_head(ws, (14, 18, 18, 30, 14, 14, 10, 10, 28), "项目支出绩效自评表", "A1:I1", style)
    _label(ws, "A2", "预算年度", style)
    v["year"].add(p["year"])
    ws.merge_cells("B2:I2")
    _label(ws, "A3", "项目名称", style)
    ws.merge_cells("B3:D3")
    _label(ws, "E3", "项目类别", style)
    ws.merge_cells("F3:I3")
    _label(ws, "A4", "主管部门", style)
    ws.merge_cells("B4:D4")
    _label(ws, "E4", "实施单位", style)
    ws.merge_cells("F4:I4")
    header = p["budget_header_row"]
    first = p["funding_first_row"]
    last_money = first + len(PROJECT_FUNDING_ROWS) - 1
    _label(ws, f"A{header}", "项目资金（万元）", style, merge=f"A{header}:A{last_money}")
    for col, text in zip(p["budget_columns"], ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        _label(ws, f"{col}{header}", text, style)
    for i, name in enumerate(PROJECT_FUNDING_ROWS):
        row = first + i
        ws[f"B{row}"] = name
        for col in p["budget_columns"][:3]:
            v["money"].add(f"{col}{row}")
        ws[f"{p['budget_columns'][4]}{row}"].number_format = "0.00%"
        if i == 0:  # only the total row is scored; the 其中 rows leave 分值 and 得分 blank
            v["points"].add(f"{p['budget_columns'][3]}{row}")
            v["points"].add(f"{p['budget_columns'][5]}{row}")
    _goal_grid_and_total(ws, style, v, last_money + 1, p)


def build_workbook(form: str = "department"):
    import openpyxl

    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, not {form!r}")
    style = _styles()
    wb = openpyxl.Workbook()
    if form == "project":
        _project_sheet(wb, style)
        _instructions_sheet(wb, PROJECT_INSTRUCTIONS)
    else:
        _target_sheet(wb, style)
        _self_sheet(wb, style)
        _report_sheet(wb, style)
        _instructions_sheet(wb)
    wb.active = 0
    return wb


def workbook_bytes(form: str = "department") -> bytes:
    buffer = io.BytesIO()
    build_workbook(form).save(buffer)
    return buffer.getvalue()
