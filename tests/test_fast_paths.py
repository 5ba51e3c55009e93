"""Fast paths added for speed must give the verdicts of the code they bypass (see
benchmarks/README.md for why they exist)."""

from decimal import Decimal

import pytest

from engine.errors import JixiaoError
from engine.match import MatchRule, compile_matcher, durable_available
from engine.match.contract import _number_problem, _string_problem, validate_facts
from .conftest import NATIONAL, ROOT

MATCHERS = ["python"] + (["durable"] if durable_available() else [])

# Values on both sides of each fast path of validate_facts (ASCII strings, |x| < 1e300).
EDGE_VALUES = [
    "plain", "", "中文", "\ud800", "a\udfff", Decimal("1E+299"), Decimal("9.99E+299"), Decimal("1E+300"),
    Decimal("1.7976931348623157E+308"), Decimal("1.8E+308"), Decimal("-1E+400"), Decimal("1E-400"), Decimal("NaN"),
    Decimal("-Infinity"), 10**299, 10**300, -(10**300), 10**308, 2**1023, 2**1024, -(2**1024), 0,
]


@pytest.mark.parametrize("value", EDGE_VALUES, ids=[repr(v)[:30] for v in EDGE_VALUES])
def test_validate_facts_fast_paths_keep_the_verdict(value):
    slow = _string_problem(value) if isinstance(value, str) else _number_problem(value)
    try:
        validate_facts([{"kind": "k", "id": 1, "x": value}])
        fast = None
    except JixiaoError as exc:
        fast = exc.problems[0].message
    assert fast == slow


@pytest.mark.parametrize("which", MATCHERS)
def test_matchers_agree_on_edge_numbers(which):
    rules = [MatchRule("BIG", "k", {"field": "x", "op": ">", "value": Decimal("1E+15")}),
             MatchRule("TXT", "k", {"field": "s", "op": "==", "value": "中文\"引号\\"})]
    facts = [{"kind": "k", "id": 1, "x": Decimal("1.7976931348623157E+308"), "s": "中文\"引号\\"},
             {"kind": "k", "id": 2, "x": 10**300, "s": "中文"}, {"kind": "k", "id": 3, "x": Decimal("1E-400")}]
    assert compile_matcher(rules, which).match(facts) == [("BIG", "TXT"), ("BIG",), ()]


FMT_VALUES = [Decimal("2.50"), Decimal("2.5"), Decimal("1E+1"), Decimal("4.840"), Decimal("-0"), Decimal("0.00"),
              Decimal("-0.00"), 0, 5, -7, Decimal("NaN"), Decimal("-Infinity"), Decimal("sNaN"),
              Decimal("1.23456789012345678901234567890123"), Decimal("1E-30"), 10**20]


@pytest.mark.parametrize("value", FMT_VALUES, ids=[repr(v) for v in FMT_VALUES])
def test_fmt_memo_displays_like_a_fresh_format(value):
    from decimal import localcontext

    from engine.decimals import _fmt, fmt

    def outcome(f):
        try:
            return f(value)
        except ArithmeticError as exc:
            return type(exc)

    assert outcome(fmt) == outcome(_fmt)
    assert outcome(fmt) == outcome(_fmt)  # now from the memo
    with localcontext() as ctx:  # a different precision is another memo entry
        ctx.prec = 5
        assert outcome(fmt) == outcome(_fmt)


def test_fmt_memo_keeps_refusing_bools_and_floats():
    from engine.decimals import fmt

    fmt(1)
    with pytest.raises(TypeError):
        fmt(True)
    assert fmt(2.5) == "2.5"  # floats go through D() as before, never the memo


JSON_SHAPES = [
    {}, [], {"a": {}}, {"a": []}, [[], [{}]], {"k": None, "t": True, "f": False, "i": -3, "big": 10**30},
    {"中文": "引号\"、反斜杠\\、换行\n、制表\t、控制\x01、\u2028"}, ("tuple", 1), [1, [2, [3, {"x": [None]}]]],
    {1: "int key"}, {"f": 1.5}, {"nan": float("nan")}, {"d": Decimal("1.5")},
]


@pytest.mark.parametrize("data", JSON_SHAPES, ids=[repr(d)[:25] for d in JSON_SHAPES])
def test_json_dumps_is_the_standard_text(data):
    import json

    from engine.report.json import dumps

    try:
        expected = json.dumps(data, ensure_ascii=False, indent=2)
    except TypeError:
        with pytest.raises(TypeError):
            dumps(data)
        return
    assert dumps(data) == expected


