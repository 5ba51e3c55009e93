"""Load stage: bytes on disk -> plain Python data (dict/list/str/int/Decimal/bool/None).

Safe by construction: only a subclass of PyYAML's safe loader (the C one when available) is
used, so no tag can construct a Python object. On top of the safe loader:

* YAML floats become `Decimal` built from the text as written (``160.48`` -> ``Decimal("160.48")``);
  NaN, infinities and absurd magnitudes are refused.
* Duplicate keys are an error (PyYAML silently keeps the last one).
* Aliases are limited (billion-laughs), and so are nesting depth and file size.
* Text is UTF-8 (a BOM is accepted); GB18030/GBK files from Chinese Windows tools are decoded
  too, and the document remembers which encoding was used.

Line numbers are not tracked on the fast path. When a later stage needs the line of a field
path (to report an error), `Document.locate` re-composes the text once and walks the node tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import JixiaoError, Problem, format_path

# Limits, documented in tests/bad_inputs/README.md; chosen far above any real filing.
MAX_FILE_BYTES = 5 * 1024 * 1024  # a real case file is ~20 KB
MAX_ALIASES = 100
MAX_DEPTH = 50
MAX_ABS_NUMBER = Decimal("1e15")  # 10^15 万元 is beyond any budget

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Refusal(Exception):
    def __init__(self, code: str, message: str, mark=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark


class _Fallback(Exception):
    """The fast constructor met something only PyYAML's constructor handles."""


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_SPECIAL_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader with Decimal floats, duplicate-key and alias/depth checks."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases_seen: set[int] = set()
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
            raise _Refusal("E-YAML-DEPTH", f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
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
                    raise _Refusal("E-YAML-KEY", "a mapping key must be a plain value", key_node.start_mark)
                if key_node.tag in _SPECIAL_KEYS:
                    raise _Fallback
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise _Refusal(
                        "E-YAML-DUPKEY",
                        f"duplicate key {key_node.value!r} (first at line {seen[key].line + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark
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
            self._aliases_seen.add(id(node))
            if len(self._aliases_seen) > MAX_ALIASES:
                raise _Refusal("E-YAML-ALIAS", f"more than {MAX_ALIASES} aliased nodes", node.start_mark)
            if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
                # A reused collection multiplies the document's size (billion laughs):
                # case and pack files have no need for it.
                raise _Refusal(
                    "E-YAML-ALIAS",
                    "aliases of mappings or lists (*anchor) are not allowed in case or pack files",
                    node.start_mark,
                )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refusal("E-YAML-DEPTH", f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
            return super().construct_object(node, deep=True)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Refusal("E-YAML-KEY", "a mapping key must be a plain value", key_node.start_mark)
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise _Refusal(
                        "E-YAML-DUPKEY",
                        f"duplicate key {key_node.value!r} (first at line {seen[key].line + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=True)


def _construct_decimal(loader: _Loader, node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    lowered = text.lower()
    if lowered in (".nan", ".inf", "+.inf", "-.inf"):
        raise _Refusal("E-YAML-NUMBER", f"{text} is not a usable number", node.start_mark)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Refusal("E-YAML-NUMBER", f"{text!r} is not a number", node.start_mark) from None
    if not value.is_finite() or abs(value) > MAX_ABS_NUMBER:
        raise _Refusal("E-YAML-NUMBER", f"{text} is out of range (|x| ≤ 1e15)", node.start_mark)
    return value


def _construct_int(loader: _Loader, node) -> int:
    value = yaml.SafeLoader.construct_yaml_int(loader, node)
    if abs(value) > MAX_ABS_NUMBER:
        raise _Refusal("E-YAML-NUMBER", f"{value} is out of range (|x| ≤ 1e15)", node.start_mark)
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
    _node: Any = field(default=None, repr=False)

    def locate(self, path) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value at a JSON path, or of its nearest parent."""
        if self._node is None:
            try:
                self._node = yaml.compose(self.text, Loader=yaml.SafeLoader)
            except yaml.YAMLError:
                return None, None
        node = self._node
        mark = node.start_mark if node is not None else None
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
    """Bytes -> (text, encoding). UTF-8 (with or without BOM) first, then GB18030."""
    if b"\x00" in raw:
        raise JixiaoError.single(
            "E-ENCODING", "the file contains NUL bytes: it is binary, not a YAML text file",
            stage="load", file=path, line=1,
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
            f"the file is neither UTF-8 nor GB18030/GBK text (bad byte at offset {utf8_error.start})",
            stage="load", file=path, line=line,
            hint="save the file as UTF-8",
        ) from None


def load_text(text: str, path: str, encoding: str = "utf-8") -> Document:
    """Parse YAML text into a Document. Raises JixiaoError with file:line on any problem."""
    if "\t" in text:
        # YAML forbids tabs for indentation; PyYAML's message for it is cryptic, so say it plainly
        # when a tab starts a line's indentation.
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                raise JixiaoError.single(
                    "E-YAML-TAB", "a tab is used for indentation; YAML needs spaces",
                    stage="load", file=path, line=number, col=len(line) - len(stripped) + 1,
                )
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from the safe loader
    except _Refusal as exc:
        line = exc.mark.line + 1 if exc.mark else None
        col = exc.mark.column + 1 if exc.mark else None
        raise JixiaoError.single(exc.code, exc.message, stage="load", file=path, line=line, col=col) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        message = exc.problem or "cannot construct this value"
        if "could not determine a constructor" in message:
            message = f"tag not allowed: {message.split('for the tag')[-1].strip()} (only plain YAML is accepted)"
        raise JixiaoError.single(
            "E-YAML-TAG", message, stage="load", file=path,
            line=mark.line + 1 if mark else None, col=mark.column + 1 if mark else None,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise JixiaoError.single(
            "E-YAML-SYNTAX", (exc.problem or exc.context or "invalid YAML").strip(), stage="load",
            file=path, line=mark.line + 1 if mark else None, col=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise JixiaoError.single("E-YAML-SYNTAX", str(exc).strip(), stage="load", file=path) from None
    except RecursionError:
        raise JixiaoError.single(
            "E-YAML-DEPTH", f"nesting deeper than {MAX_DEPTH} levels", stage="load", file=path
        ) from None
    return Document(path=path, data=data, text=text, encoding=encoding)


def load_file(path: str | Path) -> Document:
    """Read and parse one YAML file, refusing oversized, binary or undecodable input early."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise JixiaoError.single("E-FILE", "is a directory, not a file", stage="load", file=name)
        if size > MAX_FILE_BYTES:
            raise JixiaoError.single(
                "E-FILE-SIZE",
                f"file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes (5 MiB)",
                stage="load", file=name,
            )
        raw = p.read_bytes()
    except FileNotFoundError:
        raise JixiaoError.single("E-FILE", "no such file", stage="load", file=name) from None
    except PermissionError:
        raise JixiaoError.single("E-FILE", "permission denied", stage="load", file=name) from None
    except OSError as exc:
        raise JixiaoError.single("E-FILE", exc.strerror or str(exc), stage="load", file=name) from None
    if not raw.strip():
        raise JixiaoError.single("E-EMPTY", "the file is empty", stage="load", file=name, line=1)
    text, encoding = decode(raw, name)
    return load_text(text, name, encoding)
