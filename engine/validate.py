"""Validate stage: a loaded Document against a JSON Schema from `schemas/`.

Every violation becomes a Problem naming file, line, column and the field path, in the style of
python-jsonschema (what happened, where), with `best_match` picking the useful error out of
`oneOf`/`anyOf` noise. Validators are built once per schema and reused.

Fast path: jsonschema takes ~10–20 ms to walk a 12 KB case, more than parsing it, and ~50 ms to
import. Most documents are valid, so each schema is also compiled once, from the schema file
alone, into plain Python predicates (`fast_check`) for the keywords our schemas use (`oneOf`,
`not`, `propertyNames` of the rule-pack schema included); a document they accept is valid and
needs no more work, and jsonschema is not even imported. Anything they reject or cannot judge,
and any schema using a keyword they do not know, goes through jsonschema as before, so every
error message comes from jsonschema. The predicates must agree with jsonschema exactly (`not`
and `oneOf` invert a mistake): tests/test_validate_fast.py checks them against jsonschema on
mutated cases and rule-pack files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import JixiaoError, Problem, lang
from .load import Document

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


@lru_cache(maxsize=None)
def validator(schema_name: str) -> jsonschema.protocols.Validator:
    """jsonschema's validator for a schema: imported and built only to explain a document the
    fast path rejected (or could not judge), never on the way of a valid one."""
    import jsonschema

    schema = schema_of(schema_name)
    cls = jsonschema.validators.validator_for(schema)
    # No cls.check_schema(schema) here: the schemas ship with the code and are checked against
    # their meta-schema by tests/test_casefile.py (test_every_schema_is_valid); checking them on
    # every start cost ~40% of a cold `jixiao score`.
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _message(error: jsonschema.ValidationError) -> str:
    """The message, with the value it quotes cut to its first characters (a 300 000-character
    cell or a list of 1 000 items is not echoed whole)."""
    from .load import ECHO_LIMIT, shorten

    message = _full_message(error)
    shown = repr(error.instance)
    if len(shown) > ECHO_LIMIT and shown in message:
        message = message.replace(shown, shorten(shown), 1)
    return message


def _full_message(error: jsonschema.ValidationError) -> str:
    return _message_en(error) if lang() == "en" else _message_zh(error)


_TYPES_ZH = {"string": "文字", "number": "数", "integer": "整数", "object": "映射（键: 值）", "array": "列表",
             "boolean": "true/false", "null": "空值"}


def _types_zh(expected) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return "或".join(_TYPES_ZH.get(n, str(n)) for n in names)


def _shown(value) -> str:
    return str(value) if isinstance(value, Decimal) else repr(value)


@lru_cache(maxsize=None)  # compiled on first use (an error message), not at import
def _full_colon_key_pattern() -> re.Pattern:
    return re.compile(r"^\s*([A-Za-z_\u4e00-\u9fff][\w.\-\u4e00-\u9fff]*)\s*：")


def _full_colon_key(error: jsonschema.ValidationError) -> str:
    """The key of `key： value`, read as one string where a mapping was wanted (a full-width
    colon typed on a Chinese keyboard is not YAML's separator); "" when that is not the slip."""
    wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    found = _full_colon_key_pattern().match(error.instance) if "object" in wanted and isinstance(error.instance, str) else None
    return found.group(1) if found else ""


def _message_zh(error: jsonschema.ValidationError) -> str:
    """The schema violation in Chinese, naming the slip where there is one."""
    if error.validator == "additionalProperties":
        allowed = sorted((error.schema.get("properties") or {}).keys())
        extra = [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []
        names = "、".join(repr(k) for k in extra)
        msg = f"没有 {names} 这个字段"
        if extra and isinstance(extra[0], str):
            bare = extra[0].replace("\u3000", "").replace("：", "").strip()
            if bare != extra[0] and bare in allowed:
                return msg + f"：键名里有全角空格或全角冒号，应写成 {bare!r}"
            hint = closest(extra[0], allowed)
            if hint:
                msg += f"（是不是 {hint!r}？）"
        return msg
    if error.validator == "maxLength":
        return f"这段文字有 {len(error.instance)} 个字符，这里最多 {error.validator_value} 个"
    if error.validator == "required":
        missing = error.message.split(" is a required property")[0]
        return f"缺少必填字段 {missing}"
    if error.validator == "type" and error.instance is None:
        return f"这里必须填写（应为{_types_zh(error.validator_value)}）"
    if error.validator == "type":
        message = f"{_shown(error.instance)} 应为{_types_zh(error.validator_value)}"
        slip = _full_colon_key(error)
        if slip:
            message += f"：`{slip}：` 用了全角冒号“：”，YAML 只认半角冒号“:”，应写成 `{slip}: …`"
        if "string" in error.validator_value and isinstance(error.instance, (bool, int, Decimal)):
            message += "（没加引号时 YAML 把它读成数，或把 yes/no/on/off/true/false 读成真假值：把文字放在引号里）"
        return message
    if error.validator == "enum":
        return f"{_shown(error.instance)} 不是可用的值；可用的值：" + "、".join(str(v) for v in error.validator_value)
    if error.validator == "const":
        return f"{_shown(error.instance)} 应为 {error.validator_value!r}"
    if error.validator == "pattern":
        what = error.schema.get("description") or error.schema.get("title") or "写法"
        what = re.sub(r"\s*\([ -~]*\)\s*$", "", what)  # the descriptions end with their English in (...)
        return f"{_shown(error.instance)} 的写法不对：{what}"
    if error.validator in ("minimum", "exclusiveMinimum"):
        return f"{_shown(error.instance)} 太小：不能小于{'或等于' if error.validator == 'exclusiveMinimum' else ''} {error.validator_value}"
    if error.validator in ("maximum", "exclusiveMaximum"):
        return f"{_shown(error.instance)} 太大：不能大于{'或等于' if error.validator == 'exclusiveMaximum' else ''} {error.validator_value}"
    if error.validator == "minItems":
        return f"至少要有 {error.validator_value} 项"
    if error.validator == "maxItems":
        return f"最多 {error.validator_value} 项"
    if error.validator == "minLength":
        return "这里不能是空的" if error.validator_value == 1 else f"至少 {error.validator_value} 个字符"
    return "格式不符：" + _message_en(error)


def _message_en(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        allowed = sorted((error.schema.get("properties") or {}).keys())
        extra = [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []
        names = ", ".join(repr(k) for k in extra)
        hint = closest(extra[0], allowed) if extra else None
        msg = f"unknown field {names}"
        if hint:
            msg += f" (did you mean {hint!r}?)"
        return msg
    if error.validator == "maxLength":  # not the whole over-long text again
        return f"the text is {len(error.instance)} characters long; at most {error.validator_value} are allowed here"
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "pattern" and "x-message" in error.schema:
        return f"{error.instance!r} {error.schema['x-message']}"
    if error.validator == "type" and error.instance is None:
        return f"a value is required here (expected {error.validator_value})"
    message = error.message
    if error.validator == "pattern" and "title" in error.schema:
        # The regular expression says little to the person who typed the cell; its definition does.
        message = f"{error.instance!r} is not a valid {error.schema['title']}: {error.schema.get('description', '')}".rstrip(": ")
    if isinstance(error.instance, Decimal):  # say 2022.5, as written, not Decimal('2022.5')
        message = message.replace(repr(error.instance), str(error.instance), 1)
    if error.validator == "type" and "string" in error.validator_value and isinstance(error.instance, (bool, int, Decimal)):
        message += " (unquoted, YAML reads it as a number or, for yes/no/on/off/true/false, as true or false: put the text in quotes)"
    if error.validator == "type" and _full_colon_key(error):
        key = _full_colon_key(error)
        message += f": `{key}：` has a full-width colon; YAML reads only the ASCII ':' (write `{key}: …`)"
    return message


def closest(word: str, options) -> str | None:
    """The option a misspelt word most likely meant ("did you mean"), or None."""
    import difflib

    found = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return found[0] if found else None


_closest = closest


def _error_path(error: jsonschema.ValidationError) -> list:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = (error.schema.get("properties") or {}).keys()
        extra = [k for k in error.instance if k not in allowed]
        if extra:
            path.append(extra[0])
    return path


def schema_problems(doc: Document, schema_name: str, code: str = "E-SCHEMA") -> list[Problem]:
    fast = fast_check(schema_name)
    if fast is not None:
        try:
            if fast(doc.data):
                return []
        except _Unsure:
            pass
    from jsonschema.exceptions import best_match

    errors = list(validator(schema_name).iter_errors(doc.data))
    problems = []
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        if error.context:
            # best_match of the oneOf/anyOf error itself picks the deepest branch error (the one
            # that went furthest); of its context alone it would pick the shallowest.
            error = best_match([error]) or error
        path = _error_path(error)
        problems.append(doc.problem(code, _message(error), path))
    return problems


def validate(doc: Document, schema_name: str, code: str = "E-SCHEMA") -> None:
    """Raise JixiaoError listing every schema violation in `doc`."""
    problems = schema_problems(doc, schema_name, code)
    if problems:
        raise JixiaoError(problems)


# --------------------------------------------------------------------------- fast path

Check = Callable[[Any], bool]
_ANNOTATIONS = frozenset({"title", "description", "$schema", "$id", "$defs", "$comment", "examples", "default",
                          "x-message"})
_KEYWORDS = frozenset({"$ref", "type", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
                       "exclusiveMinimum", "exclusiveMaximum", "required", "properties", "additionalProperties",
                       "propertyNames", "minProperties", "items", "minItems", "maxItems", "if", "then", "else",
                       "not", "oneOf", "anyOf", "allOf"})
# The JSON Schema type of each Python type the loader produces. jsonschema's type checker says the
# same for these (bool is never a number or an integer; Decimal is a number, not an integer).
# Any other type (float, subclasses, ...) makes the predicate raise _Unsure, and jsonschema decides.
_TYPE_OF = {str: ("string",), dict: ("object",), list: ("array",), type(None): ("null",), bool: ("boolean",),
            int: ("integer", "number"), Decimal: ("number",)}


class _Unsupported(Exception):
    """The schema uses something the fast path does not implement: use jsonschema only."""


class _Unsure(Exception):
    """The document holds a value the fast path cannot judge exactly (a float, a subclass): ask
    jsonschema."""


@lru_cache(maxsize=None)
def schema_of(schema_name: str) -> dict:
    """The schema as shipped (parsed once per process, without importing jsonschema)."""
    return json.loads((SCHEMA_DIR / schema_name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def fast_check(schema_name: str) -> Check | None:
    """A predicate that is True exactly for the documents jsonschema finds valid against the
    schema and False exactly for those it rejects (it raises _Unsure for a value it cannot
    judge), or None when the schema uses a keyword the fast path does not implement. Built from
    the schema file alone: jsonschema is imported only to explain a document it rejects."""
    schema = schema_of(schema_name)
    try:
        return _FastCompiler(schema).compile(schema)
    except _Unsupported:
        return None


def _types_of(x) -> tuple[str, ...]:
    found = _TYPE_OF.get(type(x))
    if found is None:
        raise _Unsure(type(x).__name__)
    return found


class _FastCompiler:
    """Compiles a JSON Schema (draft 2020-12, the keywords in _KEYWORDS) into one predicate per
    subschema. Every predicate is exact in both directions (True = jsonschema finds no error,
    False = it finds one), because `not` and `oneOf` turn a wrong False into a wrong True;
    tests/test_validate_fast.py compares them with jsonschema on mutated documents."""

    def __init__(self, root: dict) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema) -> Check:
        if schema is True:
            return lambda x: True
        if schema is False:
            return lambda x: False
        if not isinstance(schema, dict) or set(schema) - _KEYWORDS - _ANNOTATIONS:
            raise _Unsupported(schema)
        checks: list[Check] = []
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"]))
        names = schema.get("type")
        if names == "string" and "pattern" in schema:  # the common "cell": one closure
            search = re.compile(schema["pattern"]).search
            checks.append(lambda x: isinstance(x, str) and search(x) is not None)
        else:
            if names is not None:
                checks.append(self._type(names))
            if "pattern" in schema:
                search = re.compile(schema["pattern"]).search
                checks.append(lambda x: not isinstance(x, str) or search(x) is not None)
        for key in ("const", "enum"):
            if key in schema:
                checks.append(self._constants([schema[key]] if key == "const" else schema[key]))
        if "minLength" in schema or "maxLength" in schema:
            low, high = schema.get("minLength", 0), schema.get("maxLength", float("inf"))
            checks.append(lambda x: not isinstance(x, str) or low <= len(x) <= high)
        if {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} & set(schema):
            checks.append(self._bounds(schema))
        if {"required", "properties", "additionalProperties", "propertyNames", "minProperties"} & set(schema):
            checks.append(self._object(schema))
        if {"items", "minItems", "maxItems"} & set(schema):
            checks.append(self._array(schema))
        if "if" in schema:
            checks.append(self._conditional(schema))
        if "not" in schema:
            inner = self.compile(schema["not"])
            checks.append(lambda x: not inner(x))
        if "allOf" in schema:
            parts = [self.compile(s) for s in schema["allOf"]]
            checks.append(lambda x: all(part(x) for part in parts))
        if "anyOf" in schema:
            parts = [self.compile(s) for s in schema["anyOf"]]
            checks.append(lambda x: any(part(x) for part in parts))
        if "oneOf" in schema:
            parts = [self.compile(s) for s in schema["oneOf"]]
            checks.append(lambda x: sum(1 for part in parts if part(x)) == 1)
        if not checks:
            return lambda x: True
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda x: first(x) and second(x)
        return lambda x: all(check(x) for check in checks)

    def _ref(self, ref: str) -> Check:
        """A reference inside the same schema (`#/$defs/cell`, `#/$defs/rule/properties/title`)."""
        target = self._resolve(ref)
        refs = self.refs
        if ref not in refs:
            refs[ref] = None  # type: ignore[assignment]  # being compiled: recursive uses go through refs
            refs[ref] = self.compile(target)
        if refs[ref] is None:
            return lambda x: refs[ref](x)
        return refs[ref]

    def _resolve(self, ref: str):
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise _Unsupported(ref)  # another document, or an anchor
        node = self.root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise _Unsupported(ref)
        return node

    @staticmethod
    def _constants(allowed: list) -> Check:
        """`const` / `enum` of strings and booleans (jsonschema's equality for numbers, lists and
        mappings has more cases than these need)."""
        if all(isinstance(a, str) for a in allowed):
            wanted = frozenset(allowed)
            return lambda x: isinstance(x, str) and x in wanted
        if all(isinstance(a, bool) for a in allowed):  # jsonschema: True equals only True, not 1
            flags = tuple(allowed)
            return lambda x: any(x is flag for flag in flags)
        raise _Unsupported("const")

    @staticmethod
    def _bounds(schema: dict) -> Check:
        low, high = schema.get("minimum"), schema.get("maximum")
        above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")

        def check(x) -> bool:
            if "number" not in _types_of(x):
                return True
            return ((low is None or not x < low) and (high is None or not x > high)
                    and (above is None or not x <= above) and (below is None or not x >= below))

        return check

    def _conditional(self, schema: dict) -> Check:
        """`if`/`then`/`else` (the case schema picks its version by `format`). The branch taken
        must be the one jsonschema takes, so only an `if` decided exactly is supported: string
        constants of required properties (`{"properties": {"format": {"const": "x"}},
        "required": ["format"]}`)."""
        cond = schema["if"]
        props = cond.get("properties", {}) if isinstance(cond, dict) else None
        if (not isinstance(cond, dict) or set(cond) - {"properties", "required"} or not props
                or set(cond.get("required", ())) != set(props)
                or any(set(p) != {"const"} or not isinstance(p["const"], str) for p in props.values())):
            raise _Unsupported("if")
        wanted = tuple((k, p["const"]) for k, p in props.items())
        then = self.compile(schema.get("then", True))
        other = self.compile(schema.get("else", True))

        def check(x) -> bool:
            if isinstance(x, dict) and all(k in x and isinstance(x[k], str) and x[k] == v for k, v in wanted):
                return then(x)
            if not isinstance(x, dict):
                return then(x)  # `properties` and `required` hold for anything that is not an object
            return other(x)

        return check

    @staticmethod
    def _type(names) -> Check:
        names = (names,) if isinstance(names, str) else tuple(names)
        exact = {"string": str, "object": dict, "array": list, "boolean": bool}
        if len(names) == 1 and names[0] in exact:
            cls = exact[names[0]]
            return lambda x: isinstance(x, cls)  # jsonschema's own test for these four
        wanted = frozenset(names)
        return lambda x: not wanted.isdisjoint(_types_of(x))

    def _object(self, schema: dict) -> Check:
        required = tuple(schema.get("required", ()))
        properties = {k: self.compile(v) for k, v in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        extra_check = None if extra in (True, False) else self.compile(extra)
        key_check = self.compile(schema["propertyNames"]) if "propertyNames" in schema else None
        least = schema.get("minProperties", 0)

        def check(x) -> bool:
            if not isinstance(x, dict):
                return True
            if len(x) < least:
                return False
            for key in required:
                if key not in x:
                    return False
            for key, value in x.items():
                if key_check is not None and not key_check(key):
                    return False
                sub = properties.get(key) if isinstance(key, str) else None
                if sub is not None:
                    if not sub(value):
                        return False
                elif extra is False:
                    return False
                elif extra_check is not None and not extra_check(value):
                    return False
            return True

        return check

    def _array(self, schema: dict) -> Check:
        item = self.compile(schema["items"]) if "items" in schema else None
        low, high = schema.get("minItems", 0), schema.get("maxItems", float("inf"))

        def check(x) -> bool:
            if not isinstance(x, list):
                return True
            if not low <= len(x) <= high:
                return False
            return item is None or all(item(v) for v in x)

        return check