def test_json_reports_of_generated_cases_are_the_standard_text(tmp_path):
    import json

    from benchmarks.generate import generate
    from engine.api import load_case, load_pack, matcher_for
    from engine.report.json import render
    from engine.score import score_case

    pack = load_pack(ROOT / NATIONAL)
    for path in generate(tmp_path, 20, seed=5):
        result = score_case(load_case(path), pack, matcher_for(pack, "python"))
        assert render(result) == json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _odd_results():
    """Results whose ledger entries and findings take every branch of the JSON reporter's
    writers for them, and some it leaves to json.dumps (odd types, non-text keys)."""
    from dataclasses import replace

    from engine.result import Finding, LedgerEntry, Result

    entry = LedgerEntry(section="output", row=3, item="名称“引号\"”\n\t\x01\u2028", rule="JX-S01", rule_title="t",
                        method="linear", weight=Decimal("5"), points=Decimal("4.8449"), deduction=Decimal("0.1551"),
                        self_score=Decimal("5.00"), inputs=(("target", "≥95%"), ("actual", "92%")),
                        formula="5 × 92/95 = 4.84", explanation="说明\\", citation="")
    finding = Finding(rule="JX-C01", severity="error", title="不符", message="m", subject="s", row=None,
                      numbers=(("a", "1"), ("b", "2")), citation="c", fix="改")
    base = Result(engine_version="0", matcher="python", case_file="x.yaml", case_sha256="0", unit="u", year=2022,
                  form="f", pack_id="p", pack_title="t", pack_version="1", pack_sha256="0", pack_chain=("p",),
                  places=2, sections=(), total=Decimal("4.84"), max_total=Decimal("100"), grade="差",
                  self_total=None, self_grade=None, self_items_sum=None, ledger=(entry,), findings=(finding,))
    entries = [
        entry,
        replace(entry, row=None, self_score=None, inputs=()),  # null row, no self score, empty inputs
        replace(entry, outcome="judged", verdict="unmet", ratio=Decimal("0.9684")),
        replace(entry, outcome="judged", verdict="met", ratio=None),
        replace(entry, inputs=(("a", "1"), ("b", "2"), ("a", "3"))),  # a repeated name: first place, last value
        replace(entry, inputs=(("n", None), ("t", True), ("i", 7))),
        replace(entry, weight=Decimal("1E+1"), points=Decimal("-0.005")),
    ]
    findings = [finding, replace(finding, fix=None, passed=True, row=7, numbers=()), replace(finding, fix="")]
    yield base
    yield replace(base, ledger=tuple(entries), findings=tuple(findings))
    yield replace(base, ledger=(), findings=())
    yield replace(base, ledger=(replace(entry, inputs=((1, "int key"),)),))  # json.dumps makes the key text
    yield replace(base, findings=(replace(finding, numbers=(("x", 1.5),)),))  # a float: json.dumps writes it
    yield replace(base, ledger=(replace(entry, row=True),), findings=(replace(finding, row=False),))


@pytest.mark.parametrize("number", range(6))
def test_json_report_writers_of_entries_are_the_standard_text(number):
    import json

    from engine.report.json import render

    result = list(_odd_results())[number]
    assert render(result) == json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


TEMPLATES = ["a {x} b {y}{z} {x}", "no placeholders", "{x}", "{ x } {x-y} {x.y} {中文} {_a1}", "", "{{x}}", "{x"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_render_message_fills_like_the_regex(template):
    from engine.score import _PLACEHOLDER, render_message

    values = {"x": 1, "y": None, "中文": "zh", "_a1": "{x}"}
    expected = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)
    assert render_message(template, values) == expected


def test_render_message_on_every_template_of_the_national_pack():
    from engine.api import load_pack
    from engine.score import _PLACEHOLDER, render_message

    values = {"name": "指标", "actual": "92%", "target": "≥95%", "formula": "5 × 92/95", "score": "4.84"}
    for rule in load_pack(ROOT / NATIONAL).rules:
        for template in filter(None, (rule.message, rule.fix)):
            expected = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)
            assert render_message(template, values) == expected


@pytest.mark.skipif(not durable_available(), reason="durable_rules is not importable on this Python")
@pytest.mark.parametrize("text, expected", [
    ('{"r0_0":{"m":{"kind":"k","id":7,"sid":"1.1","t:x":"n","v:x":5.0}}}', ("r0_0", 7)),
    ('{"r12_3":{"m":{"kind":"k\\"}x","id":-5}}}', ("r12_3", -5)),
    ('{"jx_open":{"m":{"jx:open":1,"id":"open","sid":"1"}}}', ("jx_open", "open")),
    ('{ "r1_0": {"m": {"kind": "k", "id": 9}}}', ("r1_0", 9)),
    ('{"r2_0":{"m":{"id":3,"kind":"k"}}}', ("r2_0", 3)),
])
def test_durable_message_reading(text, expected):
    from engine.match.durable import _first_action

    assert _first_action(text) == expected


def test_longest_match_index_answers_like_the_plain_loop():
    import random

    from engine import values

    n = values.DEFAULT_NOTATION
    vocabularies = [n.prefix_words, n.unit_words, n.suffix_words, n.time_suffix_words,
                    n.not_a_unit, values.RANGE_SEPARATORS, values.APPROX_AFTER, ("", "a", "ab")]
    alphabet = "".join(sorted({ch for words in vocabularies for word in words for ch in word})) + "0 x"
    rng = random.Random(4)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        words = rng.choice(vocabularies)
        pos, end = rng.randint(0, len(text) + 1), rng.randint(0, len(text) + 1)
        plain = next((w for w in words if text.startswith(w, pos, end)), None)
        assert values._longest_match(text, pos, end, words) == plain, (text, pos, end)
