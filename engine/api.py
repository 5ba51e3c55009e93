"""The pipeline in one place: load -> validate -> facts -> match -> score.

Edges (CLI, batch, tests) call these; the core stages stay pure. Compiled packs and matchers are
cached per process, so a batch compiles each pack once.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from .case import Case, build_case
from .errors import JixiaoError
from .load import Document, load_file
from .match import compile_matcher
from .result import Result
from .rulepack import Pack, read_pack
from .score import score_case
from .validate import validate

CASE_SCHEMA = "case.schema.json"
DEFAULT_PACK = Path(__file__).resolve().parent.parent / "rules" / "national-2020"


def case_from_document(doc: Document) -> Case:
    validate(doc, CASE_SCHEMA)
    digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    return build_case(doc.data, doc.path, digest)


def load_case(path: str | Path) -> Case:
    return case_from_document(load_file(path))


@lru_cache(maxsize=32)
def _pack_cached(directory: str) -> Pack:
    return read_pack(directory)


def load_pack(directory: str | Path | None = None) -> Pack:
    return _pack_cached(str(Path(directory) if directory else DEFAULT_PACK))


@lru_cache(maxsize=32)
def _matcher_cached(pack_sha: str, directory: str, which: str | None):
    return compile_matcher(load_pack(directory).match_rules(), which)


def matcher_for(pack: Pack, which: str | None = None):
    return _matcher_cached(pack.sha256, pack.directory, which)


def score_file(case_path: str | Path, pack_dir: str | Path | None = None, matcher: str | None = None) -> Result:
    pack = load_pack(pack_dir)
    case = load_case(case_path)
    return score_case(case, pack, matcher_for(pack, matcher))


__all__ = ["JixiaoError", "load_case", "load_pack", "matcher_for", "score_file", "case_from_document"]
