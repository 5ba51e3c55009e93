"""The on-disk cache of compiled packs (engine/packcache.py): a hit gives the very pack the
compiler gives; an edited pack, an added file, a damaged or foreign entry, or an unwritable cache
folder never changes a result; nothing but JSON is read back."""

import json
from decimal import Decimal
import os
import shutil
import subprocess
import sys

import pytest

from engine import packcache
from engine.errors import JixiaoError
from engine.lint import checked_chain

from .conftest import NATIONAL, ROOT, SEED


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(folder))
    monkeypatch.delenv("JIXIAO_CACHE", raising=False)
    return folder


@pytest.fixture
def pack_copy(tmp_path):
    """A child pack of national-2020 in a temporary folder (so it can be edited)."""
    folder = tmp_path / "packs" / "child"
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(
        "pack: {id: child, title: 子包, version: '1', extends: national-2020}\nparams: {}\n", encoding="utf-8")
    shutil.copy(ROOT / NATIONAL / "scoring.yaml", folder / "extra.yaml")  # the same codes: they replace the parent's
    return folder


def compile_and_store(directory: str):
    chain, pack, problems = checked_chain(directory)
    assert not problems and pack is not None
    packcache.store_pack(directory, chain, pack)
    return pack


def entries(folder):
    return sorted(folder.rglob("*.json"))


def test_a_hit_is_the_compiled_pack(cache):
    directory = str(ROOT / NATIONAL)
    assert packcache.cached_pack(directory) is None
    pack = compile_and_store(directory)
    assert len(entries(cache / "packs")) == 1
    hit = packcache.cached_pack(directory)
    assert hit is not None and hit is not pack
    assert hit == pack  # every field, rule by rule (formulas compare by their text)
    assert packcache.encode(hit) == packcache.encode(pack)
    assert [hit.rule(r.code) for r in pack.rules] == list(pack.rules)
    assert {name: m.formula.names for name, m in hit.methods.items()} == \
        {name: m.formula.names for name, m in pack.methods.items()}


def test_values_keep_their_types():
    value = {"a": (1, Decimal("1.50"), Decimal("-0"), True, None, "x"), 2: ["$d"], "$d": frozenset({"p", "q"})}
    assert packcache.decode(json.dumps(packcache.encode(value))) == value
    back = packcache.decode(json.dumps(packcache.encode(value)))
    assert str(back["a"][1]) == "1.50" and type(back["a"][0]) is int and back["a"][3] is True


def test_an_edited_pack_file_is_never_served_stale(cache, pack_copy):
    directory = str(pack_copy)
    compile_and_store(directory)
    assert packcache.cached_pack(directory) is not None
    path = pack_copy / "extra.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("priority: 10", "priority: 11", 1), encoding="utf-8")
    assert packcache.cached_pack(directory) is None  # same names, other bytes


def test_an_added_or_removed_file_is_a_miss(cache, pack_copy):
    directory = str(pack_copy)
    compile_and_store(directory)
    (pack_copy / "more.yaml").write_text("rules: []\n", encoding="utf-8")
    assert packcache.cached_pack(directory) is None
    (pack_copy / "more.yaml").unlink()
    assert packcache.cached_pack(directory) is not None
    (pack_copy / "_draft.yaml").write_text("rules: []\n", encoding="utf-8")  # drafts are not read: still a hit
    assert packcache.cached_pack(directory) is not None
    (pack_copy / "extra.yaml").unlink()
    assert packcache.cached_pack(directory) is None


def test_a_parent_found_elsewhere_is_a_miss(cache, pack_copy):
    """`extends: national-2020` finds rules/national-2020; a sibling folder of that name now
    comes first, so the chain is another one."""
    directory = str(pack_copy)
    compile_and_store(directory)
    shutil.copytree(ROOT / NATIONAL, pack_copy.parent / "national-2020")
    assert packcache.cached_pack(directory) is None


