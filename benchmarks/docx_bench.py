"""`--format docx` (and html/markdown) render time per case, in process, on generated cases.

    python benchmarks/docx_bench.py [--cases 50]

Scores N generated cases once (durable matcher), then renders each result as docx, html and
markdown, timing only the render (CPU time, min and median over the cases after one warm-up).
Issue 19 targets: docx <= 30 ms per case in a batch, html/markdown <= 3 ms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--formats", default="docx,html,markdown")
    args = parser.parse_args()

    from benchmarks import generate
    from engine.api import score_file
    from engine.report import render

    data_dir = os.path.join(HERE, ".data", f"docx-cases-{args.cases}")
    if not os.path.isdir(data_dir) or len(os.listdir(data_dir)) < args.cases:
        generate.main(["--count", str(args.cases), "--out", data_dir])
    files = sorted(os.path.join(data_dir, f) for f in os.listdir(data_dir) if f.endswith(".yaml"))[: args.cases]
    results = [score_file(f, None, "durable", announce=lambda text: None) for f in files]
    date = datetime.date(2026, 12, 2)
    print(f"render per case, {len(results)} generated cases (CPU ms; one warm-up render first)")
    for fmt in args.formats.split(","):
        render(results[0], fmt, date)
        times = []
        for result in results:
            start = time.process_time()
            render(result, fmt, date)
            times.append((time.process_time() - start) * 1000)
        print(f"  {fmt:9s} mean {statistics.mean(times):7.2f}  median {statistics.median(times):7.2f}"
              f"  min {min(times):7.2f} ms")


if __name__ == "__main__":
    main()
