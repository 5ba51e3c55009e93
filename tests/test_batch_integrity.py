"""Batch integrity: with 2 broken files among 20, every good file is scored, every broken one is
reported, the counts add up; an interrupted run (Ctrl-C) leaves no half-written result.

`jixiao batch FOLDER --out OUT` writes OUT/results/<case stem>.json per case, then the summary
files; it exits 1 when some files failed and 130 when interrupted (engine/commands/batch.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import ROOT, SEED

SEED_UNIT = "unit: 株洲市渌口区工商业联合会\n"


def batch_command(cases: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "engine.cli", "batch", str(cases), "--out", str(out), "--matcher", "python"]


def result_path(out: Path, case: Path) -> Path:
    return out / "results" / f"{case.stem}.json"


def corpus(folder: Path, good: int, broken: dict[str, str] | None = None) -> tuple[list[Path], list[Path]]:
    """`good` copies of the seed, each its own unit, and the broken files given as name -> text."""
    folder.mkdir()
    text = (ROOT / SEED).read_text(encoding="utf-8")
    assert SEED_UNIT in text
    goods = []
    for i in range(good):
        path = folder / f"case-{i:03d}.yaml"
        path.write_text(text.replace(SEED_UNIT, f"unit: 测试单位{i:03d}\n", 1), encoding="utf-8")
        goods.append(path)
    bads = []
    for name, content in (broken or {}).items():
        (folder / name).write_text(content, encoding="utf-8")
        bads.append(folder / name)
    return goods, bads


def run(cmd: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_good_files_are_scored_and_broken_ones_reported(tmp_path):
    seed = (ROOT / SEED).read_text(encoding="utf-8")
    goods, bads = corpus(tmp_path / "cases", 18, {
        "broken-syntax.yaml": seed.replace("year: 2022", "year: [2022", 1),
        "broken-negative.yaml": seed.replace("    executed: 160.48", "    executed: -160.48", 1),
    })
    out = tmp_path / "out"
    proc = run(batch_command(tmp_path / "cases", out))
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 1, stdout + stderr  # some files failed
    assert "Traceback" not in stdout + stderr
    assert "输入文件 20，已评分 18，失败 2" in stdout
    for case in goods:
        data = json.loads(result_path(out, case).read_text(encoding="utf-8"))
        assert data["case"]["unit"] == f"测试单位{case.stem[-3:]}"
        assert data["total"]["score"] == "99.26"
    for case, code in zip(bads, ("E-YAML-SYNTAX", "E-SCHEMA")):
        assert not result_path(out, case).exists()
        assert [line for line in stdout.splitlines() if line.startswith(f"失败 {case}：") and code in line], stdout
    written = sorted((out / "results").iterdir())
    assert written == sorted(result_path(out, c) for c in goods)
    assert len(goods) + len(bads) == len(list((tmp_path / "cases").iterdir())) == 20


def test_an_interrupted_batch_leaves_only_whole_results(tmp_path):
    goods, _ = corpus(tmp_path / "cases", 300)
    out = tmp_path / "out"
    proc = run(batch_command(tmp_path / "cases", out), start_new_session=True)
    deadline = time.monotonic() + 120
    while not ((out / "results").is_dir() and any((out / "results").glob("*.json"))):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no result appeared within 120 s"
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole foreground process group
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, (proc.returncode, "the batch finished before the interrupt? use more cases")
    assert "Traceback" not in stderr, stderr
    assert sorted(out.iterdir()) == [out / "results"]  # the summary is written only after every case
    left = sorted((out / "results").iterdir())
    assert 0 < len(left) < len(goods), [p.name for p in left]
    expected_names = {result_path(out, c).name for c in goods}
    for path in left:
        assert path.name in expected_names, f"{path.name} is not a result file (a temporary file left behind?)"
        assert json.loads(path.read_text(encoding="utf-8"))["total"]["score"] == "99.26"
