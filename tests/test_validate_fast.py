"""The schema fast path (engine.validate.fast_check) must agree with jsonschema exactly: True for
the documents jsonschema accepts, False for those it rejects (the rule-pack schema's `not` and
`oneOf` would turn a wrong False into a wrong True). Checked on the seed case, generated cases,
every rule-pack file under rules/, and thousands of random mutations of them."""

import copy
import random
from decimal import Decimal

import pytest

from benchmarks.generate import case_text
from engine.load import Document, load_file, load_text
from engine.validate import _FastCompiler, _Unsure, fast_check, schema_problems, validator

from .conftest import ROOT, SEED

CASE = "case.schema.json"


def _docs():
    return [load_file(ROOT / SEED).data] + [load_text(case_text(3, i), "g.yaml").data for i in range(3)]


DOCS = _docs()

ODD_VALUES = [None, True, False, 0, 1, -1, 2022, 3.0, 1.5, Decimal("1.5"), Decimal("2022"), "", "x", " x", "x ",
              "a\nb", "a\tb", "\u3000", "jixiao-case/1", "department", "project", [], [None], [""], {}, {"name": "x"},
              {"name": "x", "amount": None}, {"name": "x", "amount": Decimal(1)}, 10**16]


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _parent(data, path):
    for part in path[:-1]:
        data = data[part]
    return data


def mutate(rng: random.Random, docs=None) -> dict:
    """A random document near a valid one: 1-3 values replaced, keys deleted or added, items
    appended, with values chosen to break types, patterns, required keys and list lengths."""
    data = copy.deepcopy(rng.choice(docs or DOCS))
    for _ in range(rng.randint(1, 3)):
        path = rng.choice([p for p in _paths(data) if p])
        parent = _parent(data, path)
        action = rng.choice(["replace", "replace", "delete", "add", "append"])
        value = copy.deepcopy(rng.choice(ODD_VALUES))
        if action == "replace":
            parent[path[-1]] = value
        elif action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[rng.choice(["extra", "name", "amount", "weight", "label", 1])] = value
        elif isinstance(parent, list):
            parent.append(value)
    return data


def verdict(schema_name: str, data):
    """The fast path's answer, or None where it leaves the document to jsonschema (a float, which
    the loader never produces, somewhere in it)."""
    try:
        return fast_check(schema_name)(data)
    except _Unsure:
        assert "float" in repr(_types(data)), data
        return None


def _types(node):
    if isinstance(node, dict):
        return {type(k).__name__ for k in node} | set().union(*(_types(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_types(v) for v in node))
    return {type(node).__name__}


def test_fast_path_exists_for_the_case_schema():
    assert fast_check(CASE) is not None


@pytest.mark.parametrize("index", range(len(DOCS)))
def test_valid_documents_pass_both(index):
    assert validator(CASE).is_valid(DOCS[index])
    assert fast_check(CASE)(DOCS[index]) is True


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_agrees_with_jsonschema_on_mutations(seed):
    rng = random.Random(seed)
    verdicts = []
    for _ in range(100):
        data = mutate(rng)
        valid = validator(CASE).is_valid(data)
        assert verdict(CASE, data) in (valid, None), data
        verdicts.append(valid)
    assert 10 < verdicts.count(False) < 100  # both kinds were tried


def test_rejected_documents_still_get_jsonschema_messages(monkeypatch):
    data = copy.deepcopy(DOCS[0])
    data["self_evaluation"]["budget"]["weight"] = "ten"
    doc = Document(path="x.yaml", data=data, text="")
    assert [p.message for p in schema_problems(doc, CASE)] == ["'ten' 应为数或空值"]  # Chinese by default
    monkeypatch.setenv("JIXIAO_LANG", "en")
    problems = schema_problems(doc, CASE)
    assert [p.message for p in problems] == ["'ten' is not of type 'number', 'null'"]


@pytest.mark.parametrize("schema", [
    {"type": "object", "dependentRequired": {"a": ["b"]}},
    {"type": "string", "format": "date"},
    {"enum": [1, 2]},
    {"$ref": "https://example.com/x.json"},
    {"type": "object", "patternProperties": {"^x": {}}},
])
def test_schemas_with_other_keywords_are_left_to_jsonschema(schema):
    from engine.validate import _Unsupported

    with pytest.raises(_Unsupported):
        _FastCompiler(schema).compile(schema)


@pytest.mark.parametrize("schema, value, valid", [
    ({"type": "integer"}, Decimal("3"), False),
    ({"type": "integer"}, 3, True),
    ({"type": "integer"}, True, False),
    ({"type": "number"}, True, False),
    ({"type": ["number", "null"]}, None, True),
    ({"type": "object", "properties": {"1": {"type": "string"}}, "additionalProperties": False}, {1: 5}, False),
    ({"minimum": 5}, "a", True),
    ({"pattern": "^a"}, 5, True),
    ({"type": "array", "minItems": 1, "items": {"type": "string"}}, ["a", 1], False),
    ({"not": {"type": "string"}}, "a", False),
    ({"not": {"type": "string"}}, 1, True),
    ({"oneOf": [{"type": "string"}, {"minLength": 2}]}, "ab", False),  # both hold: not exactly one
    ({"oneOf": [{"type": "string"}, {"minLength": 2}]}, "a", True),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, None, False),
    ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, 5, True),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"ab": 1}, True),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"Ab": 1}, False),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, {1: 1}, True),  # a pattern holds for what is not a string
    ({"propertyNames": {"type": "string"}}, {1: 1}, False),
    ({"minProperties": 1}, {}, False),
    ({"minProperties": 1}, [], True),
    ({"exclusiveMinimum": 0}, Decimal(0), False),
    ({"exclusiveMinimum": 0}, Decimal("0.1"), True),
    ({"const": True}, True, True),
    ({"const": True}, 1, False),
    ({"type": "number"}, Decimal("1.5"), True),
])
def test_keyword_semantics_match_jsonschema(schema, value, valid):
    import jsonschema

    check = _FastCompiler(schema).compile(schema)
    assert jsonschema.Draft202012Validator(schema).is_valid(value) is valid
    assert check(value) is valid


