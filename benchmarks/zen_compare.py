"""jixiao against zen-engine (GoRules' Rust decision engine) on the same rows (issue 19).

    python benchmarks/zen_compare.py [--cases 300] [--seed 1]

The national pack's score rules become one zen decision table (hit policy "first", rules in the
order jixiao chooses among matches: priority, then pack order; one expression cell per rule,
written from the rule's condition by the matching contract of `engine.match`: a comparison holds
only for a present value of the literal's type). The rows are the facts jixiao builds for N
generated cases (indicator rows and budget blocks), read once before timing. Measured, in one
process, CPU time, interleaved per chunk of rows:

* zen: `decision.evaluate(row)` -> the code of the score rule for the row, one call per row, and
  `engine.evaluate_batch` over the chunk (one call from Python, rows decided in Rust); the
  faster of the two is the reference;
* jixiao match: the Python matcher on the same rows (all rules of the pack, as `score` runs it);
* jixiao match + score: the match, `choose_score_rule` and `score_fact` (the formula evaluated,
  the ledger entry with its explanation), which is what a row costs in `jixiao score`.

Before timing, every row's decision is compared: zen's code must equal jixiao's choice. The
target of issue 19 is jixiao's match + score <= 2x zen's decision. zen-engine is an optional
dependency (`pip install zen-engine`); without it the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_TYPES = {bool: "bool", str: "string"}


def _literal(value) -> tuple[str, str]:
    """(zen type name, zen literal) of a condition literal."""
    if isinstance(value, bool):
        return "bool", "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return "number", str(value)
    if isinstance(value, float):
        return "number", repr(value)
    return "string", json.dumps(str(value), ensure_ascii=False)


def expression(node) -> str:
    """A zen expression for a condition in negation normal form (engine.match.contract.to_nnf)."""
    if "all" in node:
        return "(" + " and ".join(expression(c) for c in node["all"]) + ")" if node["all"] else "true"
    if "any" in node:
        return "(" + " or ".join(expression(c) for c in node["any"]) + ")" if node["any"] else "false"
    field, op = node["field"], node["op"]
    if op == "exists":
        return f"({field} != null)"
    if op == "missing":
        return f"({field} == null)"
    if op == "in":
        return "(" + " or ".join(expression({"field": field, "op": "==", "value": v}) for v in node["value"]) + ")"
    if "other" in node:
        other = node["other"]
        if op in ("==", "!="):
            return f"({field} != null and type({field}) == type({other}) and {field} {op} {other})"
        return f"(type({field}) == 'number' and type({other}) == 'number' and {field} {op} {other})"
    kind, literal = _literal(node["value"])
    return f"(type({field}) == '{kind}' and {field} {op} {literal})"


def decision_table(rules) -> str:
    """JDM (zen's JSON decision model): input -> one first-hit table -> output."""
    table = {
        "hitPolicy": "first",
        "inputs": [{"id": "cond", "name": "condition", "type": "expression", "field": ""}],
        "outputs": [{"id": "code", "name": "code", "type": "expression", "field": "code"}],
        "rules": [{"_id": str(i), "cond": expr, "code": json.dumps(code)} for i, (expr, code) in enumerate(rules)],
    }
    return json.dumps({
        "nodes": [{"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
                  {"id": "table", "type": "decisionTableNode", "name": "score rule", "position": {"x": 0, "y": 0},
                   "content": table},
                  {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 0, "y": 0}}],
        "edges": [{"id": "a", "sourceId": "in", "targetId": "table", "type": "edge"},
                  {"id": "b", "sourceId": "table", "targetId": "out", "type": "edge"}],
    }, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=2000, help="rows per interleaved chunk")
    args = parser.parse_args(argv)
    try:
        import zen
    except ImportError:
        print("zen-engine comparison: skipped (zen-engine is not installed for this Python; "
              "`pip install zen-engine` where a wheel exists)")
        return 0

    from benchmarks.generate import case_text
    from engine.api import load_pack
    from engine.case import build_case
    from engine.facts import read_case
    from engine.load import load_text
    from engine.match import compile_matcher
    from engine.match.contract import to_nnf
    from engine.score import _fact_weight, _scaled_weights, choose_score_rule, score_fact

    pack = load_pack(ROOT / "rules" / "national-2020")
    order = {r.code: i for i, r in enumerate(pack.rules)}
    score_rules = sorted((r for r in pack.rules if r.is_score_rule), key=lambda r: (r.priority, order[r.code]))
    kinds = {r.applies_to for r in score_rules}
    tables = {}
    contents = {kind: decision_table([(expression(to_nnf(r.when)), r.code) for r in score_rules if r.applies_to == kind])
                for kind in kinds}
    engine = zen.ZenEngine({"loader": lambda key: contents[key]})  # evaluate_batch loads by key
    for kind in kinds:
        tables[kind] = engine.create_decision(contents[kind])
    matcher = compile_matcher(pack.match_rules(), "python")

    groups = []  # per case (fact ids are unique within a case, as the matchers require): [(fact, weight, zen input)]
    for i in range(args.cases):
        case = build_case(load_text(case_text(args.seed, i), f"g{i}.yaml").data, f"g{i}.yaml", "")
        reading = read_case(case, pack)
        weights = _scaled_weights(pack, reading.facts)
        group = []
        for fact in reading.facts:
            if fact.kind in kinds and not fact.review:
                zen_input = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in fact.fields.items()}
                group.append((fact, _fact_weight(fact, pack, weights), zen_input))
        groups.append(group)
    rows = [row for group in groups for row in group]
    from importlib.metadata import version

    print(f"zen-engine {version('zen-engine')} vs jixiao, pack {pack.id}: {len(rows)} rows "
          f"({args.cases} generated cases, seed {args.seed}); {len(score_rules)} score rules in "
          f"{len(tables)} decision tables ({', '.join(sorted(kinds))})")

    # Agreement first: the ratio compares equal work.
    matches = [codes for group in groups for codes in matcher.match([f.fields for f, _w, _z in group])]
    disagree = 0
    for (fact, _w, zin), codes in zip(rows, matches):
        ours = choose_score_rule(pack, codes)
        theirs = (tables[fact.kind].evaluate(zin).get("result") or {}).get("code")
        if (ours.code if ours else None) != theirs:
            disagree += 1
            if disagree <= 5:
                print(f"  differs: row {fact.item!r}: jixiao {ours.code if ours else None}, zen {theirs}")
    print(f"  same decision on {len(rows) - disagree} of {len(rows)} rows")

    cpu = {"zen decision": 0.0, "zen evaluate_batch": 0.0, "jixiao match (python matcher)": 0.0, "jixiao match + score_fact": 0.0}
    per_chunk = max(1, args.chunk * len(groups) // max(len(rows), 1))
    for start in range(0, len(groups), per_chunk):
        chunk = groups[start:start + per_chunk]
        t = time.process_time()
        for group in chunk:
            for fact, _w, zin in group:
                tables[fact.kind].evaluate(zin)
        cpu["zen decision"] += time.process_time() - t
        t = time.process_time()
        engine.evaluate_batch([{"key": fact.kind, "context": zin} for group in chunk for fact, _w, zin in group])
        cpu["zen evaluate_batch"] += time.process_time() - t
        t = time.process_time()
        for group in chunk:
            matcher.match([f.fields for f, _w, _z in group])
        cpu["jixiao match (python matcher)"] += time.process_time() - t
        t = time.process_time()
        for group in chunk:
            found = matcher.match([f.fields for f, _w, _z in group])
            for (fact, weight, _z), codes in zip(group, found):
                rule = choose_score_rule(pack, codes)
                if rule is not None and rule.score.get("outcome") != "review":
                    score_fact(fact, rule, pack, weight)
        cpu["jixiao match + score_fact"] += time.process_time() - t
    zen_best = min(cpu["zen decision"], cpu["zen evaluate_batch"])
    for name, seconds in cpu.items():
        us = seconds / len(rows) * 1e6
        print(f"  {name:32s} {us:8.1f} µs/row  {seconds / zen_best:5.2f}x zen (the faster zen call)")
    ratio = cpu["jixiao match + score_fact"] / zen_best
    print(f"  match + score / zen: {ratio:.2f}x (target <= 2x: {'met' if ratio <= 2 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
