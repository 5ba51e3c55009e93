"""Files that are not plain files, and outputs that are inputs.

A named pipe, a device or a folder given as a case or pack file is refused before a byte is read
(a pipe with no writer used to block forever, /dev/zero to read until memory ran out); the type is
checked on the opened file, so a file swapped for a pipe after a check is still refused. An
--output that is the input (same device and inode, whatever the name) is refused before anything
is written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from engine import load
from engine.cli import main
from engine.errors import JixiaoError

from .conftest import NATIONAL, ROOT, SEED
from .import_forms import SEED_TEXT

NOT_REGULAR = "E-FILE: 不是普通文件（设备、命名管道或套接字），不读取"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def run(*args, timeout=60):
    """The CLI in a fresh process: a hang shows up as TimeoutExpired, not a stuck test run."""
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=timeout)


def test_a_named_pipe_without_writer_is_refused_not_waited_for(tmp_path):
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    proc = run("score", fifo)
    assert proc.returncode == 2 and f"error: {fifo}: {NOT_REGULAR}" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_is_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    proc = run("score", device)
    assert proc.returncode == 2 and NOT_REGULAR in proc.stderr, proc.stderr


def test_a_pack_file_that_is_a_pipe_is_refused(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text('pack: {id: p, title: 测试, version: "1", extends: national-2020}\n', encoding="utf-8")
    os.mkfifo(pack / "rules.yaml")
    proc = run("score", ROOT / SEED, "--rules", pack)
    assert proc.returncode == 2 and f"{pack / 'rules.yaml'}: {NOT_REGULAR}" in proc.stderr, proc.stderr


def test_the_type_is_checked_on_the_opened_file(tmp_path, monkeypatch):
    """The check before the open is only a shortcut: with it fooled (a file replaced by a pipe
    after it), fstat on the opened file refuses the pipe, and the open does not block."""
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    real_stat = os.stat
    regular = real_stat(ROOT / SEED)

    def fooled(path, *args, **kwargs):
        return regular if str(path) == str(fifo) else real_stat(path, *args, **kwargs)

    monkeypatch.setattr(load.os, "stat", fooled)
    with pytest.raises(JixiaoError) as err:
        load.load_file(fifo)
    assert err.value.problems[0].render() == f"{fifo}: {NOT_REGULAR} (is not a regular file: a device, pipe or " \
                                              "socket, which may never end or never start)"


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(JixiaoError) as err:
        load.load_file(tmp_path)
    assert "是文件夹，不是文件" in err.value.problems[0].message


def test_a_file_growing_past_the_limit_is_not_read_past_it(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 100)
    path = tmp_path / "case.yaml"
    path.write_bytes(b"a: 1\n" * 100)
    with pytest.raises(JixiaoError) as err:
        load.load_file(path)
    assert err.value.problems[0].code == "E-FILE-SIZE"


# ----------------------------------------------------------------------------- output = input


def test_score_output_onto_its_case_is_refused_by_inode(tmp_path, monkeypatch):
    case = tmp_path / "case.yaml"
    shutil.copy(ROOT / SEED, case)
    os.link(case, tmp_path / "linked.yaml")
    (tmp_path / "symlinked.yaml").symlink_to(case)
    before = case.read_bytes()
    monkeypatch.chdir(tmp_path)
    for output in ("case.yaml", "./case.yaml", "linked.yaml", "symlinked.yaml", str(case)):
        for extra in ([], ["--format", "json"], ["--format", "markdown"], ["--why", "1"]):
            res = CliRunner().invoke(main, ["score", "case.yaml", "-o", output, *extra])
            assert res.exit_code == 2, res.output
            assert f"error: {output}: E-OUTPUT-IS-INPUT: 输出文件就是输入文件 case.yaml" in res.output, res.output
    assert case.read_bytes() == before
    res = CliRunner().invoke(main, ["score", "case.yaml", "-o", "other.json", "--format", "json"])
    assert res.exit_code == 0 and (tmp_path / "other.json").is_file()


def test_score_output_onto_a_pack_file_is_refused(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / NATIONAL, pack)
    before = (pack / "pack.yaml").read_bytes()
    res = CliRunner().invoke(main, ["score", str(ROOT / SEED), "--rules", str(pack), "-o", str(pack / "pack.yaml")])
    assert res.exit_code == 2 and "E-OUTPUT-IS-INPUT" in res.output, res.output
    assert (pack / "pack.yaml").read_bytes() == before


def test_import_output_onto_its_input_is_refused(tmp_path):
    source = tmp_path / "filing.txt"
    shutil.copy(SEED_TEXT, source)
    before = source.read_bytes()
    res = CliRunner().invoke(main, ["import", str(source), "-o", str(source)])
    assert res.exit_code == 2 and "E-OUTPUT-IS-INPUT" in res.output, res.output
    assert source.read_bytes() == before
