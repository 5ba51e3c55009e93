"""Rule documentation, generated from a compiled pack so it can never drift from the rules.

`jixiao rules explain CODE` prints one rule's page; `jixiao rules doc PACK --output DIR` writes
a page per rule, an index of the pack and a reference of the fields and placeholders a rule may
use. Every page has the same headings (检查什么 / 为什么 / 参数 / 说明模板 / 例子 / 依据), the way
ruff and sqlfluff document their rules. Pure: Markdown text in, Markdown text out.
"""

from __future__ import annotations

from decimal import Decimal

from .decimals import fmt
from .facts import FACT_FIELDS, FACT_KIND_TITLES, MESSAGE_PLACEHOLDERS, SCORE_PLACEHOLDERS
from .match.explain import condition_text
from .rulepack import Pack, Rule, resolve_param


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _flow(value, top: bool = False) -> str:
    """A value written the way a pack's flow YAML writes it: {a: 1, b: [x, y]}."""
    if isinstance(value, dict):
        inner = ", ".join(f"{k}: {_flow(v)}" for k, v in value.items())
        return inner if top else "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return fmt(value)
    return "\"\"" if value == "" else str(value)


def _expectation(rule: Rule, expect: dict) -> str:
    if "score" in expect:
        return f"按本规则计 {expect['score']} 分"
    if expect.get("not_applied"):
        return "本规则不计分（条件不成立，或有更优先的规则）"
    if "deduction" in expect:
        return f"扣 {expect['deduction']} 分"
    if "finding" in expect:
        return "报告问题" if expect["finding"] else "不报告"
    return _flow(expect, top=True)


def _parameters(pack: Pack, rule: Rule) -> list[tuple[str, str, str]]:
    """(name, value, where it comes from) for every parameter the rule uses."""
    rows: list[tuple[str, str, str]] = []
    seen = set()

    def walk(node):
        if isinstance(node, dict):
            if set(node) == {"param"}:
                name = node["param"]
                if name not in seen and name in pack.params:
                    seen.add(name)
                    rows.append((name, fmt(pack.params[name]), "条件中引用的规则包参数"))
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(rule.source_when)
    method = pack.methods.get((rule.score or {}).get("method"))
    if method is not None:
        own = rule.score.get("params") or {}
        for name, value in {**method.params, **own}.items():
            source = "本规则设定" if name in own else f"计分方法 {method.name} 的默认值"
            if isinstance(value, str) and value in pack.params:
                source += f"，即规则包参数 {value}"
            rows.append((name, fmt(resolve_param(value, pack.params)), source))
    return rows


def rule_markdown(pack: Pack, rule: Rule, overrides: list[tuple[str, str]] | None = None) -> str:
    """One rule's page. `overrides`: (pack id, what it does) for packs that change this rule."""
    lines = [f"# {rule.code} {rule.title}", ""]
    kind = (f"计分规则，优先级 {rule.priority}（同一事实取条件成立、数字最小的一条）" if rule.score is not None
            else f"审核规则，级别 {rule.finding['severity']}" + ("，成立表示检查通过" if rule.finding.get("passed") else ""))
    origin = rule.pack_id if rule.pack_id == pack.id else f"{rule.pack_id}（{pack.id} 继承）"
    lines += [
        "| 项目 | 内容 |", "|---|---|",
        f"| 规则包 | {_cell(pack.id)} v{_cell(pack.version)}，定义于 {_cell(origin)} |",
        f"| 适用于 | `{rule.applies_to}`：{_cell(FACT_KIND_TITLES.get(rule.applies_to, rule.applies_to))} |",
        f"| 类别 | {kind} |", "",
        "## 检查什么", "",
        f"条件：`{condition_text(rule.source_when)}`", "",
    ]
    if rule.score is not None:
        method = pack.methods.get(rule.score.get("method"))
        if method is not None:
            lines += [f"计分：方法 `{method.name}`（{method.title}），公式 `{method.formula.source}`，"
                      "结果限定在 0 与分值之间，四舍五入。", ""]
        elif rule.score.get("outcome") == "judged":
            from .result import VERDICT_TITLES

            verdict = VERDICT_TITLES.get(rule.score.get("verdict"), "")
            lines += [f"判断：表中没有分值的行判为“{verdict}”，只判断完成情况，不计分（不是 0 分）。", ""]
    if rule.deduct:
        per = "每个问题扣一次" if rule.deduct.get("per") == "finding" else "每个案卷扣一次"
        lines += [f"扣分：从“{rule.deduct['from']}”部分扣 {fmt(rule.deduct['points'])} 分，{per}，扣完为止。", ""]
    lines += ["## 为什么", "", rule.rationale, ""]
    params = _parameters(pack, rule)
    lines += ["## 参数", ""]
    if params:
        lines += ["| 参数 | 值 | 来源 |", "|---|---|---|", *(f"| `{n}` | {v} | {_cell(s)} |" for n, v, s in params), ""]
    else:
        lines += ["本规则没有参数。", ""]
    lines += ["## 说明模板", "", f"> {rule.message}", ""]
    if rule.fix:
        lines += [f"修改建议：{rule.fix}", ""]
    lines += ["## 例子", "", "| 输入 | 期望 |", "|---|---|"]
    for example in rule.examples:
        lines.append(f"| `{_cell(_flow(example['given'], top=True))}` | {_cell(_expectation(rule, example['expect']))} |")
    lines += ["", "## 依据", "", rule.citation, ""]
    if overrides is not None:
        lines += ["## 在其他规则包中", ""]
        lines += [f"- {pid}：{what}" for pid, what in overrides] or ["没有其他规则包覆盖或删除本规则。"]
        lines.append("")
    return "\n".join(lines)


