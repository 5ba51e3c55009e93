"""Importers: filings as they arrive -> case data.

Each reader (one module per format, registered in `formats.READERS`) turns its format into the
one intermediate representation (`grid.Source`: rows of cells); `common.build_cases` turns that
into one case per filing with a `review` list; `emit.dump_case` writes it as YAML. The reader is
picked by the file's content (its first bytes), the suffix only where content cannot tell.
Files are opened by `safeio.read_input` (regular files only, bounded size).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .common import ImportResult
    from .grid import Source

# The readers and the case builder are imported when first used (PEP 562 `__getattr__` below and
# inside the functions), not with the package: `jixiao score` imports `importers.guard`, and the
# whole importer (lxml, the vocabulary, every reader) was a third of its start-up.
def __getattr__(name: str):
    if name in ("ImportResult", "build_case", "build_cases"):
        from . import common as module
    elif name == "dump_case":
        from . import emit as module
    elif name == "pick":
        from . import formats as module
    elif name == "Source":
        from . import grid as module
    elif name in ("error", "read_input"):
        from . import safeio as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(module, name)


__all__ = ["ImportResult", "import_file", "import_filings", "read_source", "dump_case", "detect_kind"]


def detect_kind(path: str, raw: bytes) -> str:
    """The kind of reader that takes the file ("office", "legacy", "pdf", "image", "html", "text")."""
    from .formats import pick

    return pick(raw[:8192], Path(path).suffix.lower()).kind


def read_source(path: str | Path) -> Source:
    from .formats import pick
    from .safeio import error, read_input

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
    from .common import build_case

    return build_case(read_source(path), year=year, region=region, form=form)


def import_filings(path: str | Path, *, year: int | None = None, region: str | None = None,
                   form: str | None = None) -> list[ImportResult]:
    """Every filing in a file (a file may hold several projects' forms), each as case data."""
    from .common import build_cases

    return build_cases(read_source(path), year=year, region=region, form=form)
