"""Load stage: bytes on disk -> plain Python data (dict/list/str/int/Decimal/bool/None).

Safe by construction: only a subclass of PyYAML's safe loader (the C one when available) is
used, so no tag can construct a Python object. On top of the safe loader:

* YAML floats become `Decimal` built from the text as written (``160.48`` -> ``Decimal("160.48")``);
  NaN, infinities and absurd magnitudes are refused.
* Integers are plain decimal digits: YAML 1.1 would read `010` as 8, `0x10` as 16 and `1:30` as
  90, which is never what a person copying a form meant.
* Duplicate keys are an error (PyYAML silently keeps the last one).
* Aliases are limited (billion-laughs): at most MAX_ALIASES uses, of scalars only, and no merge
  keys (`<<`); so are nesting depth and file size.
* Text is UTF-8 (a BOM is accepted); GB18030/GBK files from Chinese Windows tools and UTF-16
  files with a BOM are decoded too, and the document remembers which encoding was used.

Line numbers are not tracked on the fast path. When a later stage needs the line of a field
path (to report an error), `Document.locate` re-composes the text once and walks the node tree.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import JixiaoError, Problem, format_path, lang, tr

# Limits, documented in tests/bad_inputs/README.md; chosen far above any real filing.
MAX_FILE_BYTES = 1024 * 1024  # a real case file is ~20 KB; scoring takes ~1 ms per indicator row
MAX_ALIASES = 100  # uses of *alias in one file
MAX_DEPTH = 50
MAX_ABS_NUMBER = Decimal("1e15")  # 10^15 万元 is beyond any budget

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Refusal(Exception):
    def __init__(self, code: str, message: str, mark=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark

def _remember_key(seen: dict, key_node) -> None:
    """Record a mapping key, refusing a duplicate (PyYAML would silently keep the last one)."""
    key = (key_node.tag, key_node.value)
    if key in seen:
        raise _Refusal(
            "E-YAML-DUPKEY",
            tr(f"键 {key_node.value!r} 重复（第一次出现在第 {seen[key].line + 1} 行）",
               f"duplicate key {key_node.value!r} (first at line {seen[key].line + 1})"),
            key_node.start_mark,
        )
    seen[key] = key_node.start_mark



class _Fallback(Exception):
    """The fast constructor met something only PyYAML's constructor handles."""


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_SPECIAL_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader with Decimal floats, duplicate-key and alias/depth checks."""

    def __init__(self, stream):
        super().__init__(stream)
        self._alias_uses = 0
        self._depth = 0
        # Without "&" the text has no anchor, so no node is shared and `_build` may construct the
        # tree directly; anything else takes PyYAML's constructor with the checks below.
        self._plain = isinstance(stream, str) and "&" not in stream

    def construct_document(self, node):
        if self._plain:
            try:
                return self._build(node, 1)
            except _Fallback:
                pass  # nothing was recorded: construct again the general way
        return super().construct_document(node)

    def _build(self, node, depth: int):
        """The fast path of construct_document, for documents without anchors: the same data,
        the same refusals in the same order (depth on entering a node, then a mapping's keys,
        then its children in order), through the same scalar constructors. A tag or key it does
        not handle (merge `<<`, `=`, explicit tags) raises _Fallback."""
        if depth > MAX_DEPTH:
            raise _Refusal("E-YAML-DEPTH", tr(f"嵌套超过 {MAX_DEPTH} 层", f"nesting deeper than {MAX_DEPTH} levels"), node.start_mark)
        kind, tag = node.__class__, node.tag
        if kind is yaml.ScalarNode:
            if tag == _STR:
                return node.value
            construct = _FAST_SCALARS.get(tag)
            if construct is None:
                raise _Fallback
            return construct(self, node)
        if kind is yaml.MappingNode and tag == _MAP:
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Refusal("E-YAML-KEY", tr("映射的键须是简单的值（文字或数）", "a mapping key must be a plain value"), key_node.start_mark)
                if key_node.tag in _SPECIAL_KEYS:
                    raise _Fallback
                _remember_key(seen, key_node)
            out = {}
            for key_node, value_node in node.value:
                key = self._build(key_node, depth + 1)
                out[key] = self._build(value_node, depth + 1)
            return out
        if kind is yaml.SequenceNode and tag == _SEQ:
            return [self._build(child, depth + 1) for child in node.value]
        raise _Fallback

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects:
            # Every use counts, not every distinct anchor: one long anchored text used a million
            # times costs a million times its length in every later stage.
            self._alias_uses += 1
            # The parser hands over the anchored node, not the alias: marks point at the anchor.
            if self._alias_uses > MAX_ALIASES:
                raise _Refusal(
                    "E-YAML-ALIAS",
                    tr(f"文件中别名（*名称）用了超过 {MAX_ALIASES} 次；第 {self._alias_uses} 次用的是这里锚定的值",
                       f"more than {MAX_ALIASES} uses of aliases (*name) in the file; use {self._alias_uses} is of the value anchored here"),
                    node.start_mark,
                )
            if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
                # A reused collection multiplies the document's size (billion laughs):
                # case and pack files have no need for it.
                kind = "mapping" if isinstance(node, yaml.MappingNode) else "list"
                raise _Refusal(
                    "E-YAML-ALIAS",
                    tr(f"这里锚定的{'映射' if kind == 'mapping' else '列表'}又被别名（*名称）引用：案卷和规则包文件中不能用映射或列表的别名",
                       f"the {kind} anchored here is used again by an alias (*name): aliases of mappings or lists are not allowed in case or pack files"),
                    node.start_mark,
                )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refusal("E-YAML-DEPTH", tr(f"嵌套超过 {MAX_DEPTH} 层", f"nesting deeper than {MAX_DEPTH} levels"), node.start_mark)
            return super().construct_object(node, deep=True)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Refusal("E-YAML-KEY", tr("映射的键须是简单的值（文字或数）", "a mapping key must be a plain value"), key_node.start_mark)
                if key_node.tag == "tag:yaml.org,2002:merge":
                    # `<<: *anchor` copies a mapping: an alias of a collection by another name.
                    raise _Refusal("E-YAML-ALIAS", tr("案卷和规则包文件中不能用合并键（<<）", "merge keys (<<) are not allowed in case or pack files"), key_node.start_mark)
                _remember_key(seen, key_node)
        return super().construct_mapping(node, deep=True)


SHOWN_CHARS = 80  # of a long value quoted in an error message; the rest is "…"
ECHO_LIMIT = 200  # a quoted value longer than this is cut to SHOWN_CHARS


def shorten(text: str, limit: int = SHOWN_CHARS, longer_than: int | None = None) -> str:
    """`text` as an error message quotes it: when longer than `longer_than` (default `limit`),
    its first `limit` characters, then "…" and the length (a 300 000-character cell is not
    echoed whole)."""
    if len(text) <= (limit if longer_than is None else longer_than):
        return text
    return f"{text[:limit]}…（共 {len(text)} 个字符）"


MAX_NUMBER_CHARS = 100  # a number written with more characters is refused before it is converted
# The smallest magnitude other than 0: the ratio of two accepted numbers (up to 1e15 / 1e-100)
# then stays within the range of a double, which the matchers compare (1.0e-400 as a weight made
# a share of 2.5e401, refused far from its file and line).
MIN_ABS_NUMBER = Decimal("1e-100")


def _construct_decimal(loader: _Loader, node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    lowered = text.lower()
    if lowered in (".nan", ".inf", "+.inf", "-.inf"):
        raise _Refusal("E-YAML-NUMBER", tr(f"{text} 不是可用的数", f"{text} is not a usable number"), node.start_mark)
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refusal("E-YAML-NUMBER", tr(f"这个数写了 {len(text)} 个字符（{shorten(text, 20)}），超出范围（|x| ≤ 1e15，最多 {MAX_NUMBER_CHARS} 个字符）",
                                           f"a number written with {len(text)} characters ({shorten(text, 20)}) "
                                           f"is out of range (|x| ≤ 1e15, at most {MAX_NUMBER_CHARS} characters)"), node.start_mark)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Refusal("E-YAML-NUMBER", tr(f"{text!r} 不是数", f"{text!r} is not a number"), node.start_mark) from None
    if not value.is_finite() or abs(value) > MAX_ABS_NUMBER:
        raise _Refusal("E-YAML-NUMBER", tr(f"{text} 超出范围（|x| ≤ 1e15）", f"{text} is out of range (|x| ≤ 1e15)"), node.start_mark)
    if value and abs(value) < MIN_ABS_NUMBER:
        raise _Refusal("E-YAML-NUMBER", tr(f"{text} 太小，不会是金额、分值或比例（应为 0，或 |x| ≥ 1e-100）",
                                           f"{text} is too small to be an amount, a weight or a share "
                                           "(0, or |x| ≥ 1e-100)"), node.start_mark)
    return value


_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")


def _construct_int(loader: _Loader, node) -> int:
    if len(node.value) > MAX_NUMBER_CHARS:  # int() of 5 000 digits raises ValueError (and is slow)
        raise _Refusal("E-YAML-NUMBER", tr(f"这个数写了 {len(node.value)} 个字符（{shorten(node.value, 20)}），超出范围（|x| ≤ 1e15）",
                                           f"a number written with {len(node.value)} characters "
                                           f"({shorten(node.value, 20)}) is out of range (|x| ≤ 1e15)"), node.start_mark)
    value = yaml.SafeLoader.construct_yaml_int(loader, node)
    if not _DECIMAL_INT.fullmatch(node.value):
        raise _Refusal(
            "E-YAML-NUMBER",
            tr(f"{node.value} 不是普通的十进制数（YAML 会把它读成 {value}：八进制、十六进制、二进制或六十进制）；"
               "去掉开头的 0，或加引号作为文字",
               f"{node.value} is not a plain decimal number (YAML reads it as {value}: octal, hex, binary or base 60); "
               "write the digits without a leading 0, or quote it as text"),
            node.start_mark,
        )
    if abs(value) > MAX_ABS_NUMBER:
        raise _Refusal("E-YAML-NUMBER", tr(f"{value} 超出范围（|x| ≤ 1e15）", f"{value} is out of range (|x| ≤ 1e15)"), node.start_mark)
    return value


def _construct_timestamp_as_text(loader: _Loader, node) -> str:
    # Dates stay as written; the engine parses them where it needs them.
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
# The scalar constructors the fast path calls: the loader's own, so both paths build the same values.
_FAST_SCALARS = {
    tag: _Loader.yaml_constructors[tag]
    for tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp")
}


@dataclass
class Document:
    """A loaded YAML file: its data, its text, and line lookup for error reporting."""

    path: str
    data: Any
    text: str
    encoding: str = "utf-8"
    sha256: str = ""  # of the file's bytes as stored (what `sha256sum FILE` prints)
    _node: Any = field(default=None, repr=False)

    def locate(self, path) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value at a JSON path, or of its nearest parent."""
        if self._node is None:
            try:
                self._node = yaml.compose(self.text, Loader=_BaseLoader)
            except yaml.YAMLError:
                return None, None
        node = self._node
        if node is None:  # nothing but comments: the whole (empty) document is at line 1
            return 1, 1
        mark = node.start_mark
        for part in path:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for key_node, value_node in node.value:
                    if key_node.value == str(part):
                        nxt = value_node
                        mark = key_node.start_mark
                        break
                if nxt is None:
                    break
                node = nxt
                if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
                    mark = node.start_mark
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        if mark is None:
            return None, None
        return mark.line + 1, mark.column + 1

    def problem(self, code: str, message: str, path=(), stage: str = "validate", hint: str | None = None) -> Problem:
        line, col = self.locate(path)
        return Problem(
            code=code, message=message, stage=stage, file=self.path, line=line, col=col,
            field=format_path(path) or None, hint=hint,
        )


