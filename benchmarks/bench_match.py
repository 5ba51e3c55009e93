"""Speed of both matchers on one case of 20 facts against 60 rules of their kind.

Two packs: "dense" (mixed conditions; a fact matches ~27 of the 60 rules) and "sparse" (each
rule tests one indicator code and a threshold, so a fact matches ~1 rule, like a scoring pack
where one rule applies). durable_rules pays per assert and, in its Python layer, per matched
rule (one action call each), so the two differ a lot for it.

    PYTHONPATH=. python benchmarks/bench_match.py [seconds-per-run]

(Moved from tools/; `make bench` runs the whole benchmark, see benchmarks/README.md.)
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal

from engine.match import MatchRule, compile_matcher, durable_available

OPS = ["<", "<=", ">", ">=", "==", "!="]


def sparse_pack(rng: random.Random) -> list[MatchRule]:
    return [
        MatchRule(
            f"JX-S{i:02}",
            "indicator",
            {"all": [{"field": "code", "op": "==", "value": f"C{i % 20}"},
                     {"field": "actual", "op": "<" if i < 20 else (">=" if i < 40 else "=="), "other": "target"}]},
        )
        for i in range(60)
    ]


def pack(rng: random.Random) -> list[MatchRule]:
    rules = []
    for i in range(60):
        shape = i % 4
        if shape == 0:
            cond = {"field": "actual", "op": rng.choice(OPS), "other": "target"}
        elif shape == 1:
            cond = {"all": [{"field": "direction", "op": "==", "value": rng.choice(["positive", "negative"])},
                            {"field": "actual", "op": rng.choice(OPS), "value": Decimal(rng.randint(0, 100))}]}
        elif shape == 2:
            cond = {"any": [{"field": "unit", "op": "in", "value": ["%", "个", "次"]},
                            {"not": {"field": "weight", "op": ">", "value": rng.randint(1, 20)}}]}
        else:
            cond = {"all": [{"field": "self_score", "op": "exists"},
                            {"field": "self_score", "op": ">", "other": "weight"}]}
        rules.append(MatchRule(f"JX-B{i:02}", "indicator", cond))
    return rules


def facts(rng: random.Random) -> list[dict]:
    return [
        {
            "kind": "indicator",
            "id": i,
            "direction": rng.choice(["positive", "negative"]),
            "actual": Decimal(rng.randint(0, 10000)) / 100,
            "target": Decimal(rng.randint(50, 100)),
            "unit": rng.choice(["%", "个", "万元"]),
            "weight": rng.randint(1, 20),
            "self_score": rng.choice([None, Decimal(rng.randint(0, 2000)) / 100]),
            "name": f"指标{i}",
            "code": f"C{i}",
        }
        for i in range(20)
    ]


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    which = ["python"] + (["durable"] if durable_available() else [])
    for label, make in (("dense", pack), ("sparse", sparse_pack)):
        rng = random.Random(7)
        rules, case = make(rng), facts(rng)
        results = {}
        for name in which:
            matcher = compile_matcher(rules, name)
            results[name] = matcher.match(case)
            calls, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds:
                matcher.match(case)
                calls += 1
            elapsed = time.perf_counter() - start
            hits = sum(map(len, results[name]))
            print(
                f"{label:6} {name:8} {calls / elapsed:7.0f} cases/s {calls * len(case) / elapsed:8.0f} facts/s"
                f"  ({hits} matches per case)"
            )
        if len(results) == 2:
            assert results["python"] == results["durable"], "matchers disagree"


if __name__ == "__main__":
    main()
