"""The `jixiao` command: outputs, exit codes, and errors naming file:line:field."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from engine.cli import main

from .conftest import NATIONAL, ROOT, SEED


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_score_json_to_file(in_root, tmp_path):
    out = tmp_path / "r.json"
    res = run("score", SEED, "--format", "json", "--output", str(out), "--matcher", "python")
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["total"]["score"] == "99.26" and data["engine"]["matcher"] == "python"


def test_score_table_shows_totals(in_root):
    res = run("score", SEED, "--matcher", "python")
    assert res.exit_code == 0
    assert "99.26" in res.output and "93" in res.output and "JX-S02" in res.output


def test_default_rules_and_matcher(in_root):
    from engine.match import durable_available

    res = run("score", SEED, "--format", "json")
    assert res.exit_code == 0
    expected = "durable" if durable_available() else "python"
    assert json.loads(res.stdout)["engine"]["matcher"] == expected
    assert "选用规则包 national-2020" in res.stderr




def _seed_with(replace_from, replace_to, tmp_path, name="bad.yaml"):
    text = (ROOT / SEED).read_text(encoding="utf-8")
    assert replace_from in text
    path = tmp_path / name
    path.write_text(text.replace(replace_from, replace_to, 1), encoding="utf-8")
    return path, text.splitlines().index(next(l for l in text.splitlines() if replace_from in l)) + 1


@pytest.mark.parametrize(
    "replace_from, replace_to, code, field",
    [
        ("weight: 2.5, score: 2.5", 'weight: "两分半", score: 2.5', "E-SCHEMA", "weight"),
        ("{name: 人员保障, target: 7人, actual: 7人", "{nmae: 人员保障, target: 7人, actual: 7人", "E-SCHEMA", "nmae"),
        ("year: 2022", "year: 2022\nyear: 2023", "E-YAML-DUPKEY", None),
    ],
)
def test_bad_case_exits_2_with_file_line_field(in_root, tmp_path, replace_from, replace_to, code, field):
    path, line = _seed_with(replace_from, replace_to, tmp_path)
    res = CliRunner().invoke(main, ["score", str(path), "--matcher", "python"])
    assert res.exit_code == 2
    message = res.output
    assert f"{path}:" in message and code in message
    if code == "E-YAML-DUPKEY":
        assert f"{path}:{line + 1}:" in message
    else:
        assert f"{path}:{line}:" in message
        assert field in message
    assert "Traceback" not in message


def test_missing_case_file(in_root):
    res = CliRunner().invoke(main, ["score", "nope.yaml"])
    assert res.exit_code == 2 and "nope.yaml" in res.output and "E-FILE" in res.output


def test_bad_pack_exits_2_with_file_line(in_root, tmp_path):
    pack = tmp_path / "broken"
    pack.mkdir()
    (pack / "pack.yaml").write_text((ROOT / NATIONAL / "pack.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    rules = (ROOT / NATIONAL / "scoring.yaml").read_text(encoding="utf-8").replace("method: proportional", "method: proportionl")
    (pack / "scoring.yaml").write_text(rules, encoding="utf-8")
    line = rules.splitlines().index("    score: {method: proportionl}") + 1
    res = CliRunner().invoke(main, ["score", SEED, "--rules", str(pack), "--matcher", "python"])
    assert res.exit_code == 2
    assert f"scoring.yaml:{line}:" in res.output and "proportionl" in res.output


def test_console_script_never_prints_a_traceback(in_root, tmp_path):
    bad = tmp_path / "bin.yaml"
    bad.write_bytes(b"\x00\x01\x02garbage")
    proc = subprocess.run([sys.executable, "-m", "engine.cli", "score", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "E-ENCODING" in proc.stderr and "Traceback" not in proc.stderr