def decode(raw: bytes, path: str) -> tuple[str, str]:
    """Bytes -> (text, encoding). UTF-16 with a BOM, else UTF-8 (with or without BOM), then GB18030.
    UTF-32 (with or without BOM) is named and refused, not reported as a stray NUL character."""
    utf32 = _utf32(raw)
    if utf32:
        raise JixiaoError.single(
            "E-ENCODING", f"文件是 {utf32} 编码的文本，不支持 (the file is {utf32} text, which is not read)",
            stage="load", file=path, line=1, hint="save the file as UTF-8 (在编辑器中另存为 UTF-8)",
        )
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows Notepad's "Unicode": unambiguous with its BOM, and full of NUL bytes.
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise JixiaoError.single(
                "E-ENCODING", tr(f"文件开头像 UTF-16 文本，但不是（第 {exc.start} 字节处有错）",
                                 f"the file starts like UTF-16 text but is not (bad bytes at offset {exc.start})"),
                stage="load", file=path, line=1, hint=tr("在编辑器中另存为 UTF-8", "save the file as UTF-8"),
            ) from None
    if b"\x00" in raw:
        raise JixiaoError.single(
            "E-ENCODING", tr("文件中有 NUL 字节：这是二进制文件（或不带 BOM 的 UTF-16/32），不是 YAML 文本文件",
                             "the file contains NUL bytes: it is binary (or UTF-16/32 without a BOM), not a YAML text file"),
            stage="load", file=path, line=raw[: raw.index(b"\x00")].count(b"\n") + 1,
            hint=tr("在编辑器中另存为 UTF-8", "save the file as UTF-8"),
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        line = raw[: utf8_error.start].count(b"\n") + 1
        raise JixiaoError.single(
            "E-ENCODING",
            tr(f"文件既不是 UTF-8 也不是 GB18030/GBK 文本（第 {utf8_error.start} 字节处有错）",
               f"the file is neither UTF-8 nor GB18030/GBK text (bad byte at offset {utf8_error.start})"),
            stage="load", file=path, line=line,
            hint=tr("在编辑器中另存为 UTF-8", "save the file as UTF-8"),
        ) from None


def _utf32(raw: bytes) -> str | None:
    """"UTF-32" (with the byte order) when the bytes are UTF-32 text: its BOM (checked before
    UTF-16's, which the little-endian one starts with), or, without one, every 4-byte unit
    holding a code point (at most 0x10FFFF: the top byte 0 and, for ASCII, two more NUL bytes)."""
    if raw.startswith(codecs.BOM_UTF32_LE):
        return "UTF-32LE"
    if raw.startswith(codecs.BOM_UTF32_BE):
        return "UTF-32BE"
    if len(raw) < 8 or len(raw) % 4 or b"\x00" not in raw[:8]:
        return None
    head = raw[:4096 - 4096 % 4]
    for name, top in (("UTF-32LE", slice(3, None, 4)), ("UTF-32BE", slice(0, None, 4))):
        if not head[top].strip(b"\x00"):
            units = [int.from_bytes(head[i:i + 4], "little" if name == "UTF-32LE" else "big")
                     for i in range(0, len(head), 4)]
            if all(0 < u <= 0x10FFFF for u in units):
                return name
    return None


def _where(path: str, mark, text: str | None = None) -> dict:
    """Problem location of a YAML mark; given the text, also the field path of the value there
    (a value the loader refused is well-formed YAML, so the text composes)."""
    if mark is None:
        return {"stage": "load", "file": path}
    where = {"stage": "load", "file": path, "line": mark.line + 1, "col": mark.column + 1}
    if text is not None:
        where["field"] = _field_at(text, mark.line, mark.column)
    return where


def _field_at(text: str, line: int, column: int) -> str | None:
    """The path of the key or value that starts at (line, column), 0-based; None if not found."""
    try:
        root = yaml.compose(text, Loader=_BaseLoader)
    except Exception:  # noqa: BLE001 - only ever used to decorate an error that is on its way
        return None
    seen: set[int] = set()

    def at(node) -> bool:
        return (node.start_mark.line, node.start_mark.column) == (line, column)

    def walk(node, path):
        if id(node) in seen:  # an alias: its target was walked where it was defined
            return None
        seen.add(id(node))
        children = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if at(key):
                    return (*path, key.value)
                children.append(((*path, key.value), value))
        elif isinstance(node, yaml.SequenceNode):
            children = [((*path, i), item) for i, item in enumerate(node.value)]
        for child_path, child in children:
            found = walk(child, child_path)
            if found is not None:
                return found
        return path if at(node) else None

    found = walk(root, ()) if root is not None else None
    return format_path(found) or None if found is not None else None


def load_text(text: str, path: str, encoding: str = "utf-8", sha256: str | None = None) -> Document:
    """Parse YAML text into a Document. Raises JixiaoError with file:line on any problem."""
    if "\t" in text:
        # YAML forbids tabs for indentation; PyYAML's message for it is cryptic, so say it plainly
        # when a tab starts a line's indentation.
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                raise JixiaoError.single(
                    "E-YAML-TAB", tr("用制表符（Tab）缩进了：YAML 只能用空格缩进", "a tab is used for indentation; YAML needs spaces"),
                    stage="load", file=path, line=number, col=len(line) - len(stripped) + 1,
                )
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from the safe loader
    except _Refusal as exc:
        raise JixiaoError.single(exc.code, exc.message, **_where(path, exc.mark, text)) from None
    except yaml.constructor.ConstructorError as exc:
        message = exc.problem or tr("无法读出这个值", "cannot construct this value")
        if "could not determine a constructor" in message:
            tag = message.split('for the tag')[-1].strip()
            message = tr(f"不允许的标签 {tag}（只接受普通的 YAML）", f"tag not allowed: {tag} (only plain YAML is accepted)")
        raise JixiaoError.single("E-YAML-TAG", message, **_where(path, exc.problem_mark, text)) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, path) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (text input: an int code point)
        # The C reader gives a byte offset, the Python one a character offset; the reader stops at
        # the first character it refuses, so the first occurrence of that character is where.
        at = text.find(chr(exc.character))
        raise JixiaoError.single(
            "E-YAML-CHAR", tr(f"YAML 文本中不能有字符 U+{exc.character:04X}（控制字符或非字符）",
                              f"character U+{exc.character:04X} is not allowed in YAML text (a control character or a non-character)"),
            stage="load", file=path, line=text.count("\n", 0, at) + 1, col=at - text.rfind("\n", 0, at),
        ) from None
    except yaml.YAMLError as exc:
        raise JixiaoError.single("E-YAML-SYNTAX", str(exc).strip(), stage="load", file=path) from None
    except RecursionError:
        raise JixiaoError.single(
            "E-YAML-DEPTH", tr(f"嵌套超过 {MAX_DEPTH} 层", f"nesting deeper than {MAX_DEPTH} levels"), stage="load", file=path
        ) from None
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(path=path, data=data, text=text, encoding=encoding, sha256=sha256)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str) -> JixiaoError:
    """A YAML syntax error where the person must fix it: a keyboard slip (full-width colon, comma,
    quotes or space) or an indentation that does not line up is named at its own line
    (`engine.yamlhints`); other errors keep PyYAML's place, in Chinese where the wording is known."""
    from .yamlhints import chinese, explain

    problem = (exc.problem or exc.context or "invalid YAML").strip()
    message = problem
    if exc.problem and exc.context:  # "did not find expected ',' or '}'" while doing what, from where
        started = exc.context_mark.line + 1 if exc.context_mark else None
        message += f" ({exc.context.strip()}" + (f" that starts at line {started})" if started else ")")
    # libyaml stops at 1000 levels, before the constructor's own limit is reached.
    if "maximum nesting depth" in message:
        return JixiaoError.single("E-YAML-DEPTH", message, **_where(path, exc.problem_mark or exc.context_mark))
    mark = exc.problem_mark or exc.context_mark
    slip = explain(text, problem, exc.context, mark.line + 1 if mark else 0,
                   exc.context_mark.line + 1 if exc.context_mark else None) if mark else None
    if slip is not None and (slip.keyboard or lang() == "zh"):  # English keeps PyYAML's words for the rest
        return JixiaoError.single("E-YAML-SYNTAX", slip.message, stage="load", file=path, line=slip.line,
                                  col=slip.col, hint=slip.hint)
    if lang() == "zh":
        words = chinese(problem)
        if words:
            started = f"（从第 {exc.context_mark.line + 1} 行开始）" if exc.context_mark and exc.problem else ""
            message = f"YAML 语法错误：{words}{started}"
        else:
            message = f"YAML 语法错误：{message}"
    return JixiaoError.single("E-YAML-SYNTAX", message, **_where(path, mark))


