"""`jixiao batch` under real signals: one Ctrl-C, two, many, SIGINT through `timeout`, SIGTERM,
and SIGKILL of the parent. Every time the run ends (exit 130 for an interrupt) and no process
of it is left behind; results are whole, and no summary is written.

The processes of one run are found by a marker in their environment (workers inherit it), not
by name. The bounds on time are generous (a hang is what they catch, not slowness)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .conftest import NATIONAL, ROOT, SEED
from .test_batch_integrity import corpus

ENDS_WITHIN = 60  # seconds: a run that hangs never ends; one that works ends in about one
MARKER = "JIXIAO_TEST_RUN"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def processes_with(marker: str) -> list[int]:
    """Live (not zombie) processes whose environment holds MARKER=marker."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                environ = handle.read().split(b"\0")
            with open(f"/proc/{entry}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in environ and state not in (b"Z", b"X"):
            found.append(int(entry))
    return found


def gone(marker: str) -> list[int]:
    """Wait until no process of the run is left; the ones still there after the bound."""
    deadline = time.monotonic() + ENDS_WITHIN
    while (left := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def start(cmd: list[str], marker: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), MARKER: marker}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **kwargs)


def batch(cases: Path, out: Path, jobs: int = 2) -> list[str]:
    return [sys.executable, "-m", "engine.cli", "batch", str(cases), "--out", str(out), "--rules", NATIONAL,
            "--matcher", "python", "--jobs", str(jobs)]


def wait_for_results(out: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not ((out / "results").is_dir() and any((out / "results").glob("*.json"))):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no result appeared within 120 s"
        time.sleep(0.02)


def ended(proc: subprocess.Popen) -> tuple[int, str]:
    try:
        _, stderr = proc.communicate(timeout=ENDS_WITHIN)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"the batch did not end within {ENDS_WITHIN} s of the signal")
    return proc.returncode, stderr


def assert_whole_results(out: Path, total: int, some: bool = True) -> None:
    if not some and not out.exists():
        return  # interrupted before the folder was made
    names = sorted(p.name for p in out.iterdir())
    assert names == ["results"], names  # no summary, no lock file
    left = list((out / "results").iterdir())
    assert len(left) < total, "the batch finished before the interrupt? use more cases"
    assert left or not some
    for path in left:
        assert path.suffix == ".json" and not path.name.startswith("."), path.name  # no temporary file
        assert json.loads(path.read_text(encoding="utf-8"))["total"]["score"] == "99.26"


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signals") / "cases"
    corpus(folder, 400)
    return folder


@pytest.mark.parametrize("presses", [1, 2, 10])
def test_ctrl_c_ends_the_run_however_often_it_is_pressed(cases, tmp_path, presses):
    """Ctrl-C goes to the whole foreground process group: the parent and its workers."""
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = start(batch(cases, out), marker)
    wait_for_results(out, proc)
    for _ in range(presses):
        os.killpg(proc.pid, signal.SIGINT)
        time.sleep(0.05)
    code, stderr = ended(proc)
    assert code == 130, stderr
    assert "Traceback" not in stderr and "interrupted:" in stderr, stderr
    assert gone(marker) == []
    assert_whole_results(out, 400)


def test_sigint_from_timeout_ends_the_run(tmp_path):
    """`timeout -s INT` sends SIGINT to the batch process only (workers ignore it anyway). Enough
    cases that the run is still going after 4 s on a quiet machine too (3,000: about a minute)."""
    cases = tmp_path / "many"
    corpus(cases, 3000)
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = start(["timeout", "-s", "INT", "4", *batch(cases, out)], marker)
    code, stderr = ended(proc)
    assert code == 124, stderr  # timeout's own code: it had to stop the command
    assert "Traceback" not in stderr and "interrupted:" in stderr, stderr
    assert gone(marker) == []
    assert_whole_results(out, 3000, some=False)  # on a busy machine, 4 s may not reach the first result


def test_sigterm_ends_the_run_like_ctrl_c(cases, tmp_path):
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = start(batch(cases, out), marker)
    wait_for_results(out, proc)
    os.kill(proc.pid, signal.SIGTERM)
    code, stderr = ended(proc)
    assert code == 130 and "Traceback" not in stderr, stderr
    assert gone(marker) == []
    assert_whole_results(out, 400)


def test_workers_die_with_a_parent_killed_by_sigkill(cases, tmp_path):
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = start(batch(cases, out, jobs=3), marker)
    wait_for_results(out, proc)
    assert len(processes_with(marker)) >= 4  # the parent and its workers are there
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=ENDS_WITHIN)
    assert gone(marker) == []
    # The lock died with its holder: the next run into the same folder is not refused.
    rerun = subprocess.run(batch(cases / "case-000.yaml", out), cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert rerun.returncode == 0, rerun.stderr


def sleepy(index, path, *args):
    """A scorer for which case-001.yaml never finishes: its worker stays busy, the other idle."""
    from engine.batch import score_one

    if path.endswith("case-001.yaml"):
        time.sleep(3600)
    return score_one(index, path, *args)


SLEEPY = """
import sys
from engine.batch import run_batch
from tests.test_batch_signals import sleepy
run_batch([sys.argv[1]], sys.argv[2], sys.argv[3], "python", jobs=2, scorer=sleepy)
"""


def test_ctrl_c_does_not_wait_for_a_busy_worker_or_an_idle_one(cases, tmp_path):
    """The parent kills its workers, busy or idle, instead of waiting for them."""
    few = tmp_path / "few"
    few.mkdir()
    for name in ("case-000.yaml", "case-001.yaml", "case-002.yaml"):
        shutil.copy(cases / name, few / name)
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = start([sys.executable, "-c", SLEEPY, str(few), str(out), NATIONAL], marker)
    deadline = time.monotonic() + 120
    while len(list((out / "results").glob("*.json")) if (out / "results").is_dir() else []) < 2:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the two other cases were not scored within 120 s"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    code, stderr = ended(proc)
    assert code != 0 and "KeyboardInterrupt" in stderr  # a script: the interrupt propagates
    assert gone(marker) == []
    assert sorted(p.name for p in (out / "results").iterdir()) == ["case-000.json", "case-002.json"]


def test_a_worker_killed_from_outside_costs_no_case(cases, tmp_path):
    """SIGKILL to one worker mid-run (as the OOM killer would): the pool is replaced and every
    case is still scored (the unfinished ones were tried again)."""
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = start(batch(cases, out), marker)
    wait_for_results(out, proc)
    workers = [pid for pid in processes_with(marker) if pid != proc.pid and b"spawn_main" in
               Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode in (0, 1), stderr
    summary = (out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(summary) == 401
    failed = [line for line in summary if "E-WORKER" in line]
    assert len(failed) <= 1, failed  # at most the case being scored, if it killed its worker again
    assert gone(marker) == []
