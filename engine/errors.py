"""One error model for every stage.

A `Problem` says what went wrong, where (file, line, column, field path) and in which stage.
`JixiaoError` carries one or more problems; the CLI renders them and exits 2. Nothing else in
the engine raises bare exceptions at the user.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

LANG_ENV = "JIXIAO_LANG"


def lang() -> str:
    """The language of messages: Chinese unless JIXIAO_LANG (or `jixiao --lang`) says English."""
    return "en" if os.environ.get(LANG_ENV, "").strip().lower().startswith("en") else "zh"


def tr(zh: str, en: str) -> str:
    """A message in the user's language (Chinese by default)."""
    return en if lang() == "en" else zh


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    stage: str = ""
    file: str | None = None
    line: int | None = None
    col: int | None = None
    field: str | None = None
    hint: str | None = None

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def render(self) -> str:
        text = f"{self.location()}: {self.code}: {self.message}"
        if self.field:
            text += tr(f"（字段：{self.field}）", f" (field: {self.field})")
        if self.hint:
            text += tr(f"\n  提示：{self.hint}", f"\n  hint: {self.hint}")
        return text

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class JixiaoError(Exception):
    """Raised for bad input (case or pack). Always carries at least one Problem."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(p.render() for p in self.problems)

    @classmethod
    def single(cls, code: str, message: str, **where) -> "JixiaoError":
        return cls([Problem(code=code, message=message, **where)])


def format_path(path) -> str:
    """Render a JSON path (sequence of keys and indices) as `a.b[3].c`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_path(text: str) -> tuple:
    """Inverse of `format_path`: `a.b[3].c` -> ("a", "b", 3, "c")."""
    import re

    out: list = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text or ""):
        out.append(int(index) if index else name)
    return tuple(out)