def read_regular_file(path: str | Path, limit: int, code_size: str = "E-FILE-SIZE") -> bytes:
    """The bytes of a regular file of at most `limit` bytes, refusing anything else before a
    byte is read: a folder, a device (/dev/zero never ends), a named pipe (may never start) or a
    socket, and a file over the limit. The type is checked on the opened file (fstat), so a file
    swapped for a pipe between a check and the open is still refused; the open itself does not
    block (O_NONBLOCK: opening a pipe with no writer returns at once). Never reads more than
    limit + 1 bytes, even from a file that grows meanwhile."""
    name = str(path)

    def refuse(code: str, message: str, **where) -> JixiaoError:
        return JixiaoError.single(code, message, stage="load", file=name, **where)

    try:
        try:
            before = os.stat(name)  # refuse a device or pipe without even opening it
        except OSError:
            before = None  # the open below says what is wrong
        if before is not None and not stat.S_ISREG(before.st_mode) and not stat.S_ISDIR(before.st_mode):
            raise refuse("E-FILE", _NOT_REGULAR)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(name, flags)
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise refuse("E-FILE", "是文件夹，不是文件 (is a directory, not a file)")
            if not stat.S_ISREG(st.st_mode):
                raise refuse("E-FILE", _NOT_REGULAR)
            if st.st_size > limit:
                raise refuse(code_size, f"file is {st.st_size} bytes; the limit is {limit} bytes ({limit // 1024 // 1024 or limit} "
                             f"{'MiB' if limit >= 1024 * 1024 else 'bytes'})", line=1)
            chunks, got = [], 0
            while got <= limit:
                chunk = os.read(fd, limit + 1 - got)
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
        finally:
            os.close(fd)
        raw = b"".join(chunks)
        if len(raw) > limit:
            raise refuse(code_size, f"file is more than {limit} bytes; the limit is {limit} bytes "
                         f"({limit // 1024 // 1024 or limit} {'MiB' if limit >= 1024 * 1024 else 'bytes'})", line=1)
        return raw
    except FileNotFoundError:
        raise refuse("E-FILE", "no such file") from None
    except PermissionError:
        raise refuse("E-FILE", "permission denied") from None
    except IsADirectoryError:
        raise refuse("E-FILE", "是文件夹，不是文件 (is a directory, not a file)") from None
    except OSError as exc:
        raise refuse("E-FILE", exc.strerror or str(exc)) from None


_NOT_REGULAR = ("不是普通文件（设备、命名管道或套接字），不读取 "
                "(is not a regular file: a device, pipe or socket, which may never end or never start)")


def load_file(path: str | Path) -> Document:
    """Read and parse one YAML file, refusing oversized, binary or undecodable input early."""
    name = str(path)
    raw = read_regular_file(name, MAX_FILE_BYTES)
    text, encoding = decode(raw, name)
    if not text.strip():  # after decoding: a BOM alone is empty too
        raise JixiaoError.single("E-EMPTY", tr("文件是空的", "the file is empty"), stage="load", file=name, line=1)
    return load_text(text, name, encoding, hashlib.sha256(raw).hexdigest())


def shown_path(path: str | Path | None) -> str | None:
    """A path as a user would type it: relative to the working folder when it is under it."""
    if not path:
        return None if path is None else str(path)
    import os

    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if rel.startswith("..") else rel