def test_values_the_fast_path_cannot_judge_are_left_to_jsonschema():
    """A float (never produced by the loader) is judged by jsonschema, not guessed."""
    check = _FastCompiler({"type": "integer"}).compile({"type": "integer"})
    with pytest.raises(_Unsure):
        check(3.0)
    doc = Document(path="x.yaml", data={"a": 3.0}, text="")
    assert schema_problems(doc, CASE)  # the case schema rejects it, through jsonschema's message


# --------------------------------------------------------------------------- the rule-pack schema

PACK = "rulepack.schema.json"
PACK_DOCS = [load_file(path).data for path in sorted((ROOT / "rules").glob("*/*.yaml"))
             if not path.name.startswith("_")]


def test_fast_path_exists_for_every_schema():
    for name in ("case.schema.json", PACK, "result.schema.json", "packtest.schema.json"):
        assert fast_check(name) is not None, name


def test_every_shipped_pack_file_passes_both():
    assert len(PACK_DOCS) >= 8
    for data in PACK_DOCS:
        assert validator(PACK).is_valid(data)
        assert fast_check(PACK)(data) is True


PACK_ODD_VALUES = ODD_VALUES + [
    "JX-S01", "JX-X1", "jx-s01", ">=", "≥", "!=", "in", "between", "regex", "actual", "target", "indicator",
    "check", "document", "error", "warning", "info", {"field": "x", "op": ">=", "value": 1},
    {"all": []}, {"any": [{"field": "a", "op": "==", "value": 1}]}, {"not": {"field": "a", "op": "exists"}},
    {"param": "p"}, {"method": "ratio", "params": {}}, {"severity": "error"}, {"points": 1, "from": "output"},
    [Decimal("0.5"), 1], {"from": 2020, "to": 2025}, {"min": 0, "max": 100, "grade": "优"}]


def mutate_pack(rng: random.Random) -> dict:
    data = copy.deepcopy(rng.choice(PACK_DOCS))
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = rng.choice(paths)
        parent = _parent(data, path)
        action = rng.choice(["replace", "replace", "delete", "add", "append", "rename"])
        value = copy.deepcopy(rng.choice(PACK_ODD_VALUES))
        if action == "replace":
            parent[path[-1]] = value
        elif action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[rng.choice(["extra", "field", "op", "value", "all", "any", "not", "param", "severity", 1])] = value
        elif action == "rename" and isinstance(parent, dict):
            parent[rng.choice(["Bad Key", "a-b", "x1", "", "草案"])] = parent.pop(path[-1])
        elif isinstance(parent, list):
            parent.append(value)
    return data


@pytest.mark.parametrize("seed", range(6))
def test_fast_path_agrees_with_jsonschema_on_pack_mutations(seed):
    rng = random.Random(seed)
    verdicts = []
    for _ in range(300):
        data = mutate_pack(rng)
        valid = validator(PACK).is_valid(data)
        assert verdict(PACK, data) in (valid, None), data
        verdicts.append(valid)
    assert 10 < verdicts.count(False) < 300  # both kinds were tried


def test_rejected_pack_files_still_get_jsonschema_messages():
    data = copy.deepcopy(PACK_DOCS[0])
    data["rules"] = [{"code": "JX-X1"}]
    doc = Document(path="x.yaml", data=data, text="")
    problems = schema_problems(doc, PACK)
    assert problems and all(p.code == "E-SCHEMA" for p in problems)


def test_scoring_a_valid_case_does_not_import_jsonschema():
    """The point of the fast path: a valid case and a valid pack never import jsonschema (~50 ms
    of a cold start). Run in a fresh interpreter, as `jixiao score` is."""
    import subprocess
    import sys

    code = ("import sys; from engine.api import score_file; score_file(sys.argv[1]); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jsonschema'))")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / SEED)], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={**__import__("os").environ, "JIXIAO_CACHE": "off"})
    assert out.stdout.strip() == "[]", out.stdout
