"""Compiled rule packs, cached on disk by content, so that a cold `jixiao score` (and every batch
worker) does not read, validate, compile and check the same pack again.

An edge (it touches the file system); the core never sees it. `api.load_pack` asks here first and
stores what it compiled; `packselect.read_candidates` does the same for the list of packs under
rules/. Where: `$JIXIAO_CACHE_DIR`, else `$XDG_CACHE_HOME/jixiao`, else `~/.cache/jixiao`;
`JIXIAO_CACHE=off` turns the cache off. A cache that cannot be read or written is skipped
silently: the pack is compiled as without it.

Never stale. An entry is used only when all of these still hold, else the pack is compiled again:
* the same engine: its version, Python's, and the size and modification time of every source
  file of the engine's core (engine/*.py, engine/match/*.py) and schema (schemas/*.json);
* the same request: the folder as given, the working folder, the language of messages;
* every file the pack was compiled from has the same bytes (SHA-256), each folder of the chain
  holds the same *.yaml files (none added, none removed), none is a symbolic link, and each
  `extends` still finds the same parent folder.

Never trusted. Only packs that compiled without a single problem are stored, and only as JSON
(no pickle, nothing executed): the file's first line is the SHA-256 of the rest, so a torn or
damaged entry is a miss; values are rebuilt from a closed set of tags (Decimal, tuple,
frozenset, mappings with other than text keys, and the pack's own dataclasses), and formulas
are compiled again from their text by the whitelisting compiler. Anything else in an entry
makes it a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .errors import lang

FORMAT = 1
MAX_ENTRY_BYTES = 64 * 1024 * 1024
ENGINE_DIR = Path(__file__).resolve().parent
SCHEMA_DIR = ENGINE_DIR.parent / "schemas"
_OFF = ("off", "0", "no", "false")


def cache_dir() -> Path | None:
    """The folder of cached packs, or None when the cache is turned off."""
    if os.environ.get("JIXIAO_CACHE", "").strip().lower() in _OFF:
        return None
    explicit = os.environ.get("JIXIAO_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"  # XDG: relative paths are ignored
    return base / "jixiao"


@lru_cache(maxsize=None)
def engine_fingerprint() -> str:
    """The engine as far as compiling a pack goes: versions, and size and modification time of
    each core source file and schema (an edited engine never reuses an entry)."""
    hasher = hashlib.sha256(f"{FORMAT}\0{__version__}\0{sys.version}\0{ENGINE_DIR}\0".encode())
    for folder, pattern in ((ENGINE_DIR, "*.py"), (ENGINE_DIR / "match", "*.py"), (SCHEMA_DIR, "*.json")):
        for path in sorted(folder.glob(pattern)):
            st = path.stat()
            hasher.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return hasher.hexdigest()


# --------------------------------------------------------------------------- encoding


class _Unencodable(Exception):
    pass


def encode(value: Any) -> Any:
    """A JSON-ready form of pack data: JSON objects only as plain mappings with text keys that do
    not start with "$", or as one-key tagged objects."""
    kind = type(value)
    if value is None or kind in (str, bool, int):
        return value
    if kind is Decimal:
        return {"$d": str(value)}  # str() of a Decimal is exact: Decimal(str(x)) has x's digits and exponent
    if kind is list:
        return [encode(v) for v in value]
    if kind is tuple:
        return {"$t": [encode(v) for v in value]}
    if kind is frozenset:
        return {"$f": sorted((encode(v) for v in value), key=json.dumps)}
    if kind is dict:
        if all(type(k) is str and not k.startswith("$") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
    name = _DATACLASSES_BY_TYPE().get(kind)
    if name is not None:
        return {"$" + name: _fields(value)}
    raise _Unencodable(kind.__name__)


def _fields(obj) -> dict:
    from dataclasses import fields

    from .rulepack import Method

    out = {}
    for f in fields(obj):
        if f.name.startswith("_"):
            continue  # derived (Pack._by_code)
        value = getattr(obj, f.name)
        if isinstance(obj, Method) and f.name == "formula":
            out[f.name] = value.source
        else:
            out[f.name] = encode(value)
    return out


@lru_cache(maxsize=None)
def _DATACLASSES_BY_TYPE() -> dict:  # noqa: N802
    from .rulepack import Grade, Method, Pack, Rule, Section

    return {Pack: "Pack", Rule: "Rule", Section: "Section", Grade: "Grade", Method: "Method"}


class _Corrupt(Exception):
    pass


def _hook(obj: dict):
    """json.loads' object hook: rebuild tagged values; plain mappings stay mappings."""
    if len(obj) == 1:
        ((key, value),) = obj.items()
        if key.startswith("$"):
            return _TAGS.get(key, _unknown_tag)(value)
    if any(k.startswith("$") for k in obj):
        raise _Corrupt("tag among other keys")
    return obj