def overrides_of(code: str, packs: dict[str, Pack]) -> list[tuple[str, str]]:
    """Which of `packs` (by id) override or remove the rule `code` they inherit."""
    out = []
    for pack in sorted(packs.values(), key=lambda p: p.id):
        parent = packs.get(pack.chain[-2]) if len(pack.chain) > 1 else None
        if parent is None or code not in parent._by_code:
            continue
        if code not in pack._by_code:
            out.append((pack.id, "删除（remove_rules）"))
        elif pack.rule(code).pack_id == pack.id and pack.rule(code).amended:
            out.append((pack.id, f"修改 {', '.join(sorted(pack.rule(code).amended))}（amend_rules）"))
        elif pack.rule(code).pack_id == pack.id:
            out.append((pack.id, f"覆盖为“{pack.rule(code).title}”"))
    return out


def index_markdown(pack: Pack) -> str:
    scope = pack.applies_to
    lines = [f"# {pack.title}", "", f"规则包 `{pack.id}` v{pack.version}" + (f"，继承 {' → '.join(pack.chain[:-1])}" if len(pack.chain) > 1 else "")
             + "。本页由 `jixiao rules doc` 从规则包生成，请勿手改。", ""]
    if pack.description:
        lines += [pack.description, ""]
    if pack.citation:
        lines += [f"依据：{pack.citation}", ""]
    if scope:
        years = scope.get("years") or {}
        lines += [f"适用：{years.get('from', '…')}–{years.get('to', '…')} 年；表式 {', '.join(scope.get('forms') or ['不限'])}；"
                  f"地区 {', '.join(scope.get('regions') or ['全国'])}。", ""]
    lines += ["## 分值", "", "| 部分 | 名称 | 分值 | 表上的一级指标 |", "|---|---|---|---|"]
    lines += [f"| {s.key} | {s.title} | {fmt(s.weight)} | {_cell('、'.join(s.level1) or '（预算执行率）')} |" for s in pack.sections]
    lines += [f"| 合计 | | {fmt(pack.total)} | |", "", "## 等级", "", "| 等级 | 总分 |", "|---|---|"]
    top = max((g.max for g in pack.grades), default=None)
    lines += [f"| {g.grade} | {fmt(g.min)} ≤ 总分 {'≤' if g.max == top else '<'} {fmt(g.max)} |" for g in pack.grades]
    lines += ["", f"每项得分四舍五入到 {pack.places} 位小数。", "", "## 参数", "", "| 参数 | 值 |", "|---|---|"]
    lines += [f"| `{k}` | {fmt(v)} |" for k, v in pack.params.items()]
    lines += ["", "## 计分方法", "", "| 方法 | 名称 | 公式 | 参数 |", "|---|---|---|---|"]
    lines += [f"| `{m.name}` | {_cell(m.title)} | `{_cell(m.formula.source)}` | {_cell(_flow(m.params, top=True))} |"
              for m in pack.methods.values()]
    lines += ["", "## 规则", "", "| 编号 | 规则 | 适用于 | 类别 |", "|---|---|---|---|"]
    for r in pack.rules:
        kind = f"计分（优先级 {r.priority}）" if r.score is not None else f"审核（{r.finding['severity']}）"
        lines.append(f"| [{r.code}]({r.code}.md) | {_cell(r.title)} | `{r.applies_to}` | {kind} |")
    lines += ["", "条件可用的字段和说明模板可用的占位符见 [fields.md](fields.md)。", ""]
    return "\n".join(lines)


def fields_markdown() -> str:
    """The fields a condition may test and the placeholders a message may use, per fact kind."""
    lines = ["# 条件字段与说明占位符", "", "本页由 `jixiao rules doc` 从 `engine/facts.py` 生成，请勿手改。"
             "字段缺失（无法确定）时，涉及它的条件不成立。", ""]
    for kind, fields in FACT_FIELDS.items():
        lines += [f"## `{kind}`：{FACT_KIND_TITLES.get(kind, '')}", "", "| 字段 | 类型 |", "|---|---|"]
        lines += [f"| `{name}` | {ftype} |" for name, ftype in fields.items()]
        placeholders = ", ".join(f"`{{{p}}}`" for p in MESSAGE_PLACEHOLDERS.get(kind, ()))
        lines += ["", f"说明模板占位符：{placeholders}", ""]
    lines += ["计分规则另可使用：" + ", ".join(f"`{{{p}}}`" for p in SCORE_PLACEHOLDERS), ""]
    return "\n".join(lines)


def pack_pages(pack: Pack) -> dict[str, str]:
    """Every page of a pack's catalog: file name -> Markdown."""
    pages = {"index.md": index_markdown(pack), "fields.md": fields_markdown()}
    pages.update({f"{r.code}.md": rule_markdown(pack, r) for r in pack.rules})
    return pages
