"""Results are reproducible and traceable: the same inputs give byte-identical JSON in separate
processes, and every result names the case by the sha256 of its bytes, the pack by id, version
and content sha256, and the engine by version and matcher."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib

import pytest

import engine
from engine.api import load_pack, score_file
from engine.match import durable_available
from engine.rulepack import read_pack

from .conftest import NATIONAL, ROOT, SEED

MATCHERS = ["python"] + (["durable"] if durable_available() else [])


def score_in_a_new_process(tmp_path, name: str, hash_seed: str, *args: str) -> bytes:
    out = tmp_path / name
    subprocess.run(
        [sys.executable, "-m", "engine.cli", "score", SEED, "--format", "json", "-o", str(out), *args],
        check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": hash_seed},
    )
    return out.read_bytes()


@pytest.mark.parametrize("matcher", MATCHERS)
def test_two_processes_write_byte_identical_json(tmp_path, matcher):
    """Different hash seeds change the order of every set and dict built from one: nothing in the
    result may depend on it. Two runs are over a second apart, so a timestamp would show."""
    first = score_in_a_new_process(tmp_path, "first.json", "1", "--matcher", matcher)
    second = score_in_a_new_process(tmp_path, "second.json", "4242", "--matcher", matcher)
    assert first == second
    assert json.loads(first)["total"]["score"] == "99.26"


def test_the_result_names_case_pack_engine_and_matcher(in_root):
    data = json.loads(json.dumps(score_file(SEED, NATIONAL, "python").to_dict()))
    assert data["case"]["file"] == SEED
    assert data["case"]["sha256"] == hashlib.sha256((ROOT / SEED).read_bytes()).hexdigest()
    pack = load_pack(ROOT / NATIONAL)
    assert data["pack"] == {"id": "national-2020", "title": "全国默认绩效自评评分规则", "version": "2020.1",
                            "sha256": pack.sha256, "chain": ["national-2020"]}
    assert data["engine"] == {"name": "jixiao", "version": engine.__version__, "matcher": "python"}


def test_the_engine_version_is_the_package_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert engine.__version__ == project["version"]


def test_the_case_sha256_is_of_the_bytes_not_the_decoded_text(tmp_path):
    """A GBK copy of the seed scores the same but is another file: its sha256 is its own."""
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes((ROOT / SEED).read_text(encoding="utf-8").encode("gbk"))
    result = score_file(gbk, ROOT / NATIONAL, "python")
    assert result.case_sha256 == hashlib.sha256(gbk.read_bytes()).hexdigest()
    assert result.case_sha256 != hashlib.sha256((ROOT / SEED).read_bytes()).hexdigest()
    assert str(result.total) == "99.26"


# These tests edit packs: they use read_pack, which compiles afresh, not api.load_pack's cache.


def _pack_copy(tmp_path, name="national-2020"):
    folder = tmp_path / name
    shutil.copytree(ROOT / NATIONAL, folder)
    return folder


def test_the_pack_sha256_follows_every_byte_of_policy_and_nothing_else(tmp_path):
    original = read_pack(ROOT / NATIONAL).sha256
    copy = _pack_copy(tmp_path / "a")
    assert read_pack(copy).sha256 == original  # the same content elsewhere: the same pack
    (copy / "README.md").write_text("notes\n", encoding="utf-8")
    assert read_pack(copy).sha256 == original  # not a rule file
    edited = _pack_copy(tmp_path / "b")
    checks = edited / "checks.yaml"
    checks.write_text(checks.read_text(encoding="utf-8") + "# a comment is content too\n", encoding="utf-8")
    assert read_pack(edited).sha256 != original


def test_a_child_pack_sha256_covers_its_parent(tmp_path):
    """extends: the child's digest changes when the parent's content does."""
    parent = _pack_copy(tmp_path)
    child = tmp_path / "child"
    child.mkdir()
    (child / "pack.yaml").write_text('pack: {id: child, title: 子包, version: "1", extends: national-2020}\n',
                                     encoding="utf-8")
    before = read_pack(child)
    assert before.chain == ("national-2020", "child") and before.sha256 != read_pack(parent).sha256
    (parent / "pack.yaml").write_text((parent / "pack.yaml").read_text(encoding="utf-8").replace(
        "reverse_k: 2 ", "reverse_k: 3 "), encoding="utf-8")
    assert read_pack(child).sha256 != before.sha256
