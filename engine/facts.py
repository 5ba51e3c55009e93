"""Facts stage: a Case, read under a pack's vocabulary, becomes narrow flat facts.

One fact per indicator row and one for the budget block; each carries only the fields rules
may test (listed in FACT_FIELDS, which lint uses too). Numbers are Decimal; a field that cannot
be known (an unparsable value, a unit mismatch) is absent, so no rule that needs it can match:
the engine never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cached_property

from .case import Budget, Case, IndicatorRow, ReviewItem
from .decimals import D, fmt, largest_remainder, round_half_up
from .errors import parse_path
from .values import MONEY_TO_WAN_EXPONENT, MONEY_UNIT, Value, comparable_numbers, comparison_doubts, date_span, notation_for, parse_value

NUM, STR, BOOL = "number", "string", "bool"

# Full-width punctuation read as its half-width form when template wording is looked for (forms
# print "结合自评情况，说明" and "结合自评情况,说明" alike).
_FOLD = str.maketrans({"，": ",", "。": ".", "（": "(", "）": ")", "：": ":", "；": ";", "、": ","})


def folded(text: str) -> str:
    """Text compared for template wording: half-width punctuation, no whitespace."""
    return "".join(str(text or "").split()).translate(_FOLD)

# Every field a rule condition may name, per fact kind, with its type.
FACT_FIELDS: dict[str, dict[str, str]] = {
    "indicator": {
        "kind": STR,
        "id": NUM,
        "section": STR,  # the pack's section key, e.g. 产出
        "level1": STR,
        "level2": STR,
        "name": STR,
        "direction": STR,  # positive | reverse | equal | qualitative | na | unknown | deadline
        "deadline_met": BOOL,  # deadline rows: done by the date the target names (absent: cannot tell)
        # a deadline met late: the pack's `late_deadline` (review | unmet | pro_rata), days late, and days
        # from 1 January of the deadline's year to the deadline and to the completion (pro-rata scoring)
        "late_deadline": STR, "late_days": NUM, "deadline_days": NUM, "actual_days": NUM,
        "target": NUM,
        "actual": NUM,
        "ratio": NUM,  # actual / target
        "shortfall_pp": NUM,  # 低于指标值的百分点: target − actual for percentages, else (target − actual) / target × 100
        "weight": NUM,
        "self_score": NUM,
        "qual_band": STR,  # the vocabulary band of a qualitative actual, e.g. 达成
        "target_kind": STR,  # quantity | compound | range | qualitative | na | empty | unparsed
        "actual_kind": STR,
        "target_comparator": STR,  # >= > <= < ==
        "actual_comparator": STR,  # a comparator written in the actual value ("≧92%")
        "units_match": BOOL,
        "has_reason": BOOL,  # 偏差原因 is more than boilerplate
        "actual_copies_target": BOOL,  # the actual cell is the target cell verbatim
        "states_target": BOOL,  # a qualitative actual in the qualitative target's own words (可持续 / 可持续)
        # the actual is one of the pack's `target_affirmations` ("实际按该标准发放"): the department says the
        # target was met as set, without a figure (read only where nothing else reads the row)
        "affirms_target": BOOL,
        "unsure": BOOL,  # the parser is unsure of the target or the actual (engine.values doubts)
        "readable": BOOL,  # false: a value could not be read for sure (the row is 待复核, see Fact.review)
        "core": BOOL,  # 是否核心指标 / ★ (v2 forms that mark it)
        # Where the row is filed, by the pack's vocabulary (level2_classes, name_classes ...):
        "level2_class": STR, "name_class": STR,
        "level2_unlikely": BOOL,  # the name belongs to another 二级指标 class, or lacks the words its class needs
        "level1_unlikely": BOOL,  # the 二级指标 belongs to another 一级指标 (经济效益 under 产出, 数量 under 项目决策)
        "amount_as_output": BOOL,  # an amount of money (元, 万元, a name ending in 金额/经费) as a 数量/质量/时效 indicator
        "amount_named_rate": BOOL,  # a name for an amount (…额, amount_measure_names) measured in % alone, no rate word (rate_name_words)
        "restated_projection": BOOL,  # a projected duration (projection_names: 使用年限) whose actual is the target's figure
        "self_share": NUM,  # self score / weight, when the row states both
        "bounded_rate": BOOL, "target_pct": NUM,  # a rate that cannot exceed 100 % (bounded_rates), the target in %
        "block_share": NUM, "block_rows": NUM,  # the row's weight / its 一级指标 block's stated row weights, rows in it
        "score_blank": BOOL,  # no 得分 on a row holding a value and a weight, while other rows of the table have one
        "criteria_mismatch": BOOL,  # the 评分标准 states a rate under another name than the row's (scoresheets)
        "target_vague": BOOL,  # a qualitative target that states only a direction (vague_targets: 不断提升 …)
        "not_an_indicator": BOOL,  # name or target says there is nothing to measure (not_indicator_words: 无经济效益 …)
        "completion_pct": NUM,  # the row's 完成率 as the filing states it ("99.14%" -> 99.14), read for sure
        "filing_full_marks": BOOL,  # the stated 自评总分 (table or report) is the form's maximum: every row at full marks
        # the row's weight is an equal share of a heading's points that the department's own 得分 contradict
        # (a row of the heading scored above its share): its self score is not compared with the rule's
        "share_contradicted": BOOL,
        "in_review": BOOL,  # the case's own review: list names this row or one of its cells (import or transcription unsure)
        "criteria_unsure": BOOL,  # the 评分标准 text holds a comparator misread by OCR ("控制率Q100%")
        "child": BOOL,  # a "其中" row read under its parent (the pack's `judge_children`): its parent carries the points
    },
    "budget": {
        "kind": STR,
        "id": NUM,
        "initial": NUM,  # 年初预算数
        "full_year": NUM,  # 全年预算数 (A)
        "executed": NUM,  # 全年执行数 (B)
        "weight": NUM,
        "self_score": NUM,
        "rate": NUM,  # B / A in percent: 95 % is 95 (FIELD_UNITS)
        # the total row left at 0 or blank while its "其中" funding rows state the amounts: the
        # figures above are the funding rows' sums (the pack's `budget_from_funding_rows`)
        "from_parts": BOOL,
        "adjustment_rate": NUM, "adjustment_abs": NUM,  # (全年预算数 − 年初预算数) / 年初预算数, in %
        "adjustment_amount": NUM, "adjustment_amount_abs": NUM,  # 全年预算数 − 年初预算数
        "adjustment_explained": BOOL,  # an 调整原因 cell, or the report names the adjustment
        # (全年执行数 − 年初预算数) / 年初预算数, in %: how far spending moved from the initial
        # budget (what a form stating no 全年预算数 still shows)
        "executed_change_rate": NUM, "executed_change_abs": NUM,
        "funding_rows_scored": NUM,  # "其中" funding rows that carry a 分值 or 得分 of their own
    },
    "sum": {
        "kind": STR, "id": NUM,
        "check": STR,  # target_by_income target_by_spending funding_by_income funding_by_spending statement
        #                includes cost_vs_spending self_scores_vs_total weights_vs_stated_total
        #                weights_vs_pack section_points section_vs_pack section_vs_note children_target
        #                children_actual
        "total": NUM, "parts_sum": NUM, "diff": NUM, "abs_diff": NUM, "parts": NUM,
        "mixed_units": BOOL,  # "其中" parts in units that do not convert to the parent's
        "incomplete": BOOL,  # parts or the total not stored in the filing / review items: cannot be checked
    },
    "share": {"kind": STR, "id": NUM, "stated": NUM, "computed": NUM, "diff": NUM, "abs_diff": NUM,
              "amount": NUM, "total": NUM,
              "stated_places": NUM,  # decimals written in the stated share ("67%" -> 0)
              "exact_abs_diff": NUM},  # |stated − amount / total × 100|, unrounded
    "share_total": {"kind": STR, "id": NUM, "stated_sum": NUM, "diff": NUM, "abs_diff": NUM, "shares": NUM},
    "rate": {"kind": STR, "id": NUM, "stated": NUM, "computed": NUM, "diff": NUM, "abs_diff": NUM,
             "stated_places": NUM, "exact_abs_diff": NUM,
             "truncated_abs_diff": NUM},  # |stated − B / A truncated to the stated decimals|
    "target_match": {"kind": STR, "id": NUM, "row": NUM, "found": BOOL, "same_target": BOOL,
                     "same_unit": BOOL, "same_number": BOOL},
    "document": {
        "kind": STR, "id": NUM, "year": NUM, "initial": NUM, "full_year": NUM, "executed": NUM,
        "target_budget": NUM, "target_budget_diff": NUM, "target_budget_abs_diff": NUM,
        "target_date_days_into_year": NUM,  # negative: dated before the fiscal year
        "published_days_after_year_end": NUM,  # the earlier of `published` and the table's 填报日期 − 31 Dec of its year (≤ 0: not yet closed)
        "rows": NUM, "all_full_marks": BOOL, "any_reason": BOOL, "survey_mentioned": BOOL,
        "money_ratio": NUM,  # largest / smallest of 年初、全年预算数、执行数、目标表资金 (元 under 万元: ~10000)
        "template_rows": NUM,  # rows left from the template: "……" (template_row_names), a bare "指标2:"
        "numbered_names": NUM,  # rows whose name keeps the template's numbering ("指标1:…", template_name_prefixes)
        "copied_rows": NUM,  # rows whose actual is the target verbatim, comparator and all ("≥266米" as the actual)
        "copied_share": NUM,  # copied_rows / rows with an actual
    },
    "text_cell": {
        "kind": STR, "id": NUM,
        "template": BOOL,  # the cell holds the form's printed instructions (placeholder_texts)
        "copies_goal": BOOL,  # the goal's 完成情况 is its 预期目标 verbatim
    },
    "header": {  # the table's 单位 cell, a title or the published file name (engine/facts_header.py)
        "kind": STR, "id": NUM,
        "unit_cell_blank": BOOL,  # the table has a 单位 cell and it is blank (v2 self_evaluation.unit: "")
        "titles_other_year": BOOL,  # the title names years and none is the case's year
    },
    "item_grade": {  # a grade the report gives a scored item (engine/facts_grades.py)
        "kind": STR, "id": NUM,
        "share": NUM,  # score / weight × 100, in percent
        "grade_matches": BOOL,  # the stated grade is the pack's band for the share (score / weight × total)
    },
    "scored_row": {
        "kind": STR, "id": NUM, "row": NUM, "section": STR, "level2": STR, "direction": STR, "rule": STR,
        "rule_score": NUM, "weight": NUM, "declared_weight": NUM, "self_score": NUM, "diff": NUM, "abs_diff": NUM,
        "rule_full": BOOL, "self_full": BOOL, "self_over_weight": BOOL, "self_share": NUM, "has_reason": BOOL,
        "survey_mentioned": BOOL,
        "actual_comparator": STR, "actual_copies_target": BOOL, "units_match": BOOL, "ratio": NUM,
        "target_kind": STR, "actual_kind": STR, "actual": NUM, "qual_band": STR,
        "states_target": BOOL,  # a qualitative actual in the target's own words: met as targeted
        "comparable": BOOL,  # the rules could compare target and actual (else: a review item)
        "self_places": NUM,  # decimals written in the self score ("1.4" -> 1); rescaled: the pack's places
        "level2_class": STR, "name_class": STR, "level2_unlikely": BOOL,  # by the pack's vocabulary
        "target_comparator": STR, "actual_pct": NUM, "bounded_rate": BOOL, "units_missing": BOOL,
        "block_share": NUM, "block_rows": NUM,  # the row's weight / its 一级指标 block's, rows in the block
        "verdict": STR,  # a row judged without points (outcome judged): met | unmet | partial; absent when scored
    },
    "scored_budget": {
        "kind": STR, "id": NUM, "rule": STR, "rule_score": NUM, "weight": NUM, "declared_weight": NUM,
        "self_score": NUM, "self_blank": BOOL, "self_negative": BOOL, "self_over_weight": BOOL,
        "diff": NUM, "abs_diff": NUM, "full_year": NUM, "executed": NUM, "over_budget": BOOL, "over_amount": NUM,
        "declared_weight_diff": NUM,  # the form's 分值 − the pack's weight (absent when equal or not stated)
    },
    "filing": {
        "kind": STR, "id": NUM, "rule_total": NUM, "self_total": NUM, "max_total": NUM, "diff": NUM, "abs_diff": NUM,
        "rows_full": NUM, "rows_partial": NUM, "rows_zero": NUM, "rows_review": NUM, "rows_na": NUM,
        "rows_judged": NUM,  # rows the form gives no points, judged met / unmet without points ("其中" rows not counted)
        "year_stated": BOOL,  # the filing states its fiscal year (not supplied by --year)
        "total_weight": NUM, "total_score_blank": BOOL,  # the 合计 row states points but no self total
        "rows_listed": NUM, "rows_filled": NUM,  # indicator rows named; of them, with an actual or a score
        "rows_share_contradicted": NUM,  # rows whose heading share the department's own 得分 contradict
        "report_total": NUM, "report_table_abs_diff": NUM,  # the report's stated 自评总分, its gap to the table's
    },
    "goal": {
        "kind": STR, "id": NUM,
        "expected_blank": BOOL,
        "expected_amount_only": BOOL,  # 预期目标 is only an amount ("43.2")
        "expected_is_project": BOOL,  # 预期目标 is the project's name
        "actual_copies_expected": BOOL,  # 实际完成情况 is 预期目标 word for word
        "other_year": BOOL,  # 预期目标 names only years before the filing's ("2022年…" in a 2023 form)
        "expected_arrangement_only": BOOL,  # 预期目标 states how the money is set or paid, no figure, no aim (goal_arrangement_words)
    },
    "project_score": {
        "kind": STR, "id": NUM, "score": NUM,
        "grade_blank": BOOL,  # the list has a 自评等级 column, left blank for this project
        "grade_matches": BOOL,  # the stated grade is the pack's band for the score
    },
    "figure": {  # a named item the report gives an amount in two places (案件审判 414.35 / 411.95)
        "kind": STR, "id": NUM, "amount": NUM, "first_amount": NUM, "diff": NUM, "abs_diff": NUM,
    },
    "report_indicator": {  # an indicator the report restates (report.indicators) against the table's row
        "kind": STR, "id": NUM, "row": NUM,
        "same_target": BOOL, "same_actual": BOOL,  # by value where both read (units converted), else as written
    },
    "report_spending": {  # money the report says was put in against the execution the filing claims
        "kind": STR, "id": NUM,
        "spent_share": NUM,  # the restated money indicator's actual / its target (the whole budget), in %
        "claimed_rate": NUM,  # the stated 执行率 (table, else report), in %
        "gap_pp": NUM,  # claimed_rate − spent_share, percentage points
        "claimed_full": BOOL,  # an execution item (budget_rate_words) or the budget row scored at full marks
    },
    "claim": {  # the filing says its targets were all met (completion_claims), and its rows
        "kind": STR, "id": NUM,
        "claims_complete": BOOL,
        "rows_unmet": NUM,  # rows whose values were read and fall short of the target (whatever their score;
        #                     a qualitative actual counts in the pack's claim_unmet_bands)
        "rows_unread": NUM,  # rows whose values could not be compared (never counted as unmet)
    },
    "scored_group": {  # a level-2 group whose 得分 cell is merged over its rows (group `score`)
        "kind": STR, "id": NUM, "section": STR, "level2": STR, "self_score": NUM, "rule_score": NUM, "weight": NUM,
        "rows": NUM, "rows_review": NUM, "diff": NUM, "abs_diff": NUM, "self_over_weight": BOOL,
    },
}

# What each fact kind is, in words (rule documentation and `--why` reports).
FACT_KIND_TITLES: dict[str, str] = {
    "indicator": "自评表的一个指标行（评分）",
    "budget": "预算执行情况（评分）",
    "scored_row": "评分之后的一个指标行：规则得分与自评得分（审核）",
    "target_match": "自评表的一行与绩效目标表的对应行（审核）",
    "sum": "一个合计与它的各分项（对账）",
    "share": "报告中的一个占比与“金额 ÷ 合计”（对账）",
    "share_total": "报告中一组占比之和（对账）",
    "rate": "所填执行率与“执行数 ÷ 预算数”（对账）",
    "document": "整个案卷：目标表日期与金额、预算调整、满分与偏差说明（审核）",
    "scored_budget": "评分之后的预算执行率行：执行数与预算数、自评得分与规则得分（审核）",
    "filing": "评分之后的整份自评：自评总分与规则总分、报告所述自评分、各类结果的行数、年度、是否填写（审核）",
    "goal": "年度总体目标：预期目标与实际完成情况（审核）",
    "project_score": "报告所列一个项目的自评分与自评等级（审核）",
    "scored_group": "评分之后得分栏按二级指标合并的一组：合并格所填得分与组内各行规则得分之和（审核）",
    "text_cell": "表中的一个文字单元格：年度目标完成情况、评价结论、存在问题、改进措施、指标值（审核）",
    "header": "表头与标题：单位一栏、自评表和报告标题、公开时的文件名（审核）",
    "item_grade": "报告所列得分项（一级指标等）的得分、分值与所写等级（审核）",
    "figure": "报告两处为同一项目所述的金额（对账）",
    "report_indicator": "报告复述的一个指标与自评表的对应行（审核）",
    "report_spending": "报告所述资金投入（支出）与所称的预算执行情况（审核）",
    "claim": "报告或自评表称目标已全部完成，与各指标的完成情况（审核）",
}

# The values an enumerated string field can take, wherever it appears (lint flags a condition
# comparing one with anything else: it could never hold). Pack-defined values (section keys,
# qualitative bands) are not listed here: lint takes them from the pack.
_VALUE_KINDS = ("quantity", "compound", "range", "qualitative", "na", "empty", "unparsed")
_COMPARATORS = (">=", ">", "<=", "<", "==")
FIELD_VALUES: dict[str, tuple[str, ...]] = {
    "direction": ("positive", "reverse", "equal", "qualitative", "na", "unknown", "deadline"),
    "late_deadline": ("review", "unmet", "pro_rata"),
    "target_kind": _VALUE_KINDS,
    "actual_kind": _VALUE_KINDS,
    "target_comparator": _COMPARATORS,
    "actual_comparator": _COMPARATORS,
    "verdict": ("met", "unmet", "partial"),
    "check": ("target_by_income", "target_by_spending", "funding_by_income", "funding_by_spending", "funding_rows_initial",
              "funding_rows_full_year", "funding_rows_executed", "goal_parts", "count_parts", "count_items", "statement",
              "includes", "cost_vs_spending", "self_scores_vs_total", "weights_vs_stated_total", "weights_vs_pack",
              "section_points", "section_vs_pack", "section_vs_note", "children_target", "children_actual"),
}

# Fields that hold a percentage, as a number of percent: 95 % is 95, never 0.95 (lint warns when
# a condition compares one with a fraction-looking value).
FIELD_UNITS: dict[str, dict[str, str]] = {
    "budget": {"rate": "percent", "adjustment_rate": "percent", "executed_change_rate": "percent",
               "executed_change_abs": "percent"},
    "share": {"stated": "percent", "computed": "percent"},
    "share_total": {"stated_sum": "percent"},
    "rate": {"stated": "percent", "computed": "percent"},
    "item_grade": {"share": "percent"},
    "report_spending": {"spent_share": "percent", "claimed_rate": "percent"},
}

# Placeholders a rule's message may use, per fact kind (besides the scoring ones below).
MESSAGE_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "indicator": ("name", "level1", "level2", "row", "target", "actual", "target_text", "actual_text", "qual_band",
                  "review_notes", "self_score", "weight", "criteria", "ratio_pct", "block_pct", "block", "criteria_notes",
                  "completion", "qual_note", "affirmation"),
    "budget": ("name", "label", "initial", "full_year", "executed", "rate", "rate_text", "adjustment_rate",
               "adjustment_amount", "funding_rows", "funding_rows_scored_text", "stated_initial", "stated_full_year",
               "stated_executed", "executed_change_rate", "executed_change_amount", "executed_change_direction"),
    "sum": ("subject", "total", "parts_sum", "diff", "abs_diff", "parts_text", "check"),
    "share": ("statement", "item", "stated", "computed", "amount", "total", "diff", "abs_diff", "share_text"),
    "share_total": ("statement", "stated_sum", "diff", "shares_text"),
    "rate": ("source", "stated", "computed", "executed", "full_year", "diff", "name"),
    "target_match": ("name", "row", "target", "table_target", "table_unit", "unit"),
    "document": ("unit", "year", "initial", "full_year", "target_budget", "target_budget_diff", "target_date",
                 "target_date_iso", "target_date_days_into_year", "money_figures", "template_rows", "numbered_names",
                 "copied_rows", "copied_rows_text", "published", "published_how", "published_iso", "year_end",
                 "published_days_before_year_end"),
    "text_cell": ("name", "cell", "text", "template_text", "row"),
    "header": ("name", "text", "year", "title_years"),
    "item_grade": ("name", "score", "weight", "share", "grade", "band"),
    "scored_row": ("name", "level2", "row", "target", "actual", "target_text", "actual_text", "qual_band", "rule_score",
                   "weight", "self_score", "diff", "abs_diff", "self_pct", "ratio_pct", "rule", "block_pct",
                   "review_notes"),
    "scored_budget": ("name", "rule", "rule_score", "weight", "declared_weight", "self_score", "full_year",
                      "executed", "over_amount", "rate", "diff", "declared_weight_diff"),
    "scored_group": ("level2", "names", "self_score", "rule_score", "weight", "rows", "diff", "abs_diff"),
    "filing": ("rule_total", "self_total", "max_total", "diff", "abs_diff", "direction", "rows_full", "rows_partial", "rows_zero",
               "rows_review", "rows_na", "rows_judged", "total_weight", "rows_listed", "rows_filled", "share_contradicted_rows", "report_total", "report_table_diff"),
    "goal": ("name", "label", "expected", "actual", "project", "year", "goal_years"),
    "project_score": ("name", "score", "grade", "band"),
    "figure": ("name", "amount", "first_amount", "where", "first_where", "diff", "abs_diff"),
    "report_indicator": ("name", "row", "report_target", "table_target", "report_actual", "table_actual"),
    "report_spending": ("name", "indicator", "target", "actual", "spent_share", "claimed_rate", "claimed", "gap_pp"),
    "claim": ("name", "where", "claim", "sentence", "rows_unmet", "unmet_rows", "rows_unread"),
}
SCORE_PLACEHOLDERS = ("weight", "score", "deduction", "formula", "self_score")

# Names a score formula may use (besides its method's parameters).
SCORE_VARIABLES = ("weight", "target", "actual", "ratio", "shortfall_pp", "self_score", "initial", "full_year",
                   "executed", "rate", "deadline_days", "actual_days")

_DIRECTION_OF = {">=": "positive", ">": "positive", "<=": "reverse", "<": "reverse", "==": "equal"}
_COMPARABLE = ("quantity", "compound")


@dataclass(frozen=True)
class Fact:
    kind: str
    id: int
    fields: dict  # the flat fact the matcher sees (None = missing)
    section: str  # section key the fact's points go to
    item: str  # what the ledger calls it: the indicator name, or 预算执行率
    row: IndicatorRow | None = None
    target: Value | None = None
    actual: Value | None = None
    # The message placeholders describing the inputs, or a function that makes them: most check
    # facts match no rule, so their text is only made when a message needs it (`display`).
    describe: dict | Callable[[], dict] = field(default_factory=dict, repr=False, compare=False)
    # Why the row cannot be scored for sure (待复核), in Chinese; None when it can. A row under
    # review is kept out of the total and never reported as unmet or over-scored.
    review: str | None = None
    weight_source: str = "row"  # row | level2 | level1: where the row's weight was read
    # The row's cells a case `review:` item doubts ("unit", "target"; "" the row as a whole): the
    # fields read from them are absent (engine.facts.CELL_FIELDS)
    doubted: frozenset = frozenset()
    # A row 待复核 only for doubted cells that feed nothing but these fields (SCOPED_CELLS): the
    # score rule that reads none of them (nor does any rule before it) still scores the row, the
    # review item staying listed (engine.score.scope_allows). None: the review holds the row.
    scoped_fields: frozenset | None = None

    @cached_property
    def display(self) -> dict:
        """Message placeholders describing the inputs: '≥95%', '92%', the row number..."""
        return self.describe() if callable(self.describe) else self.describe


def display_value(value: Value | None, comparator: bool = True) -> str:
    """A parsed value shown the way the explanation writes it: '≥95%', '92%', '107.57万元'.
    Actual values are shown without a comparator: "≧92%" as an actual is the number 92%."""
    if value is None:
        return ""
    if value.kind not in _COMPARABLE:
        return value.text
    symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}.get(value.comparator or "", "") if comparator else ""
    return symbol + "、".join(_as_written_unit(q) for q in value.quantities)


def _as_written_unit(q) -> str:
    """A quantity in the money unit its cell was written in: the parser compares money in 万元,
    but a department that wrote "72890" in a 元 column reads "72890元", not "7.289万元". Other
    units (and a money unit the table does not know) are shown as read."""
    exponent = MONEY_TO_WAN_EXPONENT.get(q.written_unit)
    if q.unit == MONEY_UNIT and exponent:
        return f"{fmt(q.number.scaleb(-exponent))}{q.written_unit}"
    return f"{fmt(q.number)}{q.unit}"


def _comparable_pairs(target: Value, actual: Value, notation) -> list[tuple[Decimal, Decimal]] | None:
    """(target, actual) numbers in one unit per part; None when a unit cannot be compared."""
    if len(target.quantities) != len(actual.quantities):
        return None
    pairs = [comparable_numbers(t, a, notation) for t, a in zip(target.quantities, actual.quantities)]
    return None if any(p is None for p in pairs) else pairs


def _limiting_pair(pairs: list[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal]:
    """For compound values ("28家企业帮扶28个村") the part with the lowest completion decides."""
    return min(pairs, key=lambda p: (p[1] / p[0]) if p[0] else Decimal(0))


def review_notes(target: Value, actual: Value, direction: str) -> tuple[str, ...]:
    """What a person must look at before this row can be compared: the parser's doubts about
    either cell, a bound written as an actual, a cell that could not be read at all."""
    cells = (("指标值", target), ("实际完成值", actual))
    notes = [f"{label}“{value.text.strip()}”：{d}" for label, value in cells for d in value.doubts]
    notes.extend(comparison_doubts(target, actual, direction))
    for label, value in cells:
        if value.kind == "unparsed":
            notes.extend(f"{label}“{value.text.strip()}”：{n}" for n in value.notes)
    return tuple(dict.fromkeys(notes))


def _direction(row: IndicatorRow, target: Value, actual: Value, vocabulary: dict) -> str:
    if row.name.strip() in (vocabulary.get("not_applicable") or ("无", "/", "／")) or target.kind in ("na", "empty") and actual.kind in ("na", "empty"):
        return "na"
    if target.kind == "qualitative" or (actual.kind == "qualitative" and target.kind not in _COMPARABLE):
        return "qualitative"
    if target.kind in _COMPARABLE:
        if target.comparator:
            return _DIRECTION_OF[target.comparator]
        implied = vocabulary.get("implied_direction") or {}
        by_level2 = implied.get("by_level2") or {}
        if row.level2.strip() in by_level2:
            return by_level2[row.level2.strip()]
        for word, direction in (implied.get("by_name") or {}).items():  # 预算调整率, 结转结余率 …
            if word and word in row.name:
                return direction
        return implied.get("default", "positive")
    return "unknown"


def _deadline(row: IndicatorRow, target: Value, actual: Value, direction: str, vocabulary: dict):
    """Dates are compared as dates, never as quantities ("2023年12月" is not 2023 and 12):
    (True, None) done by the deadline the target names, (False, None) done after it, ("", None)
    the two overlap (a month against a day in it); (None, why) one cell is a date and the other a
    number: a review item; (None, None) not a date row. Which units are date parts is the
    pack's `date_units`."""
    units = vocabulary.get("date_units") or {}
    if not units or direction in ("na", "qualitative"):
        return None, None
    t, a = date_span(target, units), date_span(actual, units)
    if not t and not a:
        return None, None
    if t and a and target.comparator in (None, "<=", "<") and actual.comparator in (None, "<=", "<"):
        if a[1] <= t[1]:
            return True, None
        return (False if a[0] > t[1] else ""), None
    if (t and actual.kind in _COMPARABLE) or (a and target.kind in _COMPARABLE):
        return None, f"指标值“{row.target}”与实际完成值“{row.actual}”一个是日期、一个不是（或写有不同的比较符），无法按日期比较"
    return None, None