def test_a_symlinked_pack_file_is_never_cached(cache, pack_copy):
    target = pack_copy.parent / "elsewhere.yaml"
    (pack_copy / "extra.yaml").rename(target)
    os.symlink(target, pack_copy / "extra.yaml")
    chain, pack, problems = checked_chain(str(pack_copy))
    if pack is not None and not problems:
        packcache.store_pack(str(pack_copy), chain, pack)
    assert packcache.cached_pack(str(pack_copy)) is None


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "valid-json-other-checksum",
                                    "unknown-tag", "float", "directory"])
def test_a_damaged_entry_is_a_miss_and_is_replaced(cache, damage, in_root):
    from engine.api import _pack_cached

    directory = str(ROOT / NATIONAL)
    pack = compile_and_store(directory)
    (entry,) = entries(cache / "packs")
    raw = entry.read_bytes()
    head, _, body = raw.partition(b"\n")
    if damage == "truncate":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":
        entry.write_bytes(raw.replace(b'"$d":"', b'"$d":"9', 1))
    elif damage == "garbage":
        entry.write_bytes(os.urandom(4096))
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "valid-json-other-checksum":
        entry.write_bytes(b"0" * 64 + b"\n" + body)
    elif damage in ("unknown-tag", "float"):
        forged = body.replace(b'{"$d":', b'{"$eval":', 1) if damage == "unknown-tag" else \
            body.replace(b'{"$d":"', b'{"$x":1.5,"$d":"', 1)
        import hashlib

        entry.write_bytes(hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    else:
        entry.unlink()
        entry.mkdir()
    assert packcache.cached_pack(directory) is None
    _pack_cached.cache_clear()
    try:
        assert _pack_cached(directory) == pack  # compiled again
    finally:
        _pack_cached.cache_clear()
    if damage != "directory":
        assert packcache.cached_pack(directory) == pack  # and the entry written anew


def test_an_unwritable_cache_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(blocker / "cache"))
    from engine.api import _pack_cached

    _pack_cached.cache_clear()
    try:
        assert _pack_cached(str(ROOT / NATIONAL)).id == "national-2020"
    finally:
        _pack_cached.cache_clear()


def test_turned_off_nothing_is_written(cache, monkeypatch):
    monkeypatch.setenv("JIXIAO_CACHE", "off")
    compile_and_store(str(ROOT / NATIONAL))
    assert packcache.cache_dir() is None and not cache.exists()


def test_a_broken_pack_is_never_stored(cache, pack_copy):
    (pack_copy / "extra.yaml").write_text("rules:\n  - {code: JX-X91}\n", encoding="utf-8")
    from engine.api import load_pack

    with pytest.raises(JixiaoError):
        load_pack(str(pack_copy))
    assert not entries(cache)


def test_default_location_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("JIXIAO_CACHE_DIR", raising=False)
    monkeypatch.delenv("JIXIAO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert packcache.cache_dir() == tmp_path / "jixiao"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert packcache.cache_dir() == tmp_path / "home" / ".cache" / "jixiao"


@pytest.mark.parametrize("fmt", ["json", "table", "markdown"])
def test_results_are_byte_identical_with_and_without_the_cache(tmp_path, fmt):
    """Fresh processes, as a user runs them: cache off, cache cold (compiles and stores), cache
    warm (a hit for the pack and for the list of candidates) give the same bytes."""
    outputs = []
    env = {**os.environ, "JIXIAO_CACHE_DIR": str(tmp_path / "c")}
    for setting in ("off", "on", "on"):
        run_env = {**env, "JIXIAO_CACHE": setting}
        done = subprocess.run([sys.executable, "-m", "engine.cli", "score", SEED, "--format", fmt, "--date", "2026-12-02"],
                              cwd=ROOT, env=run_env, capture_output=True, check=True)
        outputs.append((done.stdout, done.stderr))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(entries(tmp_path / "c")) == 2  # the pack and the candidates


def test_the_cache_is_json_only():
    source = (ROOT / "engine" / "packcache.py").read_text(encoding="utf-8")
    for word in ("import pickle", "import marshal", "import shelve", " eval(", " exec("):
        assert word not in source
