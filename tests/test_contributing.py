"""CONTRIBUTING.md's worked example, followed step by step: each `# 文件：PATH` block is written
(`（追加）` appends it), each `jixiao …` command is run, and every line of the `text` block after it
must appear in what the command printed. A document that drifts from the tool fails here."""

import re
import shlex
import shutil

from click.testing import CliRunner

from engine.api import _pack_cached
from engine.cli import main

from .conftest import ROOT

SECTION = "## A provincial pack from scratch, step by step"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)
FILE = re.compile(r"^# 文件：(?P<path>\S+?)(?P<append>（[^）]*追加[^）]*）)?$")


def steps() -> list[tuple[str, str]]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION):]
    section = section[:section.index("\n## ", len(SECTION))]
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(section)]


def test_the_walk_through_has_files_commands_and_outputs():
    kinds = [kind for kind, _body in steps()]
    assert kinds.count("yaml") >= 5 and kinds.count("sh") >= 4 and kinds.count("text") == kinds.count("sh")


def test_worked_example_step_by_step(tmp_path, monkeypatch):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "national-2020").symlink_to(ROOT / "rules" / "national-2020")
    (tmp_path / "schemas").symlink_to(ROOT / "schemas")
    (tmp_path / "cases" / "2022").mkdir(parents=True)
    shutil.copy(ROOT / "cases" / "2022" / "lukou-gsl.yaml", tmp_path / "cases" / "2022")
    monkeypatch.chdir(tmp_path)
    blocks = steps()
    ran = 0
    for i, (kind, body) in enumerate(blocks):
        if kind == "yaml":
            first, rest = body.split("\n", 1)
            found = FILE.match(first)
            assert found, f"a yaml block of the walk-through names its file: {first}"
            path = tmp_path / found["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            if found["append"]:
                assert path.exists(), f"{found['path']} is appended to before it is written"
                path.write_text(path.read_text(encoding="utf-8") + "\n" + rest, encoding="utf-8")
            else:
                path.write_text(rest, encoding="utf-8")
        elif kind == "sh":
            (command,) = [line for line in body.splitlines() if line.strip()]
            args = shlex.split(command)
            assert args[0] == "jixiao"
            _pack_cached.cache_clear()  # each command is a fresh process in real use; files changed since
            res = CliRunner().invoke(main, [*args[1:], "--matcher", "python"] if args[1] in ("score",) else args[1:])
            printed = res.stdout + res.stderr
            assert "Traceback" not in printed and res.exit_code in (0, 1), printed
            kind_after, expected = blocks[i + 1]
            assert kind_after == "text"
            failing = any(line.startswith("FAIL") for line in expected.splitlines())
            assert res.exit_code == (1 if failing else 0), printed
            for line in expected.splitlines():
                assert line in printed, f"step {command!r}: {line!r} not in:\n{printed}"
            ran += 1
    assert ran >= 4
