"""How many rows of the real-filings corpus the importer reproduces from the text as published.

    python benchmarks/import_corpus.py [--verbose] [CORPUS_DIR]      # default tests/corpus

For each `tests/corpus/<id>/` with `source.txt` and the hand transcription `case.yaml`: imports
`source.txt` (every filing in it) and pairs the hand rows that hold a value besides their name
with imported rows of the same name (whitespace ignored, first unused), as `tests/corpus/run.py`
does; a row is reproduced when target, actual, weight and score are all equal (numbers by
value). Prints one line per case and the total. (`make corpus` reports the same figure with the
scores; this script needs nothing but the importer.)
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

FIELDS = ("target", "actual", "weight", "score")


def rows(case: dict) -> list[dict]:
    out: list[dict] = []

    def add(row: dict) -> None:
        out.append(row)
        for child in row.get("children") or []:
            add(child)

    for block in ((case or {}).get("self_evaluation") or {}).get("indicators") or []:
        for group in block.get("groups") or []:
            for row in group.get("rows") or []:
                add(row)
    return out


def text(value) -> str:
    return "" if value is None else re.sub(r"\s+", "", str(value))


def value(v) -> str:
    t = text(v)
    try:
        n = Decimal(t)
    except InvalidOperation:
        return t
    return format(n.normalize(), "f") if n.is_finite() else t


def main() -> int:
    from engine.errors import JixiaoError
    from engine.importers import import_filings

    verbose = "--verbose" in sys.argv
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    corpus = Path(args[0]) if args else ROOT / "tests" / "corpus"
    total = done = 0
    for folder in sorted(p for p in corpus.iterdir() if (p / "source.txt").is_file() and (p / "case.yaml").is_file()):
        hand = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
        want = [r for r in rows(hand) if any(text(r.get(k)) for k in FIELDS)]
        if not want:
            continue
        error = ""
        try:
            got = [r for res in import_filings(folder / "source.txt", year=hand.get("year") or 2000)
                   for r in rows(res.case)]
        except JixiaoError as exc:
            got, error = [], exc.problems[0].code
        used = [False] * len(got)
        ok = 0
        for row in want:
            for i, other in enumerate(got):
                if not used[i] and text(other.get("name")) == text(row.get("name")):
                    used[i] = True
                    diff = [k for k in FIELDS if value(row.get(k)) != value(other.get(k))]
                    ok += not diff
                    if diff and verbose:
                        print(f"    {row.get('name')}: " + ", ".join(f"{k} {row.get(k)!r} != {other.get(k)!r}" for k in diff))
                    break
            else:
                if verbose:
                    print(f"    {row.get('name')}: not imported")
        total += len(want)
        done += ok
        print(f"{folder.name:48} {ok:3}/{len(want):3} {error}")
    print(f"rows reproduced: {done}/{total} = {100 * done / max(total, 1):.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