#: What a deadline met late is, by the pack's `late_deadline` (a review item unless it says).
LATE_DEADLINE = ("review", "unmet", "pro_rata")


def _lateness(target: Value, actual: Value, vocabulary: dict) -> dict:
    """A deadline met late: the pack's reading of it (`late_deadline`), the days late, and the
    days from 1 January of the deadline's year to the deadline and to the completion, each
    counted to the last day its cell names ("2023年10月" is 31 October), for a pro-rata score."""
    units = vocabulary.get("date_units") or {}
    t, a = date_span(target, units), date_span(actual, units)
    start = date(t[1].year, 1, 1)
    policy = vocabulary.get("late_deadline") or "review"
    return {"late_deadline": policy if policy in LATE_DEADLINE else "review", "late_days": (a[1] - t[1]).days,
            "deadline_days": (t[1] - start).days + 1, "actual_days": (a[1] - start).days + 1}


def _qual_reading(actual: Value, vocabulary: dict, target: Value | None = None) -> tuple[str | None, str]:
    """The band of a qualitative actual and, when it is not one of the band's own words, how the
    pack's vocabulary reads it (shown with the verdict): an actual that is the target's words with
    one degree word of `qualitative_degrees` put in ("企业较好把握…" for "企业把握…": the degree
    word's band), or the target's own words or grade (`qualitative_grades`). ("", "") aside, the
    band is None: words outside the pack's reading are never put in a band."""
    if actual.kind != "qualitative" or actual.label is None:
        return None, ""
    bands = vocabulary.get("qualitative_bands") or {}
    for band, words in bands.items():
        if actual.label in words:
            return band, ""
    degree = _degree_band(actual, target, vocabulary)
    if degree is not None:
        band, word = degree
        return band, (f"完成值是指标值“{target.label.strip()}”加上程度词“{word}”；程度词归档是本规则包的解读，"
                      f"见词表 qualitative_degrees")
    return _grade_band(actual, vocabulary, target), ""


