"""Ctrl-C while the `jixiao` command is still importing its modules is an interrupt (exit 130 and
a message), never a Python traceback (issue 18, item 2: "interrupts end the run promptly")."""

import os
import signal
import subprocess
import sys

from .conftest import ROOT

# A finder that sends the process SIGINT when engine.cli starts to import: the window a Ctrl-C
# typed right after pressing Enter falls into.
INTERRUPT_DURING_IMPORT = """
import os, signal, sys, time, importlib.abc
class Interrupt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "engine.cli":
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv = ["jixiao", "--help"]
from engine.entry import main
main()
"""


def _run(code: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          **kwargs)


def test_ctrl_c_while_the_command_starts_is_exit_130_without_a_traceback():
    res = _run(INTERRUPT_DURING_IMPORT)
    assert res.returncode == 130, (res.returncode, res.stderr)
    assert "已中断" in res.stderr and "Traceback" not in res.stderr


def test_without_the_entry_point_the_same_signal_is_a_traceback():
    """What the entry point prevents: importing the CLI directly, the same signal is a traceback."""
    res = _run(INTERRUPT_DURING_IMPORT.replace("from engine.entry import main", "from engine.cli import main"))
    assert res.returncode != 130 and "KeyboardInterrupt" in res.stderr


def test_an_ignored_sigint_stays_ignored_and_the_command_runs():
    res = _run(INTERRUPT_DURING_IMPORT, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert res.returncode == 0, res.stderr
    assert "jixiao" in res.stdout or "Usage" in res.stdout or "用法" in res.stdout


def test_the_installed_command_uses_the_entry_point():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'jixiao = "engine.entry:main"' in text
    assert os.path.exists(ROOT / "engine" / "entry.py")
