"""The schema fast path (engine.validate.fast_check) must agree with jsonschema: it may only
accept documents jsonschema accepts. Checked on the seed case, generated cases, and thousands of
random mutations of them."""

import copy
import random
from decimal import Decimal

import pytest

from benchmarks.generate import case_text
from engine.load import Document, load_file, load_text
from engine.validate import _FastCompiler, fast_check, schema_problems, validator

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


def mutate(rng: random.Random) -> dict:
    """A random document near a valid one: 1-3 values replaced, keys deleted or added, items
    appended, with values chosen to break types, patterns, required keys and list lengths."""
    data = copy.deepcopy(rng.choice(DOCS))
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
        assert fast_check(CASE)(data) == valid, data
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
    {"type": "object", "oneOf": [{"required": ["a"]}]},
    {"type": "string", "format": "date"},
    {"enum": [1, 2]},
    {"$ref": "https://example.com/x.json"},
    {"type": "object", "patternProperties": {"^x": {}}},
])
def test_schemas_with_other_keywords_are_left_to_jsonschema(schema):
    from engine.validate import _Unsupported

    with pytest.raises(_Unsupported):
        _FastCompiler(schema, validator(CASE).TYPE_CHECKER).compile(schema)


@pytest.mark.parametrize("schema, value, valid", [
    ({"type": "integer"}, 3.0, True),  # jsonschema: an integral float is an integer
    ({"type": "integer"}, Decimal("3"), False),
    ({"type": "number"}, True, False),
    ({"type": ["number", "null"]}, None, True),
    ({"type": "object", "properties": {"1": {"type": "string"}}, "additionalProperties": False}, {1: 5}, False),
    ({"minimum": 5}, "a", True),
    ({"pattern": "^a"}, 5, True),
    ({"type": "array", "minItems": 1, "items": {"type": "string"}}, ["a", 1], False),
])
def test_keyword_semantics_match_jsonschema(schema, value, valid):
    import jsonschema

    check = _FastCompiler(schema, validator(CASE).TYPE_CHECKER).compile(schema)
    assert jsonschema.Draft202012Validator(schema).is_valid(value) is valid
    assert check(value) is valid