def _degree_band(actual: Value, target: Value | None, vocabulary: dict) -> tuple[str, str] | None:
    """(band, degree word) when the actual is exactly the target's words with one degree word of
    the pack's `qualitative_degrees` put in somewhere ("企业较好把握正确政治导向…" for the target
    "企业把握正确政治导向…"), else None. Strict on purpose: taking the degree word out must leave
    the target's text itself (spaces and full-width punctuation aside), so the actual cannot drop,
    negate or change what the target promised; a paraphrase ("受目的国受众欢迎显著" for
    "获得目的国(地区)受众欢迎") is not read."""
    if target is None or target.kind != "qualitative" or not target.label or not actual.label:
        return None
    bands = vocabulary.get("qualitative_bands") or {}
    goal, said = folded(target.label), folded(actual.label)
    if not goal:
        return None
    for band, words in (vocabulary.get("qualitative_degrees") or {}).items():
        if band not in bands:
            continue
        for word in words or ():
            w = folded(str(word))
            if not w or said.count(w) != 1:
                continue
            at = said.index(w)
            if said[:at] + said[at + len(w):] == goal:
                return str(band), str(word)
    return None


def _grade_band(actual: Value, vocabulary: dict, target: Value | None) -> str | None:
    # A grade word ("高") says nothing alone ("低" is good for a risk): only the same grade as
    # the target's is read, as the pack's met band (vocabulary `qualitative_grades`).
    # The pack may also read any actual that states the target's own words as that band
    # (`qualitative_grades.same_text`: 指标值“可持续”、完成值“可持续”).
    grades = vocabulary.get("qualitative_grades") or {}
    label = actual.label.strip()
    if (target is not None and states_target(target, actual)
            and (label in (grades.get("words") or ()) or grades.get("same_text") is True)
            and grades.get("met_band") in (vocabulary.get("qualitative_bands") or {})):
        return grades["met_band"]
    return None


