"""Why, and why not: every rule that could apply to a row, whether its condition held, and for
those that did not, which part failed with the values compared (`jixiao score CASE --why ROW`).

Pure: it reads an `Evaluation` (the facts the matcher saw and what it matched) and explains the
pack's rules against those same facts with `engine.match.explain`. ROW is a row number of the
self-evaluation table, an indicator name, 预算执行率 (or 0) for the budget block, or a rule
code, which explains that one rule against every fact of its kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from .decimals import fmt
from .errors import JixiaoError, tr
from .facts import FACT_KIND_TITLES, Fact
from .match.explain import Verdict, explain_condition, value_text
from .rulepack import Pack, Rule
from .score import Evaluation, choose_score_rule
from .validate import closest

BUDGET_NAMES = ("0", "预算执行率", "budget")
ROW_KINDS = ("indicator", "scored_row", "target_match")


@dataclass(frozen=True)
class RuleWhy:
    rule: Rule
    verdict: Verdict
    outcome: str  # in Chinese: applied, held but outranked, reported, not held


@dataclass(frozen=True)
class FactWhy:
    fact: Fact
    title: str
    rules: tuple[RuleWhy, ...]

    def values(self) -> str:
        """The fact's known fields, as the rules see them."""
        return "，".join(f"{k} = {value_text(v)}" for k, v in self.fact.fields.items()
                        if v is not None and k not in ("kind", "id"))


@dataclass(frozen=True)
class WhyReport:
    query: str
    pack_id: str
    facts: tuple[FactWhy, ...]
    omitted: int = 0          # facts the query named beyond WHY_MAX_FACTS, not explained (ask by row number)


# A query naming thousands of rows (a name every row has, a rule code that applies to every row)
# explains the first WHY_MAX_FACTS of them and says how many more there are: a presentation
# bound (the largest accepted case took 122 s and printed 81 MB for one name), not policy.
WHY_MAX_FACTS = 200


def _row_of(fact: Fact) -> int | None:
    if fact.kind == "indicator":
        return fact.row.number if fact.row else None
    return fact.fields.get("row") if fact.kind in ROW_KINDS else None


def _title(fact: Fact) -> str:
    row = _row_of(fact)
    about = f"第 {row} 行“{fact.item}”" if row is not None else f"“{fact.item}”"
    title = f"{about}：{FACT_KIND_TITLES.get(fact.kind, fact.kind)}（{fact.kind} 事实）"
    return title + (f"；待复核：{fact.review}" if fact.review else "")


def _outcome(rule: Rule, held: bool, chosen: Rule | None, points: dict) -> str:
    if not held:
        return "不成立"
    if rule.finding is not None:
        return "成立，报告：检查通过" if rule.finding.get("passed") else f"成立，报告问题（{rule.finding['severity']}）"
    if chosen is not None and chosen.code != rule.code:
        return f"成立，但未采用：{chosen.code} 优先（优先级 {chosen.priority}）"
    got = points.get(rule.code)
    if got == "review":
        return "成立，采用：待复核（不计入总分）"
    if isinstance(got, tuple):  # a row judged without points: its verdict
        return f"成立，采用：判为{got[1]}，不计分（表中没有分值）"
    return f"成立，采用：计 {fmt(got)} 分" if got is not None else "成立，采用"


class _Index:
    """What every explained fact looks up, made once per report (a report of a rule over a case
    of 10 000 rows used to scan the whole ledger for each row: 60 s)."""

    def __init__(self, pack: Pack, evaluation: Evaluation):
        self.order = {r.code: i for i, r in enumerate(pack.rules)}
        # (row, item): the points of each score entry; the budget block has no row, so its
        # entries are told apart by item.
        self.by_row: dict = {}
        self.by_item: dict = {}
        for e in evaluation.result.ledger:
            if e.kind == "score":
                got = "review" if e.outcome == "review" else ("judged", e.verdict_text) if e.judged else e.points
                self.by_row.setdefault(e.row, {})[e.rule] = got
                if e.row is None:
                    self.by_item.setdefault(e.item, {})[e.rule] = got

    def points(self, fact: Fact, row) -> dict:
        if fact.kind == "budget":
            return self.by_item.get(fact.item, {})
        return self.by_row.get(row, {})


def _explain_fact(pack: Pack, evaluation: Evaluation, index: int, only: Rule | None,
                  known: _Index | None = None) -> FactWhy:
    known = known or _Index(pack, evaluation)
    fact = evaluation.facts[index]
    codes = evaluation.matches[index]
    chosen = choose_score_rule(pack, codes) if fact.kind in ("indicator", "budget") else None
    row = _row_of(fact) if fact.kind == "indicator" else None
    points = known.points(fact, row)
    order = known.order
    rules = [only] if only else [r for r in pack.rules if r.applies_to == fact.kind]
    rules.sort(key=lambda r: (r.score is None, r.priority if r.score else 0, order[r.code]))
    out = []
    for rule in rules:
        verdict = explain_condition(rule.when, fact.fields)
        out.append(RuleWhy(rule, verdict, _outcome(rule, verdict.held, chosen, points)))
    return FactWhy(fact, _title(fact), tuple(out))


def _no_such(query: str, evaluation: Evaluation, pack: Pack) -> JixiaoError:
    rows = [f.row.number for f in evaluation.facts if f.kind == "indicator" and f.row]
    names = sorted({f.item for f in evaluation.facts if f.kind == "indicator"})
    guess = closest(query, [*names, *(r.code for r in pack.rules)])
    span = f"rows 1–{max(rows)}" if rows else "no indicator rows"
    span_zh = f"案卷有第 1–{max(rows)} 行" if rows else "案卷没有指标行"
    return JixiaoError.single(
        "E-WHY", tr(f"--why {query!r} 不是这份案卷的行号、指标名称，也不是规则包的规则编号（{span_zh}）",
                    f"--why {query!r} names no row, indicator or rule code of this case and pack (the case has {span})"),
        stage="score", file=evaluation.result.case_file,
        hint=(tr(f"是不是 {guess!r}？", f"did you mean {guess!r}? ") if guess else "")
        + tr("请给出行号、指标名称、预算执行率，或规则编号（如 JX-S02）",
             "give a row number, an indicator name, 预算执行率, or a rule code such as JX-S02"),
    )


def explain_why(pack: Pack, evaluation: Evaluation, query: str) -> WhyReport:
    """Every rule that could apply to the row (or rule) named by `query`, with its verdict."""
    query = query.strip()
    facts = evaluation.facts
    known = _Index(pack, evaluation)
    rule = next((r for r in pack.rules if r.code == query.upper()), None)
    if rule is not None:
        picked = [i for i, f in enumerate(facts) if f.kind == rule.applies_to]
        shown = picked[:WHY_MAX_FACTS]
        return WhyReport(query, pack.id, tuple(_explain_fact(pack, evaluation, i, rule, known) for i in shown),
                         len(picked) - len(shown))
    if query in BUDGET_NAMES:
        picked = [i for i, f in enumerate(facts) if f.kind == "budget"]
    else:
        if query.isdigit():
            rows = {int(query)}
        else:
            rows = {f.row.number for f in facts if f.kind == "indicator" and f.row and f.item.strip() == query}
        picked = [i for i, f in enumerate(facts) if f.kind in ROW_KINDS and _row_of(f) in rows]
    if not picked:
        raise _no_such(query, evaluation, pack)
    shown = picked[:WHY_MAX_FACTS]
    return WhyReport(query, pack.id, tuple(_explain_fact(pack, evaluation, i, None, known) for i in shown),
                     len(picked) - len(shown))
