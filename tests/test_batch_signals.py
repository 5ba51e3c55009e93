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


def start(cmd: list[str], marker: str, half: str = "", **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), MARKER: marker, "HALF_SENT": half}
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


def half_sent(index, path, result_name, out, *args):
    """A scorer whose worker, on the case named by $HALF_SENT (once: a marker file records it),
    writes the start of a message to the pool's result pipe (a header announcing 1 MB, then 10
    bytes) and waits there to be killed: the state of a worker killed while it sent a chunk's
    results (~0.5 MB, many pipe writes; on a busy machine the parent reads them slowly). The
    parent's reader then waits for the rest of a message that may never come. On the last case
    it first waits until every other case is written (the other worker is then idle: no other
    message follows the broken one)."""
    import gc
    import multiprocessing.queues
    import struct

    from engine.batch import score_one

    marker = Path(out) / "half-sent"
    if path.endswith(os.environ["HALF_SENT"]) and not marker.exists():
        if path.endswith("case-399.yaml"):
            while len(list((Path(out) / "results").glob("*.json"))) < 399:
                time.sleep(0.05)
            time.sleep(1)  # the other worker has sent its last results
        gc.unfreeze()  # the batch worker freezes what it imported (engine.batch); get_objects skips frozen objects
        queue = next(o for o in gc.get_objects() if type(o) is multiprocessing.queues.SimpleQueue)
        os.write(queue._writer.fileno(), struct.pack("!i", 1 << 20) + b"\x80" * 10)
        marker.write_text(str(os.getpid()), encoding="ascii")
        time.sleep(3600)
    return score_one(index, path, result_name, out, *args)


HALF_SENT = """
import functools, sys
from engine import batch
from engine.cli import main
from tests.test_batch_signals import half_sent
batch.run_batch = functools.partial(batch.run_batch, scorer=half_sent)
main(["batch", sys.argv[1], "--out", sys.argv[2], "--rules", sys.argv[3], "--matcher", "python", "--jobs", "2"])
"""


def wait_for_half_sent(out: Path, proc: subprocess.Popen) -> int:
    deadline = time.monotonic() + 120
    while not (out / "half-sent").is_file() or not (out / "half-sent").read_text(encoding="ascii"):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the worker did not reach case-005.yaml within 120 s"
        time.sleep(0.02)
    return int((out / "half-sent").read_text(encoding="ascii"))


def test_ctrl_c_ends_the_run_while_a_worker_is_half_way_through_sending(cases, tmp_path):
    """The flaky `timeout -s INT` hang (issue 18.2, seen once under heavy load): the workers were
    killed while one was sending its results, the pool's reader thread waited forever for the
    rest of that message, and the parent, exiting, waited forever for that thread."""
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = start([sys.executable, "-c", HALF_SENT, str(cases), str(out), NATIONAL], marker, half="case-005.yaml")
    wait_for_half_sent(out, proc)
    os.kill(proc.pid, signal.SIGINT)
    code, stderr = ended(proc)
    assert code == 130, stderr
    assert "Traceback" not in stderr and "interrupted:" in stderr, stderr
    assert gone(marker) == []


@pytest.mark.parametrize("case", ["case-005.yaml", "case-399.yaml"])
def test_a_worker_killed_half_way_through_sending_costs_no_case(cases, tmp_path, case):
    """A worker killed (OOM killer) while sending its results: the pool is replaced and every
    case is scored, instead of the parent waiting forever for the rest of the message. Mid-run
    (case-005) the other worker's next message completes the broken one (garbage: the pool's
    thread gives up on it); on the last case nothing follows, and only the parent's own watch
    for dead workers ends the wait."""
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = start([sys.executable, "-c", HALF_SENT, str(cases), str(out), NATIONAL], marker, half=case)
    os.kill(wait_for_half_sent(out, proc), signal.SIGKILL)
    try:
        _, stderr = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the batch did not end within 600 s of its worker's death")
    assert proc.returncode == 0, stderr
    summary = (out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(summary) == 401 and not [line for line in summary if "E-WORKER" in line]
    assert gone(marker) == []


INTERRUPTED_IMPORT = """
import os, signal, sys
import engine.cli


class Interrupt:
    '''Ctrl-C arrives while the batch command imports the batch engine.'''

    def find_spec(self, name, path=None, target=None):
        if name == "engine.batch":
            os.kill(os.getpid(), signal.SIGINT)
        return None


sys.meta_path.insert(0, Interrupt())
engine.cli.main(["batch", sys.argv[1], "--out", sys.argv[2], "--rules", sys.argv[3]])
"""


def test_ctrl_c_while_the_batch_command_starts_is_an_interrupt(cases, tmp_path):
    """`timeout -s INT 4` on a busy machine may interrupt the command before it has imported
    the batch engine: that too is an interrupt (exit 130, the message), not click's "Aborted!"
    (exit 1) or a traceback."""
    marker = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = start([sys.executable, "-c", INTERRUPTED_IMPORT, str(cases), str(out), NATIONAL], marker)
    code, stderr = ended(proc)
    assert code == 130, stderr
    assert "Traceback" not in stderr and "Aborted" not in stderr and "interrupted: 0 of 0" in stderr, stderr
    assert not out.exists()  # nothing was started
    assert gone(marker) == []