def affirmation(row: IndicatorRow, target: Value, vocabulary: dict) -> str:
    """The phrase of the pack's `target_affirmations` the actual consists of, or "": the department
    states the target was met as set, without a figure. Each phrase affirms one kind of target:
    `deadline` phrases ("在规定时间内完成") a target that is a date (`date_units`), `standard`
    phrases ("按该标准发放") a target that is a rate per unit ("260元/辆") or a row named for a
    standard (`standard_names`, "补助标准"). Strict: the folded actual must be one such phrase,
    optionally after one `lead_words` word (实际, 已 …), so nothing else (a negation, a hedge, a
    figure) can stand in it; "按时完成" says nothing about a count of 180 people."""
    table = vocabulary.get("target_affirmations") or {}
    said = folded(row.actual)
    if not said or target.kind in ("empty", "na"):
        return ""
    kinds = []
    if date_span(target, vocabulary.get("date_units") or {}):
        kinds.append("deadline")
    if target.kind == "quantity" and ("/" in (target.quantities[0].unit or "") or any(
            w and w in row.name for w in table.get("standard_names") or ())):
        kinds.append("standard")
    leads = ["", *(folded(str(p)) for p in table.get("lead_words") or () if p)]
    for kind in kinds:
        phrases = {folded(str(p)) for p in table.get(kind) or () if p}
        for lead in leads:
            if said.startswith(lead) and said[len(lead):] in phrases:
                return row.actual.strip()
    return ""


def states_target(target: Value, actual: Value) -> bool:
    """A qualitative actual that repeats the qualitative target's words (指标值“可持续”、完成值
    “可持续”; spaces and full-width punctuation aside): the department says the target was met,
    in the target's own terms."""
    return (target.kind == "qualitative" and actual.kind == "qualitative" and target.label is not None
            and actual.label is not None and bool(folded(actual.label))
            and folded(actual.label) == folded(target.label))


def has_reason(text: str, vocabulary: dict) -> bool:
    cleaned = text.strip().strip("\u3000")
    if cleaned in (vocabulary.get("missing_reason") or [""]):
        return False
    return len(cleaned) >= int(vocabulary.get("missing_reason_min_chars", 1))


_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


def criteria_doubts(text: str, notation) -> tuple[str, ...]:
    """A scoresheet's 评分标准 text with a comparator misread by OCR: a Latin look-alike from the
    pack's `ocr_comparators` standing between Chinese text and a number ("在职人员控制率Q100%"
    for "≦100%"). Only letters are read this way: a Chinese look-alike (至) is also a word."""
    notes = []
    for word, comparator in (notation.ocr or {}).items():
        if not word or not word.isascii() or not word.isalpha():
            continue
        for m in re.finditer(r"(?<=[\u4e00-\u9fff\s])" + re.escape(word) + r"(?=\s*[0-9])", text or ""):
            number = re.match(r"\s*[0-9][0-9.]*%?", text[m.end():]).group(0).strip()
            before = text[max(0, m.start() - 8):m.start()].strip()
            notes.append(f"评分标准“{before}{word}{number}”中的“{word}”可能是比较符“{_SIGNS.get(comparator, comparator)}”的OCR误读，请核对")
    return tuple(dict.fromkeys(notes))


def _review_reason(row: IndicatorRow, target: Value, actual: Value, fields: dict,
                   compare: bool = True, judge_unweighted: bool = False) -> str | None:
    """Why the row's values cannot be compared (a review item), or None. Not readable is not
    unmet: such a row is never scored as a shortfall. With `compare` False (a pack that scores
    the stated score, `vocabulary.compare_values: false`), only a damaged cell or a missing
    weight makes the row 待复核: words the rules would not compare do not. A row without a
    weight is 待复核 unless the pack judges such rows (`judge_unweighted`): then its values are
    compared as any row's, and only an unreadable value makes it 待复核."""
    if fields["direction"] == "na":
        return None
    notes = review_notes(target, actual, fields["direction"])
    if notes:
        return "；".join(notes)
    if fields["weight"] is None and not (judge_unweighted and compare):
        return "该行没有分值（行上和标题中都没有），无法计分"
    if not compare:
        return None
    if fields.get("affirms_target"):
        return None  # the rules decide (JX-S70 judges a row without points, JX-S71 holds a weighted one)
    if (fields["weight"] is None and fields.get("completion_pct") is not None and "ratio" not in fields
            and fields.get("qual_band") is None and fields.get("deadline_met") is None
            and actual.kind not in ("empty", "na", "unparsed")):
        # a row without points whose values cannot be compared, but whose 完成率 the department states
        # ("指标完成率99.14%"): the rules judge it on that statement (JX-S72 / JX-S73)
        return None
    if fields["direction"] == "unknown":
        return f"指标值“{row.target}”无法识别，无法与实际完成值比较"
    if actual.kind == "empty":
        return "实际完成值空白，无法判断是否完成"
    if actual.kind == "na":
        return f"实际完成值写作“{row.actual}”，无法判断是否完成"
    if actual.kind == "unparsed":
        return f"实际完成值“{row.actual}”无法识别"
    if target.kind in ("empty", "na", "unparsed") and fields["direction"] != "qualitative":
        return f"指标值“{row.target}”空白或无法识别"
    if fields.get("units_match") is False:
        return f"指标值“{row.target}”与实际完成值“{row.actual}”单位不同，无法换算比较"
    if fields["direction"] in ("positive", "reverse", "equal") and "actual" not in fields:
        return f"实际完成值“{row.actual}”与指标值“{row.target}”无法比较"
    if fields["direction"] == "deadline" and fields.get("deadline_met") is None:
        return f"实际完成时间“{row.actual}”与期限“{row.target}”有重叠，无法判断是否按期完成"
    if fields["direction"] == "qualitative" and actual.kind == "qualitative" and fields.get("qual_band") is None:
        return f"完成情况“{row.actual}”不在规则包的定性词表中，无法定档"
    return None


def class_of(text: str, classes: dict) -> str | None:
    """The first class (in pack order) one of whose words occurs in `text`."""
    for name, words in (classes or {}).items():
        if any(w and w in text for w in words or ()):
            return str(name)
    return None


def _level2_section(level2: str, vocabulary: dict) -> str | None:
    """The section a 二级指标 name belongs to by the pack's `section_by_level2` words."""
    level2 = level2.strip()
    if not level2:
        return None
    for key, words in (vocabulary.get("section_by_level2") or {}).items():
        if any(w and (level2 == w or level2.startswith(w)) for w in words or ()):
            return str(key)
    return None


