"""The benchmark's baseline: the national pack (rules/national-2020) written out by hand.

A hand-written scorer is what the rule engine must be measured against: no facts, no matcher,
no ledger objects, just the arithmetic of the national pack applied to the loaded case data, with
a one-line explanation per score and per finding. It reuses only the notation parser
(`engine.values.parse_value`) and the Decimal helpers, because any scorer has to read "≧95%".

This duplicates policy in Python on purpose and must never be used to score anything: it exists
so that `benchmarks/run.py` can print engine / baseline. The harness checks, case by case, that
it gives the same total, the same points per row and the same findings (rule code and row) as
the engine, so the ratio compares equal work. The numbers below are the national pack's
(`rules/national-2020/pack.yaml`); if the pack changes, this check fails loudly.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from pathlib import Path

from engine.decimals import fmt, round_half_up
from engine.load import load_file
from engine.values import comparable_numbers, comparison_doubts, notation_for, parse_value

# The pack's vocabulary is how forms are read (negated comparators, unit conversions, doubts):
# reading is the parser's job, so the baseline reads with the same notation.
VOCABULARY = load_file(Path(__file__).resolve().parents[1] / "rules" / "national-2020" / "pack.yaml").data["vocabulary"]
NOTATION = notation_for(VOCABULARY)
NA_NAMES = tuple(VOCABULARY["not_applicable"])
TOL_BY_PLACES = {0: Decimal("0.5"), 1: Decimal("0.05"), 2: Decimal("0.005")}  # precision_tolerance_*
SELF_TOTAL_GAP, DOMINANT, BOUNDED_MAX = Decimal(5), Decimal("0.6"), Decimal(100)
PACK_SECTIONS = {"产出": Decimal(50), "效益": Decimal(30), "满意度": Decimal(10)}

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
K = Decimal(2)  # reverse_k
SUM_TOL, SHARE_TOL, SHARE_TOTAL_TOL, RATE_TOL = Decimal("0.005"), Decimal("0.01"), Decimal("0.05"), Decimal("0.01")
OVER = Decimal("1.3")
BANDS = {"达成": (Decimal("0.8"), ONE), "部分达成": (Decimal("0.6"), Decimal("0.8")), "未达成": (ZERO, Decimal("0.6"))}
QUAL_WORDS = {
    **dict.fromkeys(["好", "较好", "良好", "完成", "已完成", "完成情况好", "达成预期指标", "达成年度指标", "效果明显",
                     "显著提升", "满意", "全部完成"], "达成"),
    **dict.fromkeys(["基本完成", "部分达成", "有所提升", "基本达成", "基本满意", "一般"], "部分达成"),
    **dict.fromkeys(["未达成", "未完成", "较差", "差", "效果较差", "不满意"], "未达成"),
}
MISSING_REASON = frozenset(["", "无", "暂无", "/", "／", "同上", "没有", "无偏差"])
SECTIONS = {"产出指标": "产出", "产出": "产出", "效益指标": "效益", "效益": "效益", "满意度指标": "满意度",
            "满意度": "满意度", "服务对象满意度指标": "满意度"}
VAGUE_LEVEL2 = frozenset(["数量指标", "质量指标", "时效指标", "成本指标"])
SURVEY_WORDS = ("问卷", "调查", "调研", "测评", "座谈", "访谈", "抽样")
ADJUSTMENT_WORDS = ("调整", "追加", "调减", "追减", "调增", "调剂")
BOUNDED_RATES = tuple(VOCABULARY["bounded_rates"])
NOT_INDICATOR_WORDS = tuple(VOCABULARY["not_indicator_words"])
_FOLD = str.maketrans({"，": ",", "。": ".", "（": "(", "）": ")", "：": ":", "；": ";", "、": ","})


def _folded(text) -> str:
    return "".join(str(text or "").split()).translate(_FOLD)


def _class(text: str, classes: dict) -> str | None:
    return next((k for k, words in classes.items() if any(w in text for w in words)), None)


def _places(text: str) -> int:
    m = re.search(r"[0-9]+(?:\.([0-9]+))?", text)
    return len(m.group(1) or "") if m else 0


def _off(stated: Decimal, exact: Decimal, text: str) -> bool:
    return abs(stated - exact) > TOL_BY_PLACES[min(_places(text), 2)]
GRADES = (("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)), ("差", ZERO))
DIRECTION = {">=": "positive", ">": "positive", "<=": "reverse", "<": "reverse", "==": "equal"}
SECTION_WEIGHTS = {"产出": Decimal(50), "效益": Decimal(30), "满意度": Decimal(10)}
PLACEHOLDER_NAMES = frozenset(VOCABULARY["placeholder_names"])
_FOLD = str.maketrans({"，": ",", "。": ".", "（": "(", "）": ")", "：": ":", "；": ";", "、": ","})


def _fold(text: str) -> str:
    return "".join(str(text or "").split()).translate(_FOLD)


PLACEHOLDER_TEXTS = tuple(VOCABULARY["placeholder_texts"])
TEMPLATE_ROW_NAMES = frozenset(VOCABULARY["template_row_names"])
NUMBERED = re.compile(r"^指标[0-9０-９一二三四五六七八九十]+")          # template_name_prefixes: [指标]
VAGUE_TARGETS = tuple(VOCABULARY["vague_targets"])
MONEY_UNITS = frozenset(VOCABULARY["amount_units"])
MONEY_NAMES = tuple(VOCABULARY["amount_names"])
LEVEL2_SECTION = {"产出": ("数量", "质量", "时效", "成本", "數量", "質量", "時效"),
                  "效益": ("经济效益", "社会效益", "生态效益", "可持续影响", "經濟效益", "社會效益", "生態效益", "可持續影響"),
                  "满意度": ("服务对象满意度", "社会公众或服务对象满意度", "满意度", "服務對象滿意度", "滿意度")}
NAME_UNIT = re.compile(r"[（(][^（()）]{1,6}[)）]\s*$")
CRITERIA_TERM = re.compile(r"([^。；;，,：:\s（()）]{3,})\s*[≦≤≥≧=＝<>＜＞]")
_POINTS = re.compile(r"[\(（]\s*[\d.]+\s*分\s*[\)）]")
_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")


def _has_reason(text: str) -> bool:
    cleaned = text.strip().strip("\u3000")
    return cleaned not in MISSING_REASON and len(cleaned) >= 4


def _num(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _rows(blocks):
    for block in blocks or []:
        for group in block.get("groups") or []:
            for row in group.get("rows") or []:
                yield block, group.get("level2", ""), row


def _placeholder(name: str, t_text: str, a_text: str, row: dict) -> bool:
    """A blank or unfilled template row with no weight and no score: skipped, not scored."""
    if row.get("weight") is not None or row.get("score") is not None or row.get("children"):
        return False
    if not name.strip() and not t_text.strip() and not a_text.strip():
        return True
    if any(_fold(text) in _fold(cell) for text in PLACEHOLDER_TEXTS for cell in (name, t_text, a_text)):
        return True
    return name.strip() in PLACEHOLDER_NAMES and all(not c.strip() or c.strip() in PLACEHOLDER_NAMES for c in (t_text, a_text))


def _template(text: str) -> bool:
    return bool(_fold(text)) and any(_fold(t) in _fold(text) for t in PLACEHOLDER_TEXTS)


def _level2_section(level2: str) -> str | None:
    level2 = level2.strip()
    return next((k for k, words in LEVEL2_SECTION.items() if level2 and any(level2.startswith(w) for w in words)), None)


def _misfiled(name: str, level2: str, t, a, unit: str) -> bool:
    """JX-A17: the name's class differs from the 二级指标's; a 满意度 row naming no 满意度; an amount as an output."""
    level2_class = _class(level2, VOCABULARY["level2_classes"])
    name_class = _class(name, VOCABULARY["name_classes"])
    if level2_class and name_class and level2_class != name_class:
        return True
    words = VOCABULARY["level2_name_words"].get(level2_class or "")
    bare = NUMBERED.match(name.strip()) and not re.sub(r"^\D*?[0-9０-９一二三四五六七八九十]+", "", name.strip()).strip(" :：/／")
    if words and not bare and not any(w in name for w in words):
        return True
    if any(w in name for w in (VOCABULARY.get("level2_unlikely_words") or {}).get(level2_class or "", ())):
        return True
    units = {q.unit for v in (t, a) for q in v.quantities if q.unit} | ({unit.strip()} if unit.strip() else set())
    amount = bool(units & MONEY_UNITS) or not units and any(name.strip().endswith(w) for w in MONEY_NAMES)
    return amount and level2_class in VOCABULARY["amount_unlikely_in"]


def score(data: dict) -> dict:
    """Score one case's loaded data under the national pack.

    Returns {"total", "grade", "points": {row: points}, "budget", "findings": [(code, row)],
    "explanations": [str]}."""
    se = data.get("self_evaluation") or {}
    b = se.get("budget") or {}
    full_year, executed, initial = _num(b.get("full_year")), _num(b.get("executed")), _num(b.get("initial"))
    explanations: list[str] = []
    findings: list[tuple[str, int | None]] = []
    points: dict[int, Decimal] = {}

    # 预算执行率 (JX-E01 / JX-E02): the pack's weight, 10.
    if full_year is not None and full_year > 0 and executed is not None:
        rate = executed / full_year
        budget_points = round_half_up(min(max(min(rate, ONE) * 10, ZERO), Decimal(10)))
        explanations.append(f"执行率 {fmt(executed)}/{fmt(full_year)}，计 {fmt(budget_points)} 分。")
    else:
        budget_points = ZERO
        explanations.append("全年预算数或全年执行数缺失或为零，本项计 0 分。")
    total = budget_points
    # the budget row audited like an indicator row (JX-E20 … E13)
    b_weight, b_self = _num(b.get("weight")), _num(b.get("self_score"))
    if executed is not None and full_year is not None and executed > full_year:
        findings.append(("JX-E20", None))
    if b_self is None and b_weight is not None:
        findings.append(("JX-E21", None))
    if b_self is not None:
        if b_self < 0 or (b_weight is not None and b_self > b_weight):
            findings.append(("JX-E22", None))
        scaled = b_self if not b_weight or b_weight == 10 else round_half_up(b_self * 10 / b_weight)
        if scaled != budget_points:
            findings.append(("JX-E23", None))

    survey = _survey(data, se)
    rows = []
    review_rows = 0
    unmet_rows = 0  # rows whose values were read and fall short (JX-P02), whatever their score
    blocks: dict[str, tuple[Decimal, int]] = {}
    for block, _level2, row in _rows(se.get("indicators")):
        if _num(row.get("weight")):
            t_, c_ = blocks.get(block.get("level1", ""), (ZERO, 0))
            blocks[block.get("level1", "")] = (t_ + _num(row.get("weight")), c_ + 1)
    by_section: dict[str, Decimal] = {}
    review_fields = [str(item.get("field") or "") for item in data.get("review") or []]
    scored_table = any(row.get("score") is not None and not _placeholder(
        str(row.get("name", "")), str(row.get("target", "")), str(row.get("actual", "")), row)
        for _b, _l, row in _rows(se.get("indicators")))
    paths = {n: p for n, p in enumerate(((i, j, k) for i, block in enumerate(se.get("indicators") or [])
                                         for j, group in enumerate(block.get("groups") or [])
                                         for k, _row in enumerate(group.get("rows") or [])), start=1)}
    for number, (block, level2, row) in enumerate(_rows(se.get("indicators")), start=1):
        name, t_text, a_text = str(row.get("name", "")), str(row.get("target", "")), str(row.get("actual", ""))
        weight, self_score = _num(row.get("weight")), _num(row.get("score"))
        if _placeholder(name, t_text, a_text, row):
            rows.append((number, name, t_text, None, block.get("level1", ""), weight, self_score))
            continue
        reviewed = any(f == f"self_evaluation.indicators[{i}].groups[{j}].rows[{k}]" or
                       f.startswith(f"self_evaluation.indicators[{i}].groups[{j}].rows[{k}].")
                       for f in review_fields for i, j, k in [paths[number]])
        reason = _has_reason(str(row.get("reason", "")))
        t, a = parse_value(t_text, NOTATION, "target"), parse_value(a_text, NOTATION, "actual")
        comparable_t, comparable_a = t.kind in ("quantity", "compound"), a.kind in ("quantity", "compound")
        if name.strip() in NA_NAMES or t.kind in ("na", "empty") and a.kind in ("na", "empty"):
            direction = "na"
        elif t.kind == "qualitative" or (a.kind == "qualitative" and not comparable_t):
            direction = "qualitative"
        elif comparable_t:
            direction = DIRECTION[t.comparator] if t.comparator else ("reverse" if level2.strip() in ("成本指标", "成本")
                                                                      else "positive")
        else:
            direction = "unknown"
        band = QUAL_WORDS.get(a.label) if direction == "qualitative" and a.kind == "qualitative" else None
        # qualitative_grades.same_text: an actual in the target's own words is 达成
        same_text = direction == "qualitative" and t.kind == "qualitative" and a.kind == "qualitative" \
            and bool(_folded(a.label)) and _folded(a.label) == _folded(t.label)
        if band is None and same_text:
            band = "达成"
        unsure = direction != "na" and (t.uncertain or a.uncertain or bool(comparison_doubts(t, a, direction)))
        target = actual = ratio = units_match = None
        if comparable_t and comparable_a and not unsure:
            tq, aq = t.quantities, a.quantities
            pairs = [comparable_numbers(x, y, NOTATION) for x, y in zip(tq, aq)] if len(tq) == len(aq) else [None]
            units_match = all(p is not None for p in pairs)
            if units_match:
                target, actual = min(pairs, key=lambda p: (p[1] / p[0]) if p[0] else ZERO)
                ratio = actual / target if target else None
        w = weight if weight is not None else ZERO
        level1 = SECTIONS.get(_POINTS.sub("", str(block.get("label") or block.get("level1", ""))).strip()) or \
            SECTIONS.get(block.get("level1", ""))

        # scoring: the first rule by priority
        if direction == "na":
            code, raw = "JX-S00", ZERO
        elif direction in ("positive", "equal") and actual is not None and actual >= target:
            code, raw = "JX-S01", w
        elif direction == "reverse" and actual is not None and actual <= target:
            code, raw = "JX-S03", w
        elif direction == "qualitative" and band and self_score is not None:
            low, high = BANDS[band]
            code, raw = {"达成": "JX-S05", "部分达成": "JX-S06", "未达成": "JX-S07"}[band], \
                min(max(self_score, low * w), high * w)
        elif direction == "qualitative" and band and self_score is None:
            code, raw = "JX-S08", ZERO
        elif direction in ("positive", "equal") and actual is not None and target > 0:
            code, raw = "JX-S02", w * actual / target
        elif direction == "reverse" and actual is not None and target > 0:
            code, raw = "JX-S04", w * (1 - (actual - target) / ((K - 1) * target))
        elif direction == "reverse" and actual is not None and target == 0 and actual > 0:
            code, raw = "JX-S10", ZERO
        else:
            code, raw = "JX-S90", ZERO
        # Not readable is not unmet: 待复核, kept out of the total, no audit signal after scoring.
        review = (direction == "na" and bool(weight) and self_score is not None) or direction != "na" and (
            weight is None or direction == "unknown" or a.kind in ("empty", "na", "unparsed")
            or (t.kind in ("empty", "na", "unparsed") and direction != "qualitative") or units_match is False
            or (direction in ("positive", "reverse", "equal") and actual is None)
            or (direction == "qualitative" and a.kind == "qualitative" and band is None)
            or code in ("JX-S90", "JX-S08") or unsure)
        got = ZERO if review else round_half_up(min(max(raw, ZERO), w))
        points[number] = got
        total += got
        by_section[level1] = by_section.get(level1, ZERO) + got
        explanations.append(f"第 {number} 行“{name}”：{a_text} 对 {t_text}，按 {code} 计 {fmt(got)} 分，扣 {fmt(w - got)} 分。")

        # audit signals on the row (JX-A05, A06, A07, A10, A17, A30–A33, A39, A09)
        if _misfiled(name, level2, t, a, str(row.get("unit", ""))):
            findings.append(("JX-A17", number))
        l2_section = _level2_section(level2)
        if l2_section and str(block.get("level1", "")).strip() and l2_section != level1:
            findings.append(("JX-A30", number))
        if t.kind == "empty" and a.kind == "empty" and self_score is not None and self_score > 0 and not reviewed:
            findings.append(("JX-A31", number))
        if a.kind == "empty" and t.kind in ("quantity", "compound", "range", "qualitative") and weight and not reviewed:
            findings.append(("JX-A32", number))
        for cell in (t_text, a_text):
            if _template(cell):
                findings.append(("JX-A33", number))
        m = CRITERIA_TERM.search(str(row.get("criteria", "")))
        if m and name.strip():
            term, own = (re.sub("[“”\"'‘’「」 \u3000]", "", x) for x in (m.group(1), name))
            if term not in own and own not in term:
                findings.append(("JX-A39", number))
        if direction == "positive" and ratio is not None and ratio >= OVER and not reason:
            findings.append(("JX-A09", number))
        unmet = ratio is not None and (direction in ("positive", "equal") and ratio < 1 or direction == "reverse" and ratio > 1)
        implausible = any(w in name for w in BOUNDED_RATES) and t.kind == "quantity" and not t.uncertain \
            and t.unit == "%" and t.number > BOUNDED_MAX
        unmet_rows += (unmet or (direction == "qualitative" and band in VOCABULARY["claim_unmet_bands"]
                                 and not unsure)) and not reviewed
        if unmet and not reason and not implausible and (self_score is None or (weight and self_score / weight >= 1)):
            findings.append(("JX-A37", number))
        b_total, b_rows = blocks.get(block.get("level1", ""), (ZERO, 0))
        if weight and b_total and b_rows == 1 and weight >= 50:   # single_row_block_points
            findings.append(("JX-A40", number))
        i, j, _k = paths[number]
        group_score = ((se["indicators"][i].get("groups") or [])[j] or {}).get("score")
        if scored_table and self_score is None and weight is not None and (t_text.strip() or a_text.strip()) \
                and group_score is None and not reviewed:
            findings.append(("JX-A41", number))
        if a.comparator:
            findings.append(("JX-A05", number))
            if a_text.strip() and a_text.strip() == t_text.strip():
                findings.append(("JX-A06", number))
        if units_match is False:
            findings.append(("JX-A07", number))
        if t.kind == "qualitative" and (level2 in VAGUE_LEVEL2 or any(w in t_text for w in VAGUE_TARGETS)):
            findings.append(("JX-A10", number))
        if unsure:
            findings.append(("JX-V01", number))
        if _class(level2, VOCABULARY["level2_classes"]) == "数量" and t.comparator in ("<=", "<") and not unsure \
                and not reviewed:
            findings.append(("JX-A15", number))
        if any(w in _folded(f"{name} {t_text}") for w in NOT_INDICATOR_WORDS):
            findings.append(("JX-A51", number))
        rows.append((number, name, t_text, level1, block.get("level1", ""), weight, self_score))
        # after scoring (JX-A01 … A13); rows that are "无" with no weight and no score are skipped
        review_rows += review
        if review or direction == "na" and not weight and self_score is None:
            continue
        comparable = direction == "na" or (band is not None if direction == "qualitative" else actual is not None)
        review_rows += not comparable
        level2_class = _class(level2, VOCABULARY["level2_classes"])
        if a.kind == "quantity" and not a.uncertain and a.unit == "%" and a.number > BOUNDED_MAX and \
                any(word in name for word in BOUNDED_RATES):
            findings.append(("JX-A14", number))
        if comparable and t.kind == "quantity" and a.kind == "quantity" and not t.uncertain and not a.uncertain \
                and not t.unit and not a.unit and not str(row.get("unit", "")).strip() and not NAME_UNIT.search(name):
            findings.append(("JX-A18", number))
        b_total, b_rows = blocks.get(block.get("level1", ""), (ZERO, 0))
        if weight and b_total and weight / b_total > DOMINANT and b_rows > 1:
            findings.append(("JX-A16", number))
        if self_score is not None:
            # JX-A01 at the precision written: 1.4 for 1.43 is rounding; a whole number is read as written
            places = max(0, -self_score.as_tuple().exponent)
            if abs(self_score - got) > (ZERO if places == 0 else TOL_BY_PLACES[min(places, 2)]) and comparable:
                findings.append(("JX-A01", number))
            full, self_full = got == w, self_score == w
            below = w > 0 and self_score < w
            if full and below and comparable:
                findings.append(("JX-A02", number))
            if direction in ("positive", "reverse", "equal") and not full and self_full and w > 0 and comparable:
                findings.append(("JX-A03", number))
            if below and not reason:
                findings.append(("JX-A04", number))
            if below and same_text:
                findings.append(("JX-A50", number))
            if self_score > w:
                findings.append(("JX-A13", number))
            if band and w:
                share = self_score / w
                low, high = BANDS[band]
                if (band != "未达成" and share < low) or (band != "达成" and share > high):
                    findings.append(("JX-A08", number))
        if level1 == "满意度" and actual is not None and actual >= 100 and not (
                survey or any(w in name for w in SURVEY_WORDS)):
            findings.append(("JX-A11", number))

    for section, got in by_section.items():  # a section above its weight is capped, with an error
        if section in SECTION_WEIGHTS and got > SECTION_WEIGHTS[section]:
            total -= got - SECTION_WEIGHTS[section]
            findings.append(("JX-ENGINE-CAP", None))
    _reconcile(data, se, full_year, executed, initial, rows, findings)
    findings.extend(_document(data, se, full_year, initial, rows))
    stated_total = _num((se.get("total") or {}).get("score"))
    if stated_total is not None and abs(stated_total - total) > SELF_TOTAL_GAP and not review_rows:
        findings.append(("JX-A19", None))
    if unmet_rows >= 1 and _claims_complete(data, se):   # claim_unmet_rows_min
        findings.append(("JX-P02", None))
    for code, row in findings:
        explanations.append(f"{code}：第 {row} 行。" if row else f"{code}。")
    grade = next(g for g, low in GRADES if total >= low)
    return {"total": total, "grade": grade, "budget": budget_points, "points": points, "findings": findings,
            "explanations": explanations}


def _sum(findings, total, parts) -> None:
    amounts = [Decimal(p) for p in parts if p is not None]
    if total is None or not amounts:
        return
    findings.append(("JX-R01" if abs(sum(amounts, ZERO) - Decimal(total)) > SUM_TOL else "JX-R02", None))


def _reconcile(data, se, full_year, executed, initial, rows, findings) -> None:
    tt = data.get("target_table") or {}
    tt_budget = tt.get("budget") or {}
    for key in ("by_income", "by_spending"):
        _sum(findings, tt_budget.get("total"), [r.get("amount") for r in tt_budget.get(key) or []])
        _sum(findings, full_year, [r.get("amount") for r in (se.get("funding") or {}).get(key) or []])
    report = data.get("report") or {}
    statements = report.get("statements") or []
    for st in statements:
        items, total = st.get("items") or [], st.get("total")
        amounts = [i.get("amount") for i in items if i.get("amount") is not None]
        if len(amounts) > 1 or (amounts and total is not None and sum(map(Decimal, amounts)) > Decimal(total)):
            _sum(findings, total, amounts)  # one named part is no breakdown unless it exceeds its whole
        shares = []
        for item in items:
            if item.get("share") in (None, ""):
                continue
            share = parse_value(str(item["share"]))
            if share.kind != "quantity" or share.unit != "%" or item.get("amount") is None or not total:
                continue
            exact = Decimal(item["amount"]) / Decimal(total) * HUNDRED
            shares.append(share.number)
            findings.append(("JX-R03" if _off(share.number, exact, str(item["share"])) else "JX-R04", None))
        if shares:
            findings.append(("JX-R05" if abs(sum(shares, ZERO) - HUNDRED) > SHARE_TOTAL_TOL else "JX-R06", None))
    # cost indicators against spending, and report categories against the cost indicators
    by_name: dict[str, Decimal | None] = {}
    amounts = []
    for _block, level2, row in _rows(se.get("indicators")):
        if _class(level2, VOCABULARY["level2_classes"]) == "成本":
            v = parse_value(str(row.get("actual", "")), NOTATION, "actual")
            amount = v.number if v.kind == "quantity" and v.unit == "万元" and not v.uncertain else None
            amounts.append(amount)
            by_name[str(row.get("name", ""))] = amount
    if amounts and all(a is not None for a in amounts):
        _sum(findings, executed, amounts)
    for st in statements:
        for item in st.get("items") or []:
            names = item.get("includes") or []
            if names and item.get("amount") is not None:
                parts = [by_name.get(n) for n in names]
                if all(p is not None for p in parts):
                    _sum(findings, item["amount"], parts)
    # scores and weights (weights only when every filled row states one)
    weights = [_num(b) for b in [(se.get("budget") or {}).get("weight")]] + [r[5] for r in rows]
    _sum(findings, _num((se.get("total") or {}).get("score")),
         [_num((se.get("budget") or {}).get("self_score"))] + [r[6] for r in rows])
    unweighted = any(r[5] is None and (r[2].strip() or str(row.get("actual", "")).strip())
                     for r, (_b, _l, row) in zip(rows, _rows(se.get("indicators"))))
    blocks = se.get("indicators") or []
    budget_weight = _num((se.get("budget") or {}).get("weight"))
    if unweighted and blocks and budget_weight is not None and all(b.get("points") is not None for b in blocks):
        _sum(findings, HUNDRED, [budget_weight] + [_num(b.get("points")) for b in blocks])  # headings vs the pack
    if not unweighted:
        _sum(findings, _num((se.get("total") or {}).get("weight")), weights)
        _sum(findings, HUNDRED, weights)
        for block in se.get("indicators") or []:
            _sum(findings, block.get("points"), [r[5] for r in rows if r[4] == block.get("level1")])
        for key, points in PACK_SECTIONS.items():  # JX-R08: rows of a section against the pack's weight
            amounts = [r[5] for r in rows if r[3] == key and r[5] is not None]
            if any(r[3] == key for r in rows) and amounts and abs(sum(amounts, ZERO) - points) > SUM_TOL:
                findings.append(("JX-R08", None))
    # stated execution rates
    if executed is not None and full_year:
        exact = executed / full_year * HUNDRED
        for text in ((se.get("budget") or {}).get("rate"), report.get("execution_rate")):
            if text:
                v = parse_value(str(text))
                if v.kind == "quantity" and v.unit == "%" and _off(v.number, exact, str(text)):
                    findings.append(("JX-R07", None))
    # each row against the target table (k-th occurrence of a name against the k-th)
    table: dict[tuple[str, int], str] = {}
    seen: dict[str, int] = {}
    for _block, _level2, row in _rows(tt.get("indicators")):
        name = str(row.get("name", ""))
        k = seen.get(name, 0)
        table[(name, k)] = str(row.get("target", ""))
        seen[name] = k + 1
    if table:
        seen = {}
        for number, name, t_text, *_ in rows:
            k = seen.get(name, 0)
            seen[name] = k + 1
            if name.strip() in NA_NAMES:
                continue
            found = table.get((name, k))
            if found is None:
                findings.append(("JX-C02", number))
            elif found.strip() != t_text.strip():
                findings.append(("JX-C01", number))


def _document(data, se, full_year, initial, rows) -> list[tuple[str, None]]:
    out: list[tuple[str, None]] = []
    tt = data.get("target_table") or {}
    target_budget = (tt.get("budget") or {}).get("total")
    if target_budget is not None and initial is not None and abs(Decimal(target_budget) - initial) > SUM_TOL:
        out.append(("JX-C03", None))
    m = _DATE.search(str(tt.get("date") or ""))
    if m:
        try:
            dated = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            dated = None
        if dated is not None and (dated - date(int(data.get("year", 0)), 1, 1)).days >= 0:
            out.append(("JX-C04", None))
    if initial and full_year is not None and abs(round_half_up((full_year - initial) / initial * HUNDRED)) > 20:
        out.append(("JX-C05", None))
    executed = _num((se.get("budget") or {}).get("executed"))
    money = [a for a in (initial, full_year, executed, _num(target_budget)) if a is not None and a > 0]
    if len(money) > 1 and max(money) / min(money) >= 100:  # money_unit_ratio
        out.append(("JX-A21", None))
    if initial is not None and initial == 0 and full_year is not None and full_year > 0:
        out.append(("JX-C06", None))
    if initial is not None and full_year is not None and abs(full_year - initial) > SUM_TOL and not (
            str((se.get("budget") or {}).get("adjustment_reason") or "").strip()
            or any(w in _report_text(data) for w in ADJUSTMENT_WORDS)):
        out.append(("JX-C07", None))
    scored = [r for r in rows if r[5] and r[6] is not None]
    stated, maximum = _num((se.get("total") or {}).get("score")), _num((se.get("total") or {}).get("weight")) or HUNDRED
    all_full = all(r[6] == r[5] for r in scored) if scored else stated is not None and stated >= maximum
    reasons = [str(row.get("reason", "")) for _b, _l, row in _rows(se.get("indicators"))]
    if all_full and not any(_has_reason(t) for t in [*reasons, str(se.get("problems") or ""), str(se.get("measures") or "")]):
        out.append(("JX-A12", None))
    all_rows = [row for _b, _l, row in _rows(se.get("indicators"))]

    def content(row) -> bool:
        rest = re.sub(r"^\D*[0-9０-９]+[:：]?", "", str(row.get("name", "")).strip())
        cells = [str(c or "").strip() for c in (rest, row.get("target"), row.get("actual"))]
        return row.get("weight") is not None or row.get("score") is not None or any(
            c and c not in PLACEHOLDER_NAMES for c in cells)

    numbered = [r for r in all_rows if NUMBERED.match(str(r.get("name", "")).strip())
                or any(m in str(r.get("name", "")) for m in VOCABULARY["template_name_marks"])]
    if any(str(r.get("name", "")).strip() in TEMPLATE_ROW_NAMES
           or (NUMBERED.match(str(r.get("name", "")).strip()) and not content(r)) for r in all_rows):
        out.append(("JX-A35", None))
    if numbered:
        out.append(("JX-A36", None))
    filled = [r for r in all_rows if str(r.get("actual") or "").strip()]
    copied = [r for r in filled if str(r.get("actual")).strip() == str(r.get("target") or "").strip()
              and parse_value(str(r.get("actual")), NOTATION, "actual").comparator is not None]
    if len(copied) >= 3 and filled and Decimal(len(copied)) / len(filled) >= Decimal("0.5"):  # copied_rows_*
        out.append(("JX-A38", None))
    goal = se.get("goal") or {}
    for text in (goal.get("actual"), se.get("conclusion"), se.get("problems"), se.get("measures")):
        if str(text or "").strip() and _template(str(text)):
            out.append(("JX-A33", None))
    stack = list((data.get("report") or {}).get("sections") or [])
    while stack:
        section = stack.pop(0)
        if _template(str(section.get("heading") or "")) or _template(str(section.get("text") or "")):
            out.append(("JX-A33", None))
        stack[0:0] = list(section.get("subsections") or [])
    if str(goal.get("actual") or "").strip() and str(goal.get("expected") or "").strip() and \
            _fold(goal["actual"]) == _fold(goal["expected"]):
        out.append(("JX-A34", None))
    return out


def _claims_complete(data, se) -> bool:
    """JX-P02's reading: a completion claim (completion_claims) not right after a qualifier
    (claim_qualifiers, within 4 characters) in the report's sections, the goal's 完成情况 or the 评价结论."""
    texts = []
    stack = list((data.get("report") or {}).get("sections") or [])
    while stack:
        section = stack.pop(0)
        texts.append(f"{section.get('heading') or ''}\n{section.get('text') or ''}")
        stack[0:0] = list(section.get("subsections") or [])
    texts += [str((se.get("goal") or {}).get("actual") or ""), str(se.get("conclusion") or "")]
    for text in texts:
        for word in VOCABULARY["completion_claims"]:
            at = text.find(word)
            while at >= 0:
                if not any(text[max(0, at - 4):at].endswith(q) for q in VOCABULARY["claim_qualifiers"]):
                    return True
                at = text.find(word, at + 1)
    return False


def _report_text(data) -> str:
    parts: list[str] = []

    def walk(sections):
        for s in sections or []:
            parts.append(str(s.get("heading", "")))
            parts.append(str(s.get("text", "")))
            walk(s.get("subsections"))

    walk((data.get("report") or {}).get("sections"))
    return "\n".join(parts)


def _survey(data, se) -> bool:
    text = _report_text(data) + "\n".join(str(row.get("reason", "")) for _b, _l, row in _rows(se.get("indicators")))
    return any(word in text for word in SURVEY_WORDS)


def same_as_engine(mine: dict, result) -> str | None:
    """None when the baseline and an engine `Result` agree on total, row points and findings;
    otherwise what differs (the harness stops on it: the ratio would compare unequal work)."""
    if mine["total"] != result.total:
        return f"total {mine['total']} != engine {result.total}"
    engine_points = {e.row: e.points for e in result.ledger if e.row is not None and e.kind == "score"}
    if mine["points"] != engine_points:
        diff = {r: (p, engine_points.get(r)) for r, p in mine["points"].items() if engine_points.get(r) != p}
        return f"row points differ (baseline, engine): {diff}"
    ours = sorted(mine["findings"], key=lambda f: (f[0], f[1] or 0))
    theirs = sorted(((f.rule, f.row) for f in result.findings), key=lambda f: (f[0], f[1] or 0))
    if ours != theirs:
        return f"findings differ: baseline only {sorted(set(ours) - set(theirs))}, engine only {sorted(set(theirs) - set(ours))}"
    return None
