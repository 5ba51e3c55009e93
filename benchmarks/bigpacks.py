"""Large rule packs: what one `jixiao score` costs when the pack is big (issue 18, item 3).

    python benchmarks/bigpacks.py                 # generate both packs, time `jixiao score` and `rules lint`
    python benchmarks/bigpacks.py --rules 2000 --alternatives 60 --wide-rules 100

Two packs, each extending national-2020, are written to benchmarks/.data/packs/ (ignored by git):

  many-2000    2,000 one-leaf score rules on indicator facts (`weight > i`), each at its own
               priority below the national rules, so none of them changes a score;
  wide-100x60  100 score rules whose condition is `any` of 60 one-leaf alternatives.

For each pack, `jixiao score cases/2022/lukou-gsl.yaml --rules PACK --format json` runs in a
fresh process (compile + match + score), with each matcher, and `jixiao rules lint PACK` (which
alone runs the pairwise shadow analysis). Wall-clock seconds are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / ".data" / "packs"
CASE = ROOT / "cases" / "2022" / "lukou-gsl.yaml"
HEADER = "# yaml-language-server: $schema=../../../../schemas/rulepack.schema.json\n"


def _pack_yaml(pack_id: str) -> str:
    return (HEADER + "pack:\n"
            f"  id: {pack_id}\n  title: 大规则包（基准）\n  version: \"1\"\n  extends: national-2020\n"
            "  citation: 基准测试\n")


def _rule(code: str, priority: int, when: str) -> str:
    return (f"  - code: {code}\n    title: 基准规则 {code}\n    rationale: 基准测试用的规则，从不改变得分。\n"
            f"    applies_to: indicator\n    priority: {priority}\n    when: {when}\n"
            "    score: {method: full}\n    message: \"满分 {score}。\"\n    citation: 基准测试\n"
            "    examples:\n      - given: {target: \"≥95%\", actual: \"96%\", weight: 5}\n        expect: {score: \"5.00\"}\n")


def _code(i: int) -> str:
    """JX-, letters, three digits (the schema's pattern): JX-BA000 … JX-BB999 …"""
    return f"JX-B{chr(65 + i // 1000)}{i % 1000:03d}"


def write_many(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(_pack_yaml(folder.name), encoding="utf-8")
    rules = [HEADER, "rules:\n"]
    for i in range(count):
        rules.append(_rule(_code(i), 1000 + i, f"{{field: weight, op: \"==\", value: {1000 + i}}}"))
    (folder / "many.yaml").write_text("".join(rules), encoding="utf-8")
    return folder


def write_wide(folder: Path, count: int, alternatives: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(_pack_yaml(folder.name), encoding="utf-8")
    rules = [HEADER, "rules:\n"]
    for i in range(count):
        leaves = ", ".join(f"{{field: weight, op: \"==\", value: {1000 + i * alternatives + j}}}"
                           for j in range(alternatives))
        rules.append(_rule(_code(i), 1000 + i, f"{{any: [{leaves}]}}"))
    (folder / "wide.yaml").write_text("".join(rules), encoding="utf-8")
    return folder


def timed(cmd: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user + system of the child: steadier on a busy machine), exit
    status and the last line of standard error."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = proc.stderr.strip().splitlines()
    return wall, cpu, proc.returncode, lines[-1] if lines else ""


def compile_costs(pack: Path) -> tuple[float, float]:
    """CPU seconds, in this process, of the compiler every command runs (`checked_pack`) and of
    `rules lint` (`lint_pack`: the same plus the pairwise analysis, which `score` ran before)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from engine.lint import checked_pack, lint_pack

    start = time.process_time()
    checked_pack(pack)
    middle = time.process_time()
    lint_pack(pack)
    return middle - start, time.process_time() - middle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=2000)
    parser.add_argument("--wide-rules", type=int, default=100)
    parser.add_argument("--alternatives", type=int, default=60)
    parser.add_argument("--matchers", default="durable,python")
    parser.add_argument("--no-lint", action="store_true", help="skip timing `rules lint`")
    args = parser.parse_args(argv)
    packs = [write_many(DATA / f"many-{args.rules}", args.rules),
             write_wide(DATA / f"wide-{args.wide_rules}x{args.alternatives}", args.wide_rules, args.alternatives)]
    jixiao = [sys.executable, "-m", "engine.cli"]
    print(f"machine load (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; seconds are wall / CPU")
    wall, cpu, _rc, _err = timed([*jixiao, "score", str(CASE), "--rules", "rules/national-2020", "--format", "json"])
    print(f"{'national-2020 (reference)':<30} score          : {wall:6.2f} / {cpu:6.2f} s")
    for pack in packs:
        for matcher in args.matchers.split(","):
            wall, cpu, rc, err = timed([*jixiao, "score", str(CASE), "--rules", str(pack), "--format", "json",
                                        "--matcher", matcher])
            print(f"{pack.name:<30} score ({matcher:<7}): {wall:6.2f} / {cpu:6.2f} s  exit {rc}" + (f"  {err}" if rc else ""))
        if not args.no_lint:
            wall, cpu, rc, err = timed([*jixiao, "rules", "lint", str(pack)])
            print(f"{pack.name:<30} rules lint      : {wall:6.2f} / {cpu:6.2f} s  exit {rc}  {err}")
            compiled, linted = compile_costs(pack)
            print(f"{pack.name:<30} in process: compiler checks {compiled:6.2f} s CPU, lint {linted:6.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
