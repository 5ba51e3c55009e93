"""The loader's fast constructor (documents without anchors) must build exactly what PyYAML's
constructor builds, and refuse exactly what it refuses, with the same code, message and place.
The general path is forced by an "&" in a trailing comment."""

import pytest

from benchmarks.generate import case_text
from engine.errors import JixiaoError
from engine.load import load_text

from .conftest import ROOT, SEED


def _shape(value):
    """Data with every type spelled out, so 1 and Decimal('1') and True differ."""
    if isinstance(value, dict):
        return ("dict", [(_shape(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_shape(v) for v in value])
    return (type(value).__name__, value)


def _outcome(text: str):
    try:
        return _shape(load_text(text, "t.yaml").data)
    except JixiaoError as exc:
        return [(p.code, p.message, p.line, p.col) for p in exc.problems]


def _both(text: str):
    fast = _outcome(text)
    general = _outcome(text + "\n# & forces the general constructor\n")
    return fast, general


TEXTS = {
    "scalars": "a: 1\nb: 1.50\nc: -0.0\nd: yes\ne: off\nf: ~\ng: null\nh: 2022-12-27\ni: '7'\nj: \"x\"\nk: 0x1f\n"
               "l: 1_000\nm: 0o17\nn: 017\no: 1:30\np: .5\nq: 1e3\nr: 2001-12-14t21:59:43.10-05:00\ns: ''\n",
    "keys": "1: a\ntrue: b\nnull: c\n2.5: d\n0x1: e\n",
    "nested": "a:\n  - {x: 1, y: [1, 2, {z: null}]}\n  - - deep\n    - [1.0]\n",
    "block text": "t: |-\n  line 1\n  line 2\nf: >\n  folded\n  text\n",
    "merge key": "base: {a: 1}\nchild:\n  <<: {a: 2, b: 3}\n  c: 4\n",
    "value key": "=: x\n",
    "explicit str": "a: !!str 5\nb: !!int '7'\nc: !!float '2.5'\n",
    "binary tag": "a: !!binary aGVsbG8=\n",
    "set tag": "a: !!set {x: null}\n",
    "local tag": "a: !thing 5\n",
    "python tag": "a: !!python/object:os.system ls\n",
    "str tag on a map": "a: !!str {x: 1}\n",
    "map tag on a scalar": "a: !!map x\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "duplicate nested key": "x:\n  - {a: 1, a: 2}\n",
    "list key": "? [a, b]\n: 1\n",
    "map key": "? {a: 1}\n: 1\n",
    "nan": "a: .nan\n",
    "inf": "a: -.inf\n",
    "huge int": "a: 10000000000000001\n",
    "huge float": "a: 1.0e+20\n",
    "too deep": "a: " + "[" * 60 + "]" * 60 + "\n",
    "just deep enough": "a: " + "[" * 48 + "1" + "]" * 48 + "\n",
    "too deep mapping": "".join("  " * i + f"k{i}:\n" for i in range(55)) + "  " * 55 + "v\n",
    "empty document": "",
    "scalar document": "just text\n",
    "list document": "- 1\n- two\n",
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_fast_and_general_constructors_agree(name):
    fast, general = _both(TEXTS[name])
    assert fast == general


def test_the_fast_path_is_taken_and_refuses_on_its_own():
    import engine.load as load

    calls = []
    original = load._Loader._build

    def spy(self, node, depth):
        calls.append(depth)
        return original(self, node, depth)

    load._Loader._build = spy
    try:
        assert load_text("a: {b: [1]}\n", "t.yaml").data == {"a": {"b": [1]}}
        assert calls == [1, 2, 2, 3, 3, 4]
        calls.clear()
        with pytest.raises(JixiaoError) as exc:
            load_text("a: 1\na: 2\n", "t.yaml")
        assert calls == [1] and exc.value.problems[0].code == "E-YAML-DUPKEY"
        calls.clear()
        load_text("a: &x 1\nb: *x\n", "t.yaml")  # anchors: the general path only
        assert calls == []
    finally:
        load._Loader._build = original


@pytest.mark.parametrize("index", range(5))
def test_generated_cases_agree(index):
    fast, general = _both(case_text(11, index))
    assert fast == general and fast[0] == "dict"


def test_seed_case_agrees():
    fast, general = _both((ROOT / SEED).read_text(encoding="utf-8"))
    assert fast == general
