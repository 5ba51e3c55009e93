"""Web workbench timings (`make bench`): a scored filing's page, upload + import + score of the
seed as a 3-page .docx, a letter and the list, and the impact preview of three pack edits over N
stored filings (a method's parameter, a check's tolerance, the section weights: the last scores
every filing again).

Prints the figures and the targets of the web issue beside them; asserts nothing (timings on a
shared machine vary: read them as a run's record, see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.web.app import create_app  # noqa: E402
from engine.web.policy import impact_of  # noqa: E402
from tests.import_forms import seed_blocks, write_docx  # noqa: E402

SEED = ROOT / "cases" / "2022" / "lukou-gsl.yaml"


def _token(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1000, help="stored filings for the impact preview")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "data", "127.0.0.1", matcher="python")
        client = app.test_client()
        docx = write_docx(seed_blocks(), Path(tmp) / "seed.docx").read_bytes()
        uploads = []
        for _ in range(max(3, args.repeat // 4)):
            started = time.perf_counter()
            res = client.post("/upload", data={"csrf_token": _token(client), "files": (io.BytesIO(docx), "seed.docx")},
                              content_type="multipart/form-data")
            fid = int(re.search(r"/filings/(\d+)", res.headers["Location"]).group(1))
            client.post(f"/filings/{fid}/score", data={"csrf_token": _token(client)})
            uploads.append(time.perf_counter() - started)
        pages = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            assert client.get(f"/filings/{fid}").status_code == 200
            pages.append(time.perf_counter() - started)
        store = app.extensions["jixiao"]["store"]
        text = SEED.read_text(encoding="utf-8")
        from engine.web.cases import case_json

        for i in range(args.cases - len(store.filings())):
            body = text.replace("株洲市渌口区工商业联合会", f"单位{i}", 1)
            # stored as an upload stores a filing: with its open review items counted and its data as JSON
            store.add_filing(unit=f"单位{i}", project="", year=2022, form="department", source_name=f"{i}.yaml",
                             raw=b"", kind="yaml", case_yaml=body, who="bench", reviews=0, case_json=case_json(body))
        # stored filings are scored ones: score them as the workbench would (not timed)
        from engine.report import render as render_result
        from engine.web.cases import score_text

        for filing in store.filings():
            if store.result(filing.id) is None:
                result = score_text(filing.case_yaml, None, "python")
                store.save_result(filing.id, render_result(result, "json"), total=str(result.total), grade=result.grade,
                                  status=result.status, pack=result.pack_id, who="bench")
        letters, lists = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            assert client.get(f"/filings/{fid}/letter.html").status_code == 200
            letters.append(time.perf_counter() - started)
        for _ in range(max(3, args.repeat // 4)):
            started = time.perf_counter()
            assert client.get("/").status_code == 200
            lists.append(time.perf_counter() - started)
        count = len(store.filings(with_case=False))
        previews = {}
        # a method's parameter (only filings whose stored result used that rule are scored again), a
        # check's tolerance (a check that only reports: no total moves, nothing is scored again) and
        # the provincial weights 20/40/30/10 (every filing is scored again under the draft)
        weights = [{"key": "预算执行", "title": "预算执行率", "weight": 20, "level1": []},
                   {"key": "产出", "title": "产出指标", "weight": 40, "level1": ["产出指标", "产出"], "scale_rows": True},
                   {"key": "效益", "title": "效益指标", "weight": 30, "level1": ["效益指标", "效益"]},
                   {"key": "满意度", "title": "满意度指标", "weight": 10, "level1": ["满意度指标", "满意度", "服务对象满意度指标"]}]
        for label, change in (("reverse_k", {"params": {"reverse_k": 3}}), ("sum_tolerance", {"params": {"sum_tolerance": 1}}),
                              ("weights 20/40/30/10", {"sections": weights})):
            settings = {"pack": {"id": "bench-child", "title": "bench", "version": "1", "extends": "national-2020",
                                 "citation": "bench"}, **change}
            started = time.perf_counter()
            seen = []
            impact = impact_of(app, settings, ROOT / "rules" / "national-2020", lambda done, total: seen.append(done))
            previews[label] = (time.perf_counter() - started, impact, seen)
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    print(f"web: filing page (scored)              median {ms(pages):7.1f} ms   target < 100 ms")
    print(f"web: upload + import + score (.docx)   median {ms(uploads):7.1f} ms   target < 2000 ms")
    print(f"web: letter (html, stored result)      median {ms(letters):7.1f} ms   target < 100 ms (read back, not scored)")
    print(f"web: list of {count} filings            median {ms(lists):7.1f} ms")
    for label, (preview, impact, seen) in previews.items():
        print(f"web: impact preview, {impact['count']} filings   {preview:7.2f} s    target < 15 s "
              f"({label}: {impact['rescored']} scored again under the draft; {len(seen)} progress updates)")

if __name__ == "__main__":
    main()