def level_signals(row: IndicatorRow, section: str, target: Value, actual: Value, vocabulary: dict,
                  section_keys=None) -> dict:
    """Where a row is filed against what its words say, by the pack's vocabulary: the 二级指标
    class (`level2_classes`), the class its name suggests (`name_classes`), a class whose rows
    must name one of its words (`level2_name_words`: a 满意度 row that measures no 满意度) or none
    of another list (`level2_unlikely_words`: a 食品安全 rate under 生态效益), an
    amount of money filed as an output (`amount_units`, `amount_names`, `amount_unlikely_in`),
    and a 二级指标 under another 一级指标 (`section_by_level2`, when that names one of the pack's
    sections `section_keys`: a layout that pools every block in one section cannot tell). The
    pack's rules decide."""
    level2_class = class_of(row.level2, vocabulary.get("level2_classes") or {})
    name_class = class_of(row.name, vocabulary.get("name_classes") or {})
    name = row.name.strip()
    required = (vocabulary.get("level2_name_words") or {}).get(level2_class) if level2_class else None
    # a bare template row ("指标2", "指标1:/") names nothing that could be misfiled
    bare = numbered_name(name, vocabulary) and not re.sub(r"^\D*?[0-9０-９一二三四五六七八九十]+", "", name).strip(" :：/／")
    lacks_words = bool(required) and not bare and not any(w and w in name for w in required)
    # words a row under this class cannot be about (a 食品安全 rate is no 生态效益)
    foreign = (vocabulary.get("level2_unlikely_words") or {}).get(level2_class) if level2_class else None
    foreign_words = bool(foreign) and any(w and w in name for w in foreign)
    units = {q.unit for v in (target, actual) for q in v.quantities if q.unit}
    if getattr(row, "unit", "").strip():
        units.add(row.unit.strip())
    money = set(vocabulary.get("amount_units") or ())
    # a name ending in 经费 counts only when no other unit says what is counted ("办公经费 7人" counts people)
    amount = bool(units & money) or not units and any(w and name.endswith(w) for w in vocabulary.get("amount_names") or ())
    amount_as_output = amount and level2_class in (vocabulary.get("amount_unlikely_in") or ())
    # a name for an amount ("消费品零售额") measured in percent alone, with no word of a rate in it:
    # the values are a growth rate or a share, and the name does not say so
    amount_named_rate = units == {"%"} and any(w and name.endswith(w) for w in vocabulary.get("amount_measure_names") or ()) \
        and not any(w and w in name for w in vocabulary.get("rate_name_words") or ())
    level2_section = _level2_section(row.level2, vocabulary)
    if section_keys is not None and level2_section not in section_keys:
        level2_section = None
    # a projection (使用年限, 可持续影响年限) whose actual restates the target's figure: a duration of
    # effect cannot be measured within the budget year
    projection = any(w and w in name for w in vocabulary.get("projection_names") or ())
    restated_projection = projection and target.kind == "quantity" and actual.kind == "quantity" \
        and not actual.comparator and target.number is not None and actual.number == target.number \
        and actual.unit == target.unit
    return {
        "level2_class": level2_class,
        "name_class": name_class,
        "level2_unlikely": bool(name_class and level2_class and name_class != level2_class) or lacks_words
        or foreign_words or amount_as_output,
        "level1_unlikely": bool(level2_section and row.level1.strip() and level2_section != section),
        "amount_as_output": amount_as_output,
        "amount_named_rate": amount_named_rate,
        "restated_projection": restated_projection,
    }


# The measure a 评分标准 states: the words just before its first comparator symbol, after the last
# sentence break ("以100%为标准。在职人员控制率≦100%,计5分" -> 在职人员控制率).
_CRITERIA_TERM = re.compile(r"([^。；;，,：:\s（()）]{3,})\s*[≦≤≥≧=＝<>＜＞]")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」 \u3000")


def criteria_mismatch(name: str, criteria: str) -> bool:
    """Does the 评分标准 measure something the row's name does not (三级指标“财政供养人员控制率”,
    评分标准“在职人员控制率≦100%”)? Only a criteria text that names its measure before a
    comparator is compared; quotes and spaces are ignored."""
    m = _CRITERIA_TERM.search(criteria or "")
    if not m or not name.strip():
        return False
    term, own = m.group(1).translate(_QUOTES), name.translate(_QUOTES)
    return term not in own and own not in term


def _with_columns(text: str, row: IndicatorRow, notation, role: str, join_unit: bool = True) -> str:
    """A cell read with the row's own 指标性质 and 度量单位 columns (Sichuan and Chongqing forms
    state "≤" and "次" beside a bare "10"): the unit joins a number written without one, the
    comparator joins a target written without one, as the form means them. A column that is not
    a comparator (定量指标) or not a unit is left out; the cell as written is kept otherwise. A
    unit cell the case's review items doubt is not joined (`join_unit`): what the doubt does to
    the comparison is decided by `unit_doubt`, on the cells as written."""
    nature, unit = row.nature.strip(), row.unit.strip()
    if not (nature or unit) or not text.strip():
        return text
    value = parse_value(text, notation, role)
    if value.kind != "quantity":
        return text
    out = text.strip()
    if join_unit and unit and not value.quantities[0].written_unit:
        probe = parse_value("1" + unit, notation)
        if probe.kind == "quantity" and probe.quantities[0].unit_known and not probe.notes:
            out += unit
    if role == "target" and value.comparator is None and _is_comparator(nature, notation):
        out = nature + out
    return out


def _is_comparator(nature: str, notation) -> bool:
    """Whether a 指标性质 cell reads as a comparator ("≥", "≤", "="), not a word (定量指标)."""
    if not nature:
        return False
    probe = parse_value(nature + "1", notation)
    return probe.kind == "quantity" and probe.comparator is not None and not probe.notes


def indicator_fact(row: IndicatorRow, section: str, vocabulary: dict, weight: Decimal | None = None,
                   weight_source: str = "row", section_keys=None, in_review: bool = False, child: bool = False,
                   unit_doubted: bool = False) -> Fact:
    """The fact of one indicator row. `weight` is the row's weight when it comes from a heading
    (`weight_source` level2 / level1); by default the row's own. A "其中" row read under its
    parent (`child`) has no weight: its parent carries the points, the row is only judged."""
    notation = notation_for(vocabulary)
    target = parse_value(_with_columns(row.target, row, notation, "target", not unit_doubted), notation, "target")
    actual = parse_value(_with_columns(row.actual, row, notation, "actual", not unit_doubted), notation, "actual")
    direction = _direction(row, target, actual, vocabulary)
    deadline, date_doubt = _deadline(row, target, actual, direction, vocabulary)
    if deadline is not None:
        direction = "deadline"
    doubts = review_notes(target, actual, direction) if direction != "na" else ()
    if weight is None and weight_source == "row" and not child:
        weight = row.weight
    qual_band, qual_note = _qual_reading(actual, vocabulary, target) if direction == "qualitative" else (None, "")
    name_and_target = folded(f"{row.name} {row.target}")  # once, not once per word of the list below
    fields: dict = {
        "kind": "indicator",
        "id": row.number,
        "section": section,
        "level1": row.level1,
        "level2": row.level2,
        "name": row.name,
        "direction": direction,
        "weight": weight,
        "self_score": row.score,
        "target_kind": target.kind,
        "actual_kind": actual.kind,
        "target_comparator": target.comparator,
        "actual_comparator": actual.comparator,
        "has_reason": has_reason(row.reason, vocabulary),
        "actual_copies_target": bool(row.actual.strip()) and row.actual.strip() == row.target.strip(),
        "qual_band": qual_band,
        "states_target": direction == "qualitative" and states_target(target, actual),
        "core": row.core,
        "unsure": bool(doubts),
        **level_signals(row, section, target, actual, vocabulary, section_keys),
        "in_review": in_review,
        "criteria_mismatch": criteria_mismatch(row.name, getattr(row, "criteria", "")),
        "child": child,
        "target_vague": target.kind == "qualitative" and any(
            w and w in row.target for w in vocabulary.get("vague_targets") or ()),
        # the row states that there is nothing to measure ("社会公益服务无经济效益"): not an indicator
        "not_an_indicator": any(w and w in name_and_target for w in vocabulary.get("not_indicator_words") or ()),
    }
    completion = parse_value(row.completion, notation, "actual") if row.completion.strip() else None
    if (completion is not None and completion.kind == "quantity" and completion.unit == "%"
            and completion.comparator is None and not completion.uncertain):
        fields["completion_pct"] = completion.number  # the 完成率 the filing states for the row
    criteria_notes = criteria_doubts(row.criteria, notation) if row.criteria else ()
    fields["criteria_unsure"] = bool(criteria_notes)
    if direction == "deadline":
        fields["deadline_met"] = None if deadline == "" else deadline  # None: the dates overlap the deadline
        if deadline is False:
            fields.update(_lateness(target, actual, vocabulary))
    elif target.kind in _COMPARABLE and actual.kind in _COMPARABLE and not doubts:
        # A unit written on one side only ("≥50个" vs "50") is taken as the same unit; units of
        # one dimension convert by the pack's table ("26300米" vs "≥25公里").
        pairs = _comparable_pairs(target, actual, notation)
        fields["units_match"] = pairs is not None
        if pairs is not None:
            t, a = _limiting_pair(pairs)
            fields["target"], fields["actual"] = t, a
            if t:
                fields["ratio"] = a / t
                percent = all(q.unit == "%" for q in target.quantities)
                fields["shortfall_pp"] = (t - a) if percent else (t - a) / t * 100
    if row.score is not None and weight and not child:
        fields["self_share"] = row.score / weight
    fields["bounded_rate"] = any(w and w in row.name for w in vocabulary.get("bounded_rates") or ())
    if target.kind == "quantity" and not target.uncertain and target.unit == "%":
        fields["target_pct"] = target.number
    # The department states the target was met as set, in words the pack lists ("实际按该标准发放"):
    # read only where nothing else reads the row (no band, no compared numbers, no dates compared).
    affirmed = "" if (qual_band or "actual" in fields or fields.get("deadline_met") in (True, False)) \
        else affirmation(row, target, vocabulary)
    fields["affirms_target"] = bool(affirmed)
    compare = vocabulary.get("compare_values", True) is not False
    judge = vocabulary.get("unweighted_rows") == "judge" or child
    review = _review_reason(row, target, actual, fields, compare, judge) or (
        date_doubt if compare and not affirmed else None)
    fields["readable"] = review is None
    display = {
        "name": row.name,
        "level1": row.level1,
        "level2": row.level2,
        "row": str(row.number),
        "weight": fmt(weight),
        "self_score": fmt(row.score),
        # a date is shown as written ("2022年12月30日"), not as its parts
        "target": row.target.strip() if direction == "deadline" else display_value(target),
        "actual": row.actual.strip() if direction == "deadline" else display_value(actual, comparator=False),
        "target_text": row.target,
        "actual_text": row.actual,
        "qual_band": fields["qual_band"] or "",
        "review_notes": "；".join(doubts),
        "criteria": getattr(row, "criteria", ""),
        "ratio_pct": "" if fields.get("ratio") is None else f"{round_half_up(fields['ratio'] * 100, 2)}%",
        "criteria_notes": "；".join(criteria_notes),
        "completion": row.completion.strip(),
        "qual_note": f"（{qual_note}）" if qual_note else "",
        "affirmation": affirmed,
    }
    return Fact(kind="indicator", id=row.number, fields=fields, section=section, item=row.name,
                row=row, target=target, actual=actual, describe=display, review=review,
                weight_source=weight_source)


