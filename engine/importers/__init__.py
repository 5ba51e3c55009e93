"""Importers: filings as they arrive -> case data.

Each reader (one module per format, registered in `formats.READERS`) turns its format into the
one intermediate representation (`grid.Source`: rows of cells); `common.build_cases` turns that
into one case per filing with a `review` list; `emit.dump_case` writes it as YAML. The reader is
picked by the file's content (its first bytes), the suffix only where content cannot tell.
Files are opened by `safeio.read_input` (regular files only, bounded size).
"""

from __future__ import annotations

from pathlib import Path

from .common import ImportResult, build_case, build_cases
from .emit import dump_case
from .formats import pick
from .grid import Source
from .safeio import error, read_input

__all__ = ["ImportResult", "import_file", "import_filings", "read_source", "dump_case", "detect_kind"]


def detect_kind(path: str, raw: bytes) -> str:
    """The kind of reader that takes the file ("office", "legacy", "pdf", "image", "html", "text")."""
    return pick(raw[:8192], Path(path).suffix.lower()).kind


def read_source(path: str | Path) -> Source:
    name = str(path)
    raw = read_input(name)
    if not raw.strip():
        raise error(name, "文件是空的 (the file is empty)", "E-EMPTY")
    fmt = pick(raw[:8192], Path(name).suffix.lower())
    return fmt.read(name, raw)


def import_file(path: str | Path, *, year: int | None = None, region: str | None = None,
                form: str | None = None) -> ImportResult:
    """Read a filing into case data with its review list (the first filing of a file holding
    several). `form` ("department" / "project") overrides the form the titles tell."""
    return build_case(read_source(path), year=year, region=region, form=form)


def import_filings(path: str | Path, *, year: int | None = None, region: str | None = None,
                   form: str | None = None) -> list[ImportResult]:
    """Every filing in a file (a file may hold several projects' forms), each as case data."""
    return build_cases(read_source(path), year=year, region=region, form=form)