def _unknown_tag(_value):
    raise _Corrupt("unknown tag")


def _decimal(text) -> Decimal:
    if type(text) is not str:
        raise _Corrupt("$d")
    value = Decimal(text)
    if not value.is_finite():
        raise _Corrupt("$d")
    return value


def _list_of(tag: str, build):
    def make(value):
        if type(value) is not list:
            raise _Corrupt(tag)
        return build(value)

    return make


def _mapping(pairs) -> dict:
    if type(pairs) is not list or not all(type(p) is list and len(p) == 2 for p in pairs):
        raise _Corrupt("$m")
    return {k: v for k, v in pairs}


def _dataclass(name: str):
    def make(fields):
        from . import rulepack

        if type(fields) is not dict:
            raise _Corrupt(name)
        cls = getattr(rulepack, name)
        if name == "Method":
            from .expr import compile_expr
            from .facts import SCORE_VARIABLES

            params = fields.get("params")
            if type(params) is not dict or type(fields.get("formula")) is not str:
                raise _Corrupt(name)
            fields = {**fields, "formula": compile_expr(fields["formula"], set(SCORE_VARIABLES) | set(params))}
        try:
            obj = cls(**fields)
        except TypeError as exc:  # a field missing or unknown
            raise _Corrupt(name) from exc
        if name == "Pack":
            obj._by_code.update({r.code: r for r in obj.rules})
        return obj

    return make


_TAGS = {
    "$d": _decimal,
    "$t": _list_of("$t", tuple),
    "$f": _list_of("$f", frozenset),
    "$m": _mapping,
    **{"$" + name: _dataclass(name) for name in ("Pack", "Rule", "Section", "Grade", "Method")},
}


def decode(text: str) -> Any:
    return json.loads(text, object_hook=_hook, parse_float=_no_float, parse_constant=_no_float)


def _no_float(_text):
    raise _Corrupt("a float")


# --------------------------------------------------------------------------- entries


def _entry_path(kind: str, key: list) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(json.dumps([engine_fingerprint(), *key]).encode()).hexdigest()
    return folder / kind / f"{digest[:40]}.json"


def _stored_entry(kind: str, key: list) -> Any:
    """The entry of this kind stored for `key`, or None (no cache folder, none stored, or
    unusable: see `_read_entry`)."""
    path = _entry_path(kind, key)
    if path is None or not path.is_file():
        return None
    return _read_entry(path, key)


def _read_entry(path: Path, key: list) -> Any:
    """The payload of an entry written for `key`, or None (absent, unreadable, damaged)."""
    from .load import read_regular_file

    try:
        raw = read_regular_file(path, MAX_ENTRY_BYTES)
        head, _, body = raw.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != head:
            return None
        entry = decode(body.decode("utf-8"))
        if type(entry) is not dict or entry.get("format") != FORMAT or entry.get("engine") != engine_fingerprint():
            return None
        if entry.get("key") != key:
            return None
        return entry
    except Exception:  # noqa: BLE001  a cache entry that cannot be used is a miss, whatever is wrong with it
        return None