_FUNDING_COLUMNS = ("initial", "full_year", "executed")


def funding_rows(case: Case) -> list[dict]:
    """The budget row's "其中" funding rows (v2 `funding.rows`: 财政拨款 / 上年结转 / 其他资金 ...)."""
    return list((((case.data.get("self_evaluation") or {}).get("funding") or {}).get("rows")) or [])


def budget_of(case: Case, vocabulary: dict) -> tuple[Budget, bool]:
    """The budget figures the rules read, and whether they are the funding rows' sums.

    A form whose 年度资金总额 row is left at 0 or blank while its "其中" rows state the amounts
    (202.64 / 132.912 / 132.912 under a 0 / 0 / 0 total): where the pack's vocabulary says
    `budget_from_funding_rows`, 年初 / 全年 / 执行 are the funding rows' sums (the total row's own
    figures stay in the case, and the sum check reports the mismatch). Otherwise the row as written."""
    b = case.budget
    rows = funding_rows(case)
    if not vocabulary.get("budget_from_funding_rows") or not rows:
        return b, False
    if any(getattr(b, c) for c in ("full_year", "executed")):  # a total row with an amount is read as written
        return b, False
    sums: dict[str, Decimal | None] = {}
    for column in _FUNDING_COLUMNS:
        figures = [D(r[column]) for r in rows if r.get(column) is not None]
        sums[column] = sum(figures, Decimal(0)) if figures else None
    if not sums["full_year"]:
        return b, False
    return replace(b, initial=sums["initial"] if sums["initial"] is not None else b.initial,
                   full_year=sums["full_year"], executed=sums["executed"]), True


def report_text(report: dict) -> str:
    """The report's headings and text, in order (what word checks search)."""
    parts: list[str] = []

    def walk(sections):
        for s in sections or []:
            parts.append(str(s.get("heading", "")))
            parts.append(str(s.get("text", "")))
            walk(s.get("subsections"))

    walk(report.get("sections"))
    return "\n".join(parts)


def adjustment_explained(case: Case, vocabulary: dict) -> bool:
    """Is a budget adjustment explained: an 调整原因 cell, or the report using one of the pack's
    `adjustment_words` ("调整", "追加" ...)?"""
    budget = (case.data.get("self_evaluation") or {}).get("budget") or {}
    if str(budget.get("adjustment_reason") or "").strip():
        return True
    text = report_text(case.data.get("report") or {})
    return any(word and word in text for word in vocabulary.get("adjustment_words") or ())


def budget_fact(case: Case, section: str, vocabulary: dict | None = None, places: int = 2, fact_id: int = 0) -> Fact:
    """The budget row: its figures (see `budget_of`), the rate B / A, and the adjustment from
    年初 to 全年 with whether it is explained. A pack that does not score the budget row (a
    criteria scoresheet) still checks it: the facts for checks carry it then (`fact_id`)."""
    vocabulary = vocabulary or {}
    b, from_parts = budget_of(case, vocabulary)
    fields = {
        "kind": "budget",
        "id": fact_id,
        "initial": b.initial,
        "full_year": b.full_year,
        "executed": b.executed,
        "weight": b.weight,
        "self_score": b.self_score,
        # In percent, like every rate in facts (FIELD_UNITS): 95 % is 95, never 0.95.
        "rate": (b.executed / b.full_year * 100) if b.executed is not None and b.full_year else None,
        "from_parts": from_parts,
    }
    rate = fields["rate"]
    label = case.budget.label.strip()
    display = {
        # the row as the form names it (年度资金总额), so a finding concerns the row a reader sees
        "name": label or "预算执行率",
        "label": label or "预算执行率",
        "initial": fmt(b.initial),
        "full_year": fmt(b.full_year),
        "executed": fmt(b.executed),
        "rate": "" if rate is None else f"{fmt(round_half_up(rate, 2))}%",
        "rate_text": b.rate,
    }
    if from_parts:
        stated = case.budget
        display.update({"stated_initial": fmt(stated.initial), "stated_full_year": fmt(stated.full_year),
                        "stated_executed": fmt(stated.executed)})
    if b.initial and b.full_year is not None:
        adjustment = round_half_up((b.full_year - b.initial) / b.initial * 100, places)
        fields["adjustment_rate"], fields["adjustment_abs"] = adjustment, abs(adjustment)
        display["adjustment_rate"] = f"{adjustment}%"
    if b.initial is not None and b.full_year is not None:
        fields["adjustment_amount"] = b.full_year - b.initial
        fields["adjustment_amount_abs"] = abs(b.full_year - b.initial)
        fields["adjustment_explained"] = adjustment_explained(case, vocabulary)
        display["adjustment_amount"] = fmt(b.full_year - b.initial)
    if b.initial and b.executed is not None:
        change = round_half_up((b.executed - b.initial) / b.initial * 100, places)
        fields["executed_change_rate"], fields["executed_change_abs"] = change, abs(change)
        display["executed_change_rate"] = f"{'+' if change > 0 else ''}{change}%"
        display["executed_change_amount"] = fmt(abs(b.executed - b.initial))
        display["executed_change_direction"] = "增加" if change > 0 else "减少"
    scored = [r for r in funding_rows(case) if r.get("weight") is not None or r.get("score") is not None]
    fields["funding_rows_scored"] = len(scored)
    if scored:
        display["funding_rows_scored_text"] = "、".join(
            f"“{r.get('name', '')}”（分值 {fmt(_num_or_none(r.get('weight')))}，得分 {fmt(_num_or_none(r.get('score')))}）"
            for r in scored)
    return Fact(kind="budget", id=fact_id, fields=fields, section=section, item="预算执行率", describe=display)


def _num_or_none(value) -> Decimal | None:
    return None if value is None else D(value)


@dataclass(frozen=True)
class SkippedRow:
    """A blank or placeholder row (an unfilled template row): not scored, listed."""

    row: int
    name: str
    reason: str


@dataclass(frozen=True)
class Reading:
    """The case read under a pack: the facts to score, and what was set aside."""

    facts: list[Fact]
    skipped: tuple[SkippedRow, ...]
    unmapped: tuple[IndicatorRow, ...]  # rows whose level-1 / level-2 names match no section
    # the case's `review:` items that named a row (or one of its fields) and made it 待复核
    linked_review: tuple[ReviewItem, ...] = ()


def _placeholder_words(vocabulary: dict) -> tuple[frozenset, tuple]:
    key = id(vocabulary)
    cached = _PLACEHOLDER_CACHE.get(key)
    if cached is None or cached[0] is not vocabulary:
        if len(_PLACEHOLDER_CACHE) > 64:
            _PLACEHOLDER_CACHE.clear()
        words = (frozenset(n.strip() for n in vocabulary.get("placeholder_names") or ("",)),
                 tuple((folded(t), t) for t in vocabulary.get("placeholder_texts") or () if t))
        cached = _PLACEHOLDER_CACHE[key] = (vocabulary, words)
    return cached[1]


_PLACEHOLDER_CACHE: dict[int, tuple] = {}


def _placeholder(row: IndicatorRow, vocabulary: dict) -> str | None:
    """Why the row is a blank or unfilled template row, or None. A row carrying a weight or a
    score is never skipped: its points must be explained."""
    if row.weight is not None or row.score is not None or row.children:
        return None
    names, texts = _placeholder_words(vocabulary)
    name = row.name.strip().strip("\u3000")
    cells = (row.name, row.target, row.actual)
    if not name and not row.target.strip() and not row.actual.strip():
        return "空白行"
    folded_cells = [folded(c) for c in cells]
    for key, text in texts:
        if any(key in c for c in folded_cells):
            return f"未填写的模板行（含“{text}”）"
    if name in names and all(not c.strip() or c.strip() in names for c in (row.target, row.actual)):
        return f"占位行（指标名称为“{row.name}”）"
    return None


