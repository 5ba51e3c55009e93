"""The pipeline in one place: load -> validate -> facts -> match -> score.

Edges (CLI, batch, tests) call these; the core stages stay pure. Compiled packs and matchers are
cached per process, so a batch compiles each pack once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from .case import Case, build_case
from .errors import JixiaoError, Problem, parse_path, tr
from .load import Document, load_file
from .match import compile_matcher
from .packselect import select_pack
from .result import Result
from .rulepack import Pack
from .score import Evaluation, evaluate_case, score_case
from .validate import validate

CASE_SCHEMA = "case.schema.json"


def case_from_document(doc: Document, year: int | None = None) -> Case:
    """`year` supplies the fiscal year of a case that states none (`jixiao score --year`)."""
    validate(doc, CASE_SCHEMA)
    return build_case(doc.data, doc.path, doc.sha256, year=year)


def load_case(path: str | Path, year: int | None = None) -> Case:
    return case_from_document(load_file(path), year)


@lru_cache(maxsize=32)
def _pack_cached(directory: str) -> Pack:
    """Compile a pack for scoring, `rules test`, `rules diff` and batch workers alike: every
    error `jixiao rules lint` reports (schema, compile, fields and values in conditions,
    weights, grades, rescaling, placeholders, methods) refuses the pack. Lint's warnings (the
    pairwise analysis of rules) are not run here: they cost time and do not make scores wrong.
    A pack that compiled cleanly before, from the same bytes and by the same engine, is taken
    from the on-disk cache (engine/packcache.py) instead."""
    from . import packcache

    pack = packcache.cached_pack(directory)
    if pack is not None:
        return pack
    from .lint import checked_chain  # not imported on a cache hit

    chain, pack, problems = checked_chain(directory)
    if problems or pack is None:
        raise JixiaoError(list(problems) or [Problem("E-PACK", tr("无法编译这个规则包", "the pack cannot be compiled"),
                                                     "compile", file=directory)])
    packcache.store_pack(directory, chain, pack)
    return pack


def load_pack(directory: str | Path) -> Pack:
    return _pack_cached(str(Path(directory)))


@lru_cache(maxsize=32)
def _matcher_cached(pack_sha: str, directory: str, which: str | None):
    return compile_matcher(load_pack(directory).match_rules(), which)


def matcher_for(pack: Pack, which: str | None = None):
    return _matcher_cached(pack.sha256, pack.directory, which)


def prepare(case_path: str | Path, pack_dir: str | Path | None = None, matcher: str | None = None,
            announce: Callable[[str], None] | None = None, year: int | None = None):
    """The case, its pack and a matcher. Without `pack_dir` the pack is the one under rules/
    that applies to the case's year, form, layout and region; `announce` is told which was
    chosen. `year` supplies the fiscal year of a case that states none."""
    case = load_case(case_path, year)
    if pack_dir is None:
        selection = select_pack(case)
        if announce is not None:
            announce(selection.describe())
        pack_dir = selection.directory
    pack = load_pack(pack_dir)
    return case, pack, matcher_for(pack, matcher)


def with_lines(exc: JixiaoError) -> JixiaoError:
    """The pure stages name a problem's file and field path but cannot know its line: find it by
    reading the file again (only ever on the way to an error message)."""
    docs: dict[str, Document | None] = {}
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


def score_file(case_path: str | Path, pack_dir: str | Path | None = None, matcher: str | None = None,
               announce: Callable[[str], None] | None = None, year: int | None = None) -> Result:
    case, pack, compiled = prepare(case_path, pack_dir, matcher, announce, year)
    try:
        return score_case(case, pack, compiled)
    except JixiaoError as exc:
        raise with_lines(exc) from None


def evaluate_file(case_path: str | Path, pack_dir: str | Path | None = None, matcher: str | None = None,
                  announce: Callable[[str], None] | None = None, year: int | None = None) -> tuple[Pack, Evaluation]:
    case, pack, compiled = prepare(case_path, pack_dir, matcher, announce, year)
    try:
        return pack, evaluate_case(case, pack, compiled)
    except JixiaoError as exc:
        raise with_lines(exc) from None


__all__ = ["JixiaoError", "load_case", "load_pack", "matcher_for", "prepare", "score_file", "evaluate_file",
           "case_from_document"]
