"""YAML syntax errors in words a policy author can act on.

Packs and cases are typed by people on Chinese keyboards. The usual slips - a full-width colon
(`citation：`), a full-width comma or quotes in `{...}` / `[...]`, a full-width space before a
key, an indentation that does not line up - make PyYAML report "could not find expected ':'" at
the line after the mistake. `explain` looks at the text around the place PyYAML stopped, finds
the slip, and returns the line and column to fix with a message that names it. Pure: text in,
words out; `engine.load` calls it on the way to an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import tr

# `key：` typed for `key:` (an ASCII or Chinese key, in block or flow style, or after "- ").
_FULL_COLON = re.compile(r"^(?P<lead>\s*(?:-\s+)?|.*[{,]\s*)(?P<key>[A-Za-z_\u4e00-\u9fff][\w.\-\u4e00-\u9fff]*)\s*(?P<colon>：)")
_FULL_COMMA_FLOW = re.compile(r"[\[{][^\]}]*?(?P<comma>，)")
_FULL_QUOTE_VALUE = re.compile(r"^\s*(?:-\s+)?[\w.\-]+:\s+(?P<quote>[“”‘’])")
_FULL_SPACE_LEAD = re.compile(r"^[ ]*(?P<space>\u3000)")
_INDENT_PROBLEMS = ("expected <block end>", "mapping values are not allowed", "did not find expected key",
                    "did not find expected '-' indicator")


@dataclass(frozen=True)
class Slip:
    line: int  # 1-based
    col: int  # 1-based
    message: str
    hint: str | None = None
    keyboard: bool = True  # a character typed by mistake (else: an indentation or a missing colon)


def _lines(text: str, first: int, last: int):
    lines = text.splitlines()
    for number in range(max(first, 1), min(last, len(lines)) + 1):
        yield number, lines[number - 1]


def _in_quotes(line: str, at: int) -> bool:
    """Whether position `at` of `line` lies inside '...' or "..." (a value that may hold anything)."""
    before = line[:at]
    return before.count('"') % 2 == 1 or before.count("'") % 2 == 1


def _keyboard_slip(text: str, first: int, last: int) -> Slip | None:
    """The nearest slip at or before line `last` (and not before `first`)."""
    found = None
    for number, line in _lines(text, first, last):
        stripped = line.split("#", 1)[0] if "#" in line and "：" not in line.split("#", 1)[0] else line
        m = _FULL_SPACE_LEAD.match(line)
        if m:
            found = Slip(number, m.start("space") + 1,
                         tr("行首有全角空格（\u3000）：YAML 的缩进只能用半角空格",
                            "a full-width space (U+3000) in the indentation: YAML indents with ASCII spaces"),
                         tr("把行首的全角空格换成半角空格", "replace the full-width space with ASCII spaces"))
            continue
        m = _FULL_COLON.match(stripped)
        if m and not _in_quotes(line, m.start("colon")):
            key = m.group("key")
            found = Slip(number, m.start("colon") + 1,
                         tr(f"`{key}：` 用了全角冒号“：”，YAML 只认半角冒号“:”",
                            f"`{key}：` uses a full-width colon; YAML needs an ASCII colon ':'"),
                         tr(f"把全角冒号改成半角冒号，冒号后留一个空格：`{key}: `",
                            f"write `{key}: ` (ASCII colon, then a space)"))
            continue
        m = _FULL_COMMA_FLOW.search(stripped)
        if m and not _in_quotes(line, m.start("comma")):
            found = Slip(number, m.start("comma") + 1,
                         tr("花括号或方括号里用了全角逗号“，”，YAML 只认半角逗号“,”",
                            "a full-width comma inside {...} or [...]; YAML separates items with ASCII ','"),
                         tr("把全角逗号改成半角逗号，逗号后留一个空格", "write ', ' (ASCII comma, then a space)"))
            continue
        m = _FULL_QUOTE_VALUE.match(stripped)
        if m:
            found = Slip(number, m.start("quote") + 1,
                         tr("值用全角引号（“”或‘’）括起来：YAML 只认半角引号，全角引号会成为文字的一部分",
                            "a value in full-width quotes: YAML quotes with ASCII \" or ', full-width quotes "
                            "become part of the text"),
                         tr("改用半角引号 \"…\"，或去掉引号", "use ASCII quotes \"...\", or none"))
    return found


def explain(text: str, problem: str, context: str | None, problem_line: int, context_line: int | None) -> Slip | None:
    """A slip to report instead of PyYAML's words, or None when none is recognised.
    Lines are 1-based; `context_line` is where PyYAML started the construct it could not finish."""
    first = min(context_line or problem_line, problem_line) - 1
    slip = _keyboard_slip(text, first, problem_line)
    if slip is not None:
        return slip
    if problem.startswith("could not find expected ':'") and context_line:
        line = text.splitlines()[context_line - 1] if context_line <= len(text.splitlines()) else ""
        return Slip(context_line, len(line) - len(line.lstrip(" ")) + 1,
                    tr(f"第 {context_line} 行像是一个键，却没有半角冒号“:”",
                       f"line {context_line} looks like a key but has no ASCII colon ':'"),
                    tr("在键后面写“: ”（半角冒号加一个空格）；若是上一行文字的延续，把整段文字放在引号里",
                       "write ': ' after the key; if the line continues the text above, quote the whole text"),
                    keyboard=False)
    if any(problem.startswith(p) for p in _INDENT_PROBLEMS):
        line = text.splitlines()[problem_line - 1] if 0 < problem_line <= len(text.splitlines()) else ""
        col = len(line) - len(line.lstrip(" ")) + 1
        return Slip(problem_line, col,
                    tr(f"缩进不对：第 {problem_line} 行没有与同一层的内容对齐（YAML 靠缩进分层）",
                       f"indentation: line {problem_line} does not line up with the items of its level "
                       f"({problem})"),
                    tr("让这一行与上面同一层的键（或“- ”）从同一列开始；只用空格缩进",
                       "start this line in the same column as the keys (or '- ') of its level above; indent "
                       "with spaces only"), keyboard=False)
    return None


# PyYAML's problems in Chinese (what is left after the slips above): a phrase -> its wording.
_PROBLEMS_ZH = (
    ("did not find expected ',' or '}'", "花括号 { } 没有闭合，或两项之间少了半角逗号"),
    ("did not find expected ',' or ']'", "方括号 [ ] 没有闭合，或两项之间少了半角逗号"),
    ("expected ',' or '}'", "花括号 { } 里两项之间要用半角逗号分开"),
    ("expected ',' or ']'", "方括号 [ ] 里两项之间要用半角逗号分开"),
    ("found unexpected end of stream", "文件在引号或括号闭合之前就结束了"),
    ("found undefined alias", "引用（*名称）找不到对应的锚点（&名称）"),
    ("but found another document", "文件里有第二个 YAML 文档（--- 之后）：一个文件只能有一个"),
    ("found character that cannot start any token", "这里有 YAML 不允许出现在开头的字符（如 @ 或 `）：把值放在引号里"),
    ("found invalid Unicode character escape code", "双引号里的 \\u 转义不是有效的字符"),
    ("found unknown escape character", "双引号里的反斜杠转义无效：写成 \\\\，或改用单引号"),
)


def chinese(problem: str) -> str | None:
    for phrase, words in _PROBLEMS_ZH:
        if phrase in problem:
            return words
    return None
