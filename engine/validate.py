"""Validate stage: a loaded Document against a JSON Schema from `schemas/`.

Every violation becomes a Problem naming file, line, column and the field path, in the style of
python-jsonschema (what happened, where), with `best_match` picking the useful error out of
`oneOf`/`anyOf` noise. Validators are built once per schema and reused.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import jsonschema
from jsonschema.exceptions import best_match

from .errors import JixiaoError, Problem
from .load import Document

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


@lru_cache(maxsize=None)
def validator(schema_name: str) -> jsonschema.protocols.Validator:
    path = SCHEMA_DIR / schema_name
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _message(error: jsonschema.ValidationError) -> str:
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
