"""The pipeline in one place: load -> validate -> facts -> match -> score.

Edges (CLI, batch, tests) call these; the core stages stay pure. Compiled packs and matchers are
cached per process, so a batch compiles each pack once.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from .case import Case, build_case
from .errors import JixiaoError, parse_path
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
    return build_case(doc.data, doc.path, doc.sha256)


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


def with_lines(exc: JixiaoError, docs: dict[str, Document | None]) -> JixiaoError:
    """The pure stages name a problem's file and field path but cannot know its line: find it,
    in `docs` or by reading the file again (only ever on the way to an error message)."""
    problems = []
    for p in exc.problems:
        if p.line is None and p.file and p.field:
            if p.file not in docs:
                try:
                    docs[p.file] = load_file(p.file)
                except JixiaoError:
                    docs[p.file] = None
            if docs[p.file] is not None:
                line, col = docs[p.file].locate(parse_path(p.field))
                p = replace(p, line=line, col=col)
        problems.append(p)
    return JixiaoError(problems)


def score_file(case_path: str | Path, pack_dir: str | Path | None = None, matcher: str | None = None) -> Result:
    pack = load_pack(pack_dir)
    doc = load_file(case_path)
    case = case_from_document(doc)
    try:
        return score_case(case, pack, matcher_for(pack, matcher))
    except JixiaoError as exc:
        raise with_lines(exc, {doc.path: doc}) from None


__all__ = ["JixiaoError", "load_case", "load_pack", "matcher_for", "score_file", "case_from_document"]
