"""benchmarks/instructions.py: the count of the load-only run is subtracted from each mode's,
per case, and the ratios are taken to the baseline; without valgrind it says so (exit 2).
valgrind itself is not run here (minutes per mode): its output is stood in for."""

from types import SimpleNamespace

import pytest

from benchmarks import instructions


def test_counts_are_per_case_after_the_load_only_run(monkeypatch, tmp_path, capsys):
    counts = {"none": 1_000_000_000, "baseline": 1_016_000_000, "python": 1_060_000_000, "durable": 1_080_000_000}
    seen = []

    def fake_run(cmd, **kwargs):
        mode = cmd[cmd.index("--run") + 1]
        seen.append(mode)
        listed = (tmp_path / "cases-2-instructions.list").read_text(encoding="utf-8").splitlines()
        assert cmd[0] == "valgrind" and len(listed) == 2
        return SimpleNamespace(returncode=0, stderr=f"==1== \n==1== I   refs:      {counts[mode]:,}\n")

    monkeypatch.setattr(instructions.shutil, "which", lambda name: "/usr/bin/valgrind")
    monkeypatch.setattr(instructions.subprocess, "run", fake_run)
    monkeypatch.setattr("benchmarks.run.DATA", tmp_path)
    assert instructions.main(["--cases", "2"]) == 0
    out = capsys.readouterr().out
    assert seen == ["none", "baseline", "python", "durable"]
    assert "baseline     8.00 M instructions per case" in out
    assert "durable     40.00 M instructions per case" in out
    assert "engine python / baseline: 3.75x" in out and "engine durable / baseline: 5.00x" in out


def test_without_valgrind_it_says_so(monkeypatch, capsys):
    monkeypatch.setattr(instructions.shutil, "which", lambda name: None)
    assert instructions.main(["--cases", "2"]) == 2
    assert "valgrind is not installed" in capsys.readouterr().err


def test_a_failed_valgrind_run_stops_with_its_output(monkeypatch, tmp_path):
    monkeypatch.setattr(instructions.subprocess, "run",
                        lambda cmd, **kw: SimpleNamespace(returncode=1, stderr="valgrind: oops"))
    with pytest.raises(SystemExit, match="baseline failed(.|\n)*oops"):
        instructions.count("baseline", str(tmp_path / "x.list"))