def _write_entry(path: Path | None, entry: dict) -> None:
    """Write atomically (a reader sees the old entry or the new one); any failure is ignored."""
    if path is None:
        return
    try:
        body = json.dumps({"format": FORMAT, "engine": engine_fingerprint(), **entry}, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        if len(body) > MAX_ENTRY_BYTES:
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as out:
                out.write(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
    except (OSError, _Unencodable, ValueError, TypeError, RecursionError):
        return


def _file_digest(path: str) -> str | None:
    from .load import MAX_FILE_BYTES, read_regular_file

    try:
        if os.path.islink(path):
            return None
        return hashlib.sha256(read_regular_file(path, MAX_FILE_BYTES)).hexdigest()
    except Exception:  # noqa: BLE001  unreadable now: compile again and let the compiler say why
        return None


def _yaml_names(directory: str) -> list[str]:
    """The files `rulepack.read_source` reads from a pack folder, sorted."""
    return sorted(p.name for p in Path(directory).glob("*.yaml") if not p.name.startswith("_"))


# --------------------------------------------------------------------------- compiled packs


def _pack_key(directory: str) -> list:
    return ["pack", directory, os.getcwd(), lang()]


def _sources_unchanged(sources: list) -> bool:
    from .rulepack import PACK_FILE, RULES_DIR

    for i, source in enumerate(sources):
        directory, files = source["dir"], source["files"]
        if [os.path.basename(f) for f, _sha in files] != _yaml_names(directory):
            return False
        for file, sha in files:
            if _file_digest(file) != sha:
                return False
        if i > 0:  # this pack extends sources[i - 1]: `extends` must still find that folder
            parent = source["extends"]
            here = Path(directory)
            found = [p / parent for p in (here.parent, RULES_DIR) if (p / parent / PACK_FILE).is_file()]
            if not found or str(found[0]) != sources[i - 1]["dir"]:
                return False
    return True


def cached_pack(directory: str):
    """The compiled Pack stored for this folder, if nothing it was compiled from has changed."""
    entry = _stored_entry("packs", _pack_key(directory))
    if entry is None:
        return None
    try:
        if not _sources_unchanged(entry["sources"]):
            return None
    except Exception:  # noqa: BLE001  a malformed manifest is a miss
        return None
    from .rulepack import Pack

    pack = entry.get("pack")
    return pack if isinstance(pack, Pack) else None


def store_pack(directory: str, chain: list, pack) -> None:
    """Remember a pack that compiled without problems, with the digests of the very bytes it was
    compiled from (a file edited meanwhile makes the entry a miss, never a stale hit)."""
    path = _entry_path("packs", _pack_key(directory))
    if path is None:
        return
    sources = []
    for raw in chain:
        files = sorted(((doc.path, doc.sha256) for doc in raw.rule_docs), key=lambda f: os.path.basename(f[0]))
        if any(not sha or os.path.islink(file) for file, sha in files):
            return
        extends = raw.settings.get("pack", {}).get("extends")
        sources.append({"dir": raw.directory, "extends": extends, "files": [list(f) for f in files]})
    try:
        encoded = encode(pack)
    except (_Unencodable, RecursionError):
        return
    _write_entry(path, {"key": _pack_key(directory), "sources": sources, "pack": encoded})


# --------------------------------------------------------------------------- pack candidates


def _candidates_key(rules_dir: str) -> list:
    return ["candidates", rules_dir, os.getcwd(), lang()]


def cached_candidates(rules_dir: str, folders: list) -> list | None:
    """What `packselect.read_candidates` read from these folders' pack.yaml files, if none of
    them changed: [[folder, id, version, applies_to], ...]."""
    entry = _stored_entry("candidates", _candidates_key(rules_dir))
    if entry is None:
        return None
    try:
        files = entry["files"]
        if [f for f, _sha in files] != [str(folder / "pack.yaml") for folder in folders]:
            return None
        if any(_file_digest(f) != sha for f, sha in files):
            return None
        rows = entry["rows"]
        if len(rows) != len(folders) or not all(type(r) is list and len(r) == 4 for r in rows):
            return None
        return rows
    except Exception:  # noqa: BLE001
        return None


def store_candidates(rules_dir: str, files: list, rows: list) -> None:
    """`files`: [(pack.yaml path, SHA-256 of the bytes read)]; `rows` as cached_candidates."""
    if any(os.path.islink(f) for f, _sha in files):
        return
    path = _entry_path("candidates", _candidates_key(rules_dir))
    try:
        encoded = encode(rows)
    except (_Unencodable, RecursionError):
        return
    _write_entry(path, {"key": _candidates_key(rules_dir), "files": [list(f) for f in files], "rows": encoded})