def numbered_name(name: str, vocabulary: dict) -> bool:
    """A name that keeps the template's numbering: a `template_name_prefixes` word followed by
    a number ("指标1:工程质量合格", "指标2")."""
    name = name.strip()
    for prefix in vocabulary.get("template_name_prefixes") or ():
        if prefix and name.startswith(prefix) and re.match(r"[0-9０-９一二三四五六七八九十]+", name[len(prefix):]):
            return True
    return False


def _strip(label: str | None) -> str:
    from .rulepack import _strip_points

    return _strip_points(label or "")


def section_of(row: IndicatorRow, pack) -> str | None:
    """The pack section of a row: by its level-1 name (as labelled or bare); a row with no
    level-1 name, or one named in `level1_by_level2` (a scoresheet's 效果 block holding both
    产出 and 效益 rows), by its level-2 word (`section_by_level2`) or the pack's
    `default_section`."""
    section = pack.section_for_level1(row.level1_label or row.level1) or pack.section_for_level1(row.level1)
    if section is not None:
        return section.key
    vocabulary = pack.vocabulary
    by_level2 = vocabulary.get("level1_by_level2") or ()  # level-1 names whose rows map by level-2 word (效果)
    if row.level1.strip() and row.level1.strip() not in by_level2 and _strip(row.level1_label) not in by_level2:
        return None
    level2 = row.level2.strip()
    keys = {s.key for s in pack.sections}
    for key, words in (vocabulary.get("section_by_level2") or {}).items():
        if key in keys and any(level2 == w or (w and level2.startswith(w)) for w in words):
            return key
    default = vocabulary.get("default_section")
    return default if default in keys else None


def _heading_weights(rows: list[tuple[IndicatorRow, str]], pack) -> tuple[dict[int, tuple[Decimal, str]], frozenset]:
    """Weights for rows that carry none, shared from stated points as the pack's `weights_from`
    says, in its order: `level2` / `level1` the points written on the row's heading, `section`
    the section's points (a layout whose only heading, "年度目标1:(80分)", is the pack's
    section). Equal shares, largest remainder, so the shares add up to the points exactly; rows
    with their own weight keep it and are taken off first. Row number -> (weight, source), and
    the rows of a heading whose equal shares the department's own 得分 contradict (a row scored
    above its share: the form's rows are worth different points it does not state)."""
    order = list(pack.vocabulary.get("weights_from") or ())
    if not order:
        return {}, frozenset()
    contradicted: set[int] = set()
    weights = {s.key: s.weight for s in pack.sections}
    out: dict[int, tuple[Decimal, str]] = {}
    for level in order:
        groups: dict[tuple, list[IndicatorRow]] = {}
        for row, section in rows:
            key = {"level1": (row.path[2],), "level2": (row.path[2], row.path[4]), "section": (section,)}[level]
            groups.setdefault(key, []).append(row)
        for key, members in groups.items():
            if level == "section":
                points = weights.get(key[0])
            else:
                points = members[0].level1_points if level == "level1" else members[0].level2_points
            if points is None:
                continue
            open_rows = [r for r in members if r.weight is None and r.number not in out]
            if not open_rows:
                continue
            taken = sum((r.weight for r in members if r.weight is not None), Decimal(0))
            taken += sum((out[r.number][0] for r in members if r.number in out), Decimal(0))
            rest = D(points) - taken
            if rest < 0:
                continue
            shares = _shares(open_rows, rest, level, pack)
            for r, w in shares:
                out[r.number] = (w, level)
            if any(r.score is not None and r.score > w for r, w in shares):
                contradicted.update(r.number for r, _w in shares)
    return out, frozenset(contradicted)


def _shares(rows: list[IndicatorRow], points: Decimal, level: str, pack) -> list[tuple[IndicatorRow, Decimal]]:
    """Equal shares of a heading's points among its open rows; where the pack's vocabulary says
    `merged_groups: by_group` and the form merges the 得分 cell over level-2 groups (a group
    `score`), a level-1 or section heading is shared among its level-2 groups first, then among
    each group's rows, so a group's rows are worth what its merged cell scores."""
    places = pack.places
    if level == "level2" or pack.vocabulary.get("merged_groups") != "by_group" or \
            not any(r.level2_score is not None for r in rows):
        return list(zip(rows, largest_remainder([points / len(rows)] * len(rows), points, places)))
    groups: dict[tuple, list[IndicatorRow]] = {}
    for r in rows:
        groups.setdefault((r.path[2], r.path[4]), []).append(r)
    out = []
    each = largest_remainder([points / len(groups)] * len(groups), points, places)
    for members, worth in zip(groups.values(), each):
        out.extend(zip(members, largest_remainder([worth / len(members)] * len(members), worth, places)))
    return out


def read_case(case: Case, pack) -> Reading:
    """The facts of a case under a pack: the budget block (when the filing has one), then each
    indicator row in table order that is not a blank or placeholder row. "其中" rows are scored
    only when the pack's `score_children` says so."""
    vocabulary = pack.vocabulary
    facts: list[Fact] = []
    budget_section = next((s.key for s in pack.sections if not s.level1), None)
    if "budget" in case.parts and budget_section is not None:
        # a pack without a budget section (a criteria scoresheet) does not score the budget row
        facts.append(budget_fact(case, budget_section, vocabulary, pack.places))
    # "其中" rows: scored with their own weights (`score_children`), judged without points under
    # their parent's (`judge_children`), or not read
    children = not vocabulary.get("score_children") and bool(vocabulary.get("judge_children"))
    rows = case.all_rows if vocabulary.get("score_children") or children else case.rows
    skipped: list[SkippedRow] = []
    unmapped: list[IndicatorRow] = []
    kept: list[tuple[IndicatorRow, str]] = []
    for row in rows:
        reason = _placeholder(row, vocabulary)
        if reason is not None:
            skipped.append(SkippedRow(row.number, row.name, reason))
            continue
        section = section_of(row, pack)
        if section is None:
            unmapped.append(row)
            section = ""
        kept.append((row, section))
    # "其中" rows judged under their parent take no share of a heading's points and no block share
    judged = [(row, section) for row, section in kept if children and row.parent is not None]
    kept = [(row, section) for row, section in kept if not (children and row.parent is not None)]
    shared, contradicted = _heading_weights(kept, pack)
    keys = frozenset(s.key for s in pack.sections)
    reviewed = [(item, parse_path(item.field)) for item in case.review if item.field]  # parsed once a case
    blocks: dict[tuple, tuple[Decimal, int]] = {}  # a 一级指标 block's stated row weights and rows
    for row, _section in kept:
        if row.weight:
            total, count = blocks.get(row.path[:3], (Decimal(0), 0))
            blocks[row.path[:3]] = (total + row.weight, count + 1)
    scored_table = any(row.score is not None for row, _section in kept)
    maximum = case.stated_total_weight if case.stated_total_weight is not None else pack.total
    stated = case.stated_total_score if case.stated_total_score is not None else case.report_total_score
    full_marks = stated is not None and maximum is not None and stated == maximum
    linked: list[ReviewItem] = []
    judged_numbers = {row.number for row, _section in judged}
    for row, section in sorted((*kept, *judged), key=lambda pair: pair[0].number):
        weight, source = shared.get(row.number, (None, "row"))
        within = [(item, path) for item, path in reviewed if path[:len(row.path)] == tuple(row.path)]
        child = row.number in judged_numbers
        unit_doubted = any(len(path) > len(row.path) and path[len(row.path)] == "unit" for _item, path in within)
        fact = indicator_fact(row, section, vocabulary, weight, source, keys, in_review=bool(within), child=child,
                              unit_doubted=unit_doubted)
        total, count = blocks.get(row.path[:3], (Decimal(0), 0))
        if row.weight and total and not child:
            fact.fields["block_share"], fact.fields["block_rows"] = row.weight / total, count
            fact.display["block_pct"] = f"{round_half_up(row.weight / total * 100, 2)}%"
            fact.display["block"] = row.level1_label or row.level1
        # a row whose weight is its share of a heading's points counts too, unless its group's
        # 得分 cell is merged over it (the group score is its score); a "其中" row has no weight of its own
        fact.fields["filing_full_marks"] = full_marks
        fact.fields["share_contradicted"] = row.number in contradicted
        fact.fields["score_blank"] = (scored_table and row.score is None and row.level2_score is None
                                      and (row.weight is not None or weight is not None) and not child
                                      and bool(row.target.strip() or row.actual.strip()))
        items = row_review_items(row, within, vocabulary)
        if items:
            scopable = SCOPED_CELLS - ({"nature"} if nature_feeds_target(row, notation_for(vocabulary)) else set())
            fact, held = under_review(fact, items, frozenset(scopable))
            if held:  # the items made the row 待复核
                linked.extend(i for i in items if i not in linked)
        others = {path[len(row.path)] for _item, path in within if len(path) == len(row.path) + 1} - fact.doubted
        others -= set(vocabulary.get("review_row_fields") or ())
        if others:
            # a doubted cell the pack does not list (the 得分, the 偏差原因) does not stop the rule
            # scoring the row, but the checks reading it do not run: a doubted 得分 is not compared
            # with the rule's (facts_checks.scored_row_facts), a doubted 偏差原因 is not "missing"
            fields = {k: v for k, v in fact.fields.items()
                      if not any(k in CELL_FIELDS.get(c, ()) for c in others)}
            fact = replace(fact, fields=fields, doubted=fact.doubted | others)
        facts.append(fact)
    return Reading(facts, tuple(skipped), tuple(unmapped), tuple(linked))


