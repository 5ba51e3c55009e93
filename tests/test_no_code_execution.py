"""Nothing in a case or a pack is ever run as code.

- YAML: the engine source calls yaml.load in one place, with the loader derived from the safe
  loader; no eval, exec, compile, __import__, import_module (but the reporter registry's),
  pickle, marshal or subprocess anywhere; `!!python/...` tags in a case or a pack are refused,
  and the command they carry does not run.
- Formulas: each attack is a pack in the bad-input corpus that fails to load with exit 2 at the
  formula's file:line (run by tests/test_bad_inputs.py; listed here so none can be dropped). The
  formula language itself, construct by construct, is tested in tests/test_expr.py; message
  templates are filled by `{name}` substitution only (tests/test_score.py::
  test_message_templates_cannot_reach_attributes).
"""

from __future__ import annotations

import ast
import shutil

import pytest
import yaml
from click.testing import CliRunner

from engine import load
from engine.cli import main

from .conftest import NATIONAL, ROOT, SEED
from .test_bad_inputs import BAD, MESSAGE

ENGINE = ROOT / "engine"
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "subprocess"}
UNSAFE_YAML = {"unsafe_load", "unsafe_load_all", "full_load", "full_load_all", "load_all", "Loader",
               "FullLoader", "UnsafeLoader", "CLoader", "CFullLoader", "CUnsafeLoader", "UnsafeConstructor",
               "FullConstructor", "Constructor"}


def engine_sources():
    return sorted(ENGINE.rglob("*.py"))


@pytest.mark.parametrize("path", engine_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_source_has_no_code_execution(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, f"{path}:{node.lineno} calls {node.func.id}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "import_module":
            # engine/report/__init__.py imports the reporter of a format from its FORMATS tuple only
            assert path == ENGINE / "report" / "__init__.py", f"{path}:{node.lineno} imports a module by name"
        if path == ENGINE / "external.py":
            continue  # the one module that starts programs (fixed argv, no shell, a timeout): see its tests
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] not in FORBIDDEN_MODULES, f"{path}:{node.lineno} imports {alias.name}"
        if isinstance(node, ast.ImportFrom) and node.module:
            assert node.module.split(".")[0] not in FORBIDDEN_MODULES, f"{path}:{node.lineno} imports {node.module}"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "yaml":
            assert node.attr not in UNSAFE_YAML, f"{path}:{node.lineno} uses yaml.{node.attr}"


def test_yaml_load_is_called_once_with_the_safe_loader():
    calls = []
    for path in engine_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "load"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "yaml"):
                loader = {k.arg: k.value for k in node.keywords}.get("Loader")
                calls.append((path.name, loader.id if isinstance(loader, ast.Name) else None))
    assert calls == [("load.py", "_Loader")]
    assert issubclass(load._Loader, yaml.SafeLoader) or issubclass(load._Loader, yaml.CSafeLoader)
    assert not issubclass(load._Loader, (yaml.FullLoader, yaml.UnsafeLoader))


PAYLOADS = [
    '!!python/object/apply:os.system ["touch {sentinel}"]',
    '!!python/object/new:os.system ["touch {sentinel}"]',
    '!!python/object/apply:subprocess.check_call [["touch", "{sentinel}"]]',
    "!!python/name:os.system",
    "!!python/module:os",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_python_tag_in_a_case_is_refused_and_does_not_run(tmp_path, payload):
    sentinel = tmp_path / "ran"
    text = (ROOT / SEED).read_text(encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text(text.replace("unit: 株洲市渌口区工商业联合会\n", f"unit: {payload.format(sentinel=sentinel)}\n", 1),
                    encoding="utf-8")
    res = CliRunner().invoke(main, ["score", str(case)])
    assert res.exit_code == 2, res.output
    assert f"{case}:8:7: E-YAML-TAG: 不允许的标签" in res.output and "（字段：unit）" in res.output
    assert not sentinel.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_python_tag_in_a_pack_is_refused_and_does_not_run(tmp_path, payload):
    sentinel = tmp_path / "ran"
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / NATIONAL, pack)
    scoring = pack / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8")
    scoring.write_text(text.replace(
        "    citation: 财预〔2020〕10号 附件：预算执行率10分\n",
        f"    citation: {payload.format(sentinel=sentinel)}\n", 1), encoding="utf-8")
    res = CliRunner().invoke(main, ["score", str(ROOT / SEED), "--rules", str(pack)])
    assert res.exit_code == 2, res.output
    assert f"{scoring}:" in res.output and "E-YAML-TAG: 不允许的标签" in res.output
    assert not sentinel.exists()


# Each attack on the formula language, and the code it is refused with at load time.
FORMULA_ATTACKS = {
    "packs/formula-import": "E-EXPR-FORBIDDEN",  # __import__('os')
    "packs/formula-open": "E-EXPR-FORBIDDEN",  # open('/etc/passwd')
    "packs/formula-attribute": "E-EXPR-FORBIDDEN",  # weight.__class__
    "packs/formula-dunder-name": "E-EXPR-NAME",  # __builtins__
    "packs/formula-lambda": "E-EXPR-FORBIDDEN",
    "packs/formula-comprehension": "E-EXPR-FORBIDDEN",
    "packs/formula-subscript": "E-EXPR-FORBIDDEN",
    "packs/formula-string": "E-EXPR-FORBIDDEN",
    "packs/formula-power": "E-EXPR-FORBIDDEN",  # 9**9**9
    "packs/formula-unknown-name": "E-EXPR-NAME",
    "packs/formula-too-long": "E-EXPR-SIZE",
    "packs/formula-too-many-nodes": "E-EXPR-SIZE",
    "packs/formula-too-deep": "E-EXPR-DEPTH",
    "packs/formula-huge-literal": "E-EXPR-LITERAL",
}


@pytest.mark.parametrize("name, code", sorted(FORMULA_ATTACKS.items()))
def test_each_formula_attack_is_in_the_corpus_refused_at_its_line(name, code):
    (expected,) = [row[2] for row in BAD if row[0] == name]
    where = MESSAGE.match(expected)
    assert (where["file"], where["code"]) == (f"{name}/pack.yaml", code)
    assert int(where["line"]) > 0 and expected.endswith("(field: methods.proportional.formula)")


def test_external_runs_argv_without_a_shell_and_times_out(tmp_path):
    """engine/external.py, the one exception above: arguments are passed as a list (shell
    metacharacters stay text), and a program that outlives its timeout is killed and reported."""
    from engine import external

    marker = tmp_path / "pwned"
    ran = external.run([external.which("echo"), f"; touch {marker}"], timeout=10)
    assert ran.returncode == 0 and ran.stdout.decode().strip() == f"; touch {marker}" and not marker.exists()
    with pytest.raises(external.TimedOut):
        external.run([external.which("sleep"), "5"], timeout=0.2)