def row_review_items(row: IndicatorRow, within, vocabulary: dict) -> tuple[ReviewItem, ...]:
    """Of the case's `review:` items within this row (`within`: item and parsed path, the path
    starting with the row's), those that make it 待复核: the row's own path
    (`self_evaluation.indicators[0].groups[0].rows[1]`), or one of its fields the pack's
    `review_row_fields` lists (`….rows[1].actual`). A field the pack does not list (the self
    score, a cell the transcriber resolved) leaves the row scored; a broader path (a block,
    `rows[*]`) is not within any row."""
    fields = set(vocabulary.get("review_row_fields") or ())
    depth = len(row.path)
    return tuple(item for item, path in within if len(path) == depth or (len(path) == depth + 1 and path[depth] in fields))


# Which fields of an indicator fact each cell of its row feeds. A case `review:` item on one cell
# (`…rows[2].unit`) takes away only the fields read from that cell, so a check reading the other
# cells still runs: a doubt about the unit cell leaves target against actual to the checks. The
# row as a whole, or a cell not listed here, takes away every field read from the row's cells.
_COMPARISON = ("target", "actual", "ratio", "shortfall_pp", "units_match", "deadline_met", "late_days", "deadline_days",
               "actual_days", "states_target")
_TARGET_FIELDS = (*_COMPARISON, "affirms_target", "target_kind", "target_comparator", "target_pct", "target_vague", "qual_band",
                  "actual_copies_target", "not_an_indicator", "amount_named_rate", "restated_projection")
CELL_FIELDS: dict[str, tuple[str, ...]] = {
    "target": _TARGET_FIELDS,
    "adjusted_target": _TARGET_FIELDS,  # the 调整指标值 may be the target the row is held to
    "nature": (*_COMPARISON, "target_comparator"),  # 指标性质 gives the target its comparator
    "actual": (*_COMPARISON, "affirms_target", "actual_kind", "actual_comparator", "qual_band", "actual_copies_target",
               "amount_named_rate", "restated_projection"),
    "weight": ("self_share", "block_share", "block_rows", "score_blank"),
    # cells a pack's review_row_fields usually leaves out (a doubt about them does not stop the
    # rule scoring the row), whose checks still go: the 得分 and the 偏差原因
    "score": ("self_share", "score_blank"),
    "reason": ("has_reason",),
    "name": ("name_class", "level2_unlikely", "amount_as_output", "bounded_rate", "criteria_mismatch", "not_an_indicator",
             "amount_named_rate", "restated_projection"),
    "completion": ("completion_pct",),  # the 完成率 the filing states for the row
    # the unit cell decides whether the row counts money; what it does to the comparison: unit_doubt
    "unit": ("amount_as_output", "amount_named_rate"),
}
_WHOLE_ROW = tuple(dict.fromkeys(f for fields in CELL_FIELDS.values() for f in fields))
# The indicator fields no doubt about a cell takes away: what identifies the row and where it is
# filed (its block's and group's names), its status (unsure, readable, in_review), the weight and
# self score the ledger reads (checks comparing the self score skip a doubted 得分 cell, see
# facts_checks.scored_row_facts), and the direction the rules score by (every check on it also
# reads the compared numbers). Every indicator field is either here
# or fed by a cell in CELL_FIELDS (a test holds the two lists to FACT_FIELDS).
KEPT_FIELDS = ("kind", "id", "section", "level1", "level2", "name", "direction", "weight", "self_score",
               "core", "unsure", "readable", "in_review", "criteria_unsure", "level2_class", "level1_unlikely",
               "child", "filing_full_marks", "share_contradicted", "late_deadline")


def unit_doubt(fact: Fact) -> tuple[tuple[str, ...], bool]:
    """What a doubt about the row's 计量单位 / 度量单位 cell does to the comparison: the fields it
    takes away, and whether the row can still be scored. The unit cell is the unit of a cell
    that writes none. Both cells writing their own units ("≥25公里", "26300米"): the unit cell
    does not enter the comparison, nothing is taken away and the row is scored. Neither cell
    writing one ("23", "33"): one unknown unit serves both, so actual / target stays what it is
    (a check on the ratio runs), but whether the numbers are percentages (the shortfall in
    percentage points) is not known, and the row is not scored (待复核). One cell writing a unit
    and the other not: the bare cell's unit is the one in doubt, and nothing compared is known."""
    target, actual = fact.target, fact.actual
    quantities = [q for v in (target, actual) if v is not None and v.kind in _COMPARABLE for q in v.quantities]
    both = (target is not None and actual is not None and target.kind in _COMPARABLE
            and actual.kind in _COMPARABLE)
    if both and quantities and all(q.unit for q in quantities):
        return (), True
    if both and quantities and not any(q.unit for q in quantities):
        return ("shortfall_pp", "target_pct"), False
    return _COMPARISON, False


# Cells whose doubt the score rule may not depend on: everything read from them is in CELL_FIELDS,
# nothing in KEPT_FIELDS. The 指标性质 cell feeds the direction (a KEPT field) only where it gives a
# bare quantity target its comparator (nature_feeds_target); elsewhere ("定性指标" beside 高 / 高)
# only the comparison fields it would take away. The 完成率 cell feeds only completion_pct (read by
# JX-S72 / S73 and the checks on the stated rate).
SCOPED_CELLS = frozenset({"nature", "completion"})


def nature_feeds_target(row: IndicatorRow, notation) -> bool:
    """Whether the row's 指标性质 cell gives its target the comparator (and so the direction):
    a quantity target written without one, and a nature cell that reads as one (as _with_columns)."""
    nature = row.nature.strip()
    if not nature or not row.target.strip():
        return False
    value = parse_value(row.target, notation, "target")
    return value.kind == "quantity" and value.comparator is None and _is_comparator(nature, notation)


def under_review(fact: Fact, items: tuple[ReviewItem, ...], scopable: frozenset = frozenset()) -> tuple[Fact, bool]:
    """The fact of a row the case's review items name: 待复核 (not readable is not unmet), with
    the fields read from the doubted cells taken away (`CELL_FIELDS`), so that only the checks
    that read those cells are silenced. A doubt about the unit cell alone that cannot change
    the comparison (`unit_doubt`) leaves the row scored; the item stays listed with the case's
    review items, so the result is provisional, never silently final. Returns the fact and
    whether the items made the row 待复核."""
    cells = {parse_path(i.field)[len(fact.row.path)] if len(parse_path(i.field)) > len(fact.row.path) else ""
             for i in items} if fact.row is not None else {""}
    drop: set[str] = set()
    scored = True
    for cell in cells:
        if cell == "unit":
            taken, keeps_score = unit_doubt(fact)
            drop.update(taken)
            scored = scored and keeps_score
            if fact.fields.get("amount_as_output"):  # the class may rest on the unit cell
                drop.add("level2_unlikely")
        else:
            scored = False
        drop.update(CELL_FIELDS.get(cell, _WHOLE_ROW))
    fields = {k: v for k, v in fact.fields.items() if k not in drop}
    doubted = frozenset(cells)
    if scored:
        return replace(fact, fields=fields, doubted=doubted), False
    said = "；".join(f"材料复核项 {i.field}" + (f"“{i.value}”" if i.value.strip() else "") + f"：{i.reason.rstrip('。')}"
                    for i in items)
    reason = f"{fact.review}；{said}" if fact.review else said
    # doubts only about cells in `scopable`, on a row readable otherwise: whether they hold the row
    # depends on the score rule (engine.score.scope_allows)
    scoped = frozenset(drop) if (not fact.review and cells and cells <= scopable) else None
    return replace(fact, fields={**fields, "readable": False}, review=reason, doubted=doubted,
                   scoped_fields=scoped), True


def build_facts(case: Case, pack) -> list[Fact]:
    """All facts of a case: the budget block first, then indicator rows in table order."""
    return read_case(case, pack).facts


def group_facts(indicator_facts: list[Fact], ledger, start_id: int, places: int = 2) -> list[Fact]:
    """After scoring: each level-2 group whose 得分 cell the form merges over its rows (group
    `score`), its stated score against the sum of its rows' rule points. The rows carry no self
    score of their own: none is invented for them. Where the pack rescales the rows' stated
    分值 (scale_rows), the cell is compared on the pack's scale, as a row's self score is."""
    by_row = {e.row: e for e in ledger if e.row is not None and e.kind == "score"}
    groups: dict[tuple, list[Fact]] = {}
    for fact in indicator_facts:
        if fact.row is not None and fact.row.level2_score is not None and fact.row.parent is None:
            groups.setdefault((fact.row.path[2], fact.row.path[4]), []).append(fact)
    out = []
    for n, members in enumerate(groups.values(), start=start_id + 1):
        entries = [by_row[f.row.number] for f in members if f.row.number in by_row]
        review = sum(1 for e in entries if e.outcome == "review")
        stated = members[0].row.level2_score
        rule = sum((e.points for e in entries), Decimal(0))
        weight = sum((e.weight for e in entries), Decimal(0))
        declared = [f.row.weight for f in members]
        if all(w is not None for w in declared) and sum(declared) and sum(declared) != weight:
            stated = round_half_up(stated * weight / sum(declared), places)
        fields = {"kind": "scored_group", "id": n, "section": members[0].section, "level2": members[0].row.level2,
                  "self_score": stated, "rule_score": rule, "weight": weight, "rows": len(members),
                  "rows_review": review, "self_over_weight": stated > weight}
        display = {"level2": members[0].row.level2 or members[0].row.level1,
                   "names": "、".join(f.row.name for f in members), "self_score": fmt(stated),
                   "rule_score": fmt(rule), "weight": fmt(weight), "rows": str(len(members))}
        if not review:  # rows still to review have no rule score yet: nothing to compare
            diff = stated - rule
            fields["diff"], fields["abs_diff"] = diff, abs(diff)
            display["diff"] = ("+" if diff > 0 else "") + fmt(diff)
            display["abs_diff"] = fmt(abs(diff))
        out.append(Fact(kind="scored_group", id=n, fields=fields, section=members[0].section,
                        item=display["level2"], describe=display))
    return out
