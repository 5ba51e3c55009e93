"""The piped score table written without rich (engine/report/plaintable.py) is byte for byte what
rich prints; whatever it cannot be sure of goes to rich; and the piped `jixiao score` path does
not import rich at all.

The reference is rich itself, laid out as `jixiao score` does when standard output is not a
terminal (`Console(highlight=False)` on a stream that is not a tty, through `table.print_whole`).
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import case_text
from engine.api import load_case, load_pack, matcher_for, score_file
from engine.errors import JixiaoError
from engine.report import plaintable, table
from engine.report.plaintable import Column, Line, Styled, TableSpec
from engine.score import score_case

from .conftest import NATIONAL, ROOT, SEED

# Generated cases compared (benchmarks/generate.py, seed 19): rich takes ~60 ms of CPU to lay out
# one, the whole test stays under ~30 s; JIXIAO_PLAIN_CASES=1000 compares more.
GENERATED = int(os.environ.get("JIXIAO_PLAIN_CASES", "150"))
RICH_ENVIRONMENT = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR", "UNICODE_VERSION",
                    "JUPYTER_COLUMNS", "JUPYTER_LINES", "COLUMNS")


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch):
    """No variable that changes what rich writes: the comparison is of the ordinary piped case."""
    for name in RICH_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


class Piped(io.StringIO):
    """A stream like a pipe: not a tty, UTF-8."""

    encoding = "utf-8"


def rich_text(items: list) -> str:
    """What `jixiao score` prints through rich on a stream that is not a terminal."""
    from rich.console import Console

    stream = Piped()
    table.print_whole(table.to_rich(items), Console(file=stream, highlight=False))
    return stream.getvalue()


def plain_text(items: list) -> str | None:
    chunks = plaintable.render(items, table.PIPED_MAX_WIDTH)
    return None if chunks is None else "".join(chunks)


def assert_identical(items: list, name: str) -> None:
    plain = plain_text(items)
    assert plain is not None, f"{name}: the plain writer declined an ordinary report"
    reference = rich_text(items)
    if plain != reference:  # the first differing line, not two pages of table
        pairs = zip(plain.split("\n"), reference.split("\n"))
        line, (ours, theirs) = next((n, p) for n, p in enumerate(pairs, 1) if p[0] != p[1])
        pytest.fail(f"{name}: line {line} differs\nplain: {ours!r}\nrich:  {theirs!r}")


# --------------------------------------------------------------------------- identity on real data


def corpus_and_example_results():
    """(name, Result) of every corpus case (scored as tests/corpus/run.py does, with the pack its
    provenance names) and every example in cases/ that scores (a refusal has no table)."""
    import yaml

    results = []
    for case in sorted((ROOT / "tests" / "corpus").glob("*/case.yaml")):
        provenance = yaml.safe_load((case.parent / "provenance.yaml").read_text(encoding="utf-8")) or {}
        pack = provenance.get("pack")
        try:
            results.append((str(case.relative_to(ROOT)), score_file(case, ROOT / pack if pack else None)))
        except JixiaoError:
            continue
    for case in sorted((ROOT / "cases").glob("**/*.yaml")):
        for matcher in ("python", "durable"):
            try:
                results.append((f"{case.relative_to(ROOT)} ({matcher})", score_file(case, None, matcher)))
            except JixiaoError:
                continue
    return results


def test_every_corpus_case_and_example_prints_rich_bytes(in_root):
    results = corpus_and_example_results()
    assert len(results) >= 120  # 60-odd corpus cases, 35 examples with both matchers
    for name, result in results:
        assert_identical(table.describe(result), name)


def test_generated_cases_print_rich_bytes(tmp_path):
    pack = load_pack(ROOT / NATIONAL)
    matcher = matcher_for(pack, "python")
    for index in range(GENERATED):
        path = tmp_path / f"case-{index}.yaml"
        path.write_text(case_text(19, index), encoding="utf-8")
        assert_identical(table.describe(score_case(load_case(path), pack, matcher)), path.name)


def test_render_is_the_plain_text_and_render_rich_the_reference(in_root):
    result = score_file(SEED, NATIONAL, "python")
    assert table.render(result) == table.render_rich(result) == rich_text(table.describe(result))


# --------------------------------------------------------------------------- widths


def test_the_width_rule_agrees_with_rich_on_every_code_point():
    """Each code point the plain writer measures has rich's width; the rest it declines. The
    characters of Chinese filings are all measured (else the fast path would seldom be taken)."""
    from rich.cells import get_character_cell_size

    differ = [hex(code) for code in range(0x110000)
              if (width := plaintable.cell_width(chr(code))) is not None
              and width != get_character_cell_size(chr(code))]
    assert differ == []
    common = "行指标值（）：；、，。《》“”‘’…—–−×÷±≥≤≠％%０９Ａ①ⅠⅡ·℃㎡　ー한αβ¥€"
    assert [c for c in common if plaintable.cell_width(c) is None] == []
    from rich.cells import cell_len

    assert plaintable.cell_len("指标 ab（1）★") == cell_len("指标 ab（1）★") == 13


def test_unsure_characters_are_declined():
    for text in ("e\u0301", "a\u200db", "\u2764\ufe0f", "👍🏽", "\u1161", "\u4dc0", "\U0001f600", "\u2028", "\ue000",
                 "\t", "\x00", "\u0378"):
        assert plaintable.cell_len(text) is None, repr(text)


# --------------------------------------------------------------------------- fallback triggers


@pytest.fixture
def seed(in_root):
    return score_file(SEED, NATIONAL, "python")


def with_item(result, index: int, item: str):
    ledger = list(result.ledger)
    ledger[index] = dataclasses.replace(ledger[index], item=item)
    return dataclasses.replace(result, ledger=tuple(ledger) if isinstance(result.ledger, tuple) else ledger)


@pytest.mark.parametrize("item", [
    "甲\t乙",                     # a tab: rich expands it
    "甲\n乙",                     # a newline: two lines in the cell
    "e\u0301",                    # a combining mark
    "👍🏽",                       # an emoji with a modifier
    "\u1100\u1161",               # Hangul jamo (zero width in rich)
    "宽" * 600,                   # a table wider than PIPED_MAX_WIDTH: rich folds the cell
])
def test_a_cell_the_plain_writer_cannot_vouch_for_goes_to_rich(seed, item):
    result = with_item(seed, 3, item)
    items = table.describe(result)
    assert plain_text(items) is None
    assert table.render(result) == rich_text(items) == table.render_rich(result)
    assert plain_text(table.describe(seed)) is not None  # the seed itself is taken


@pytest.mark.parametrize("unit", ["单位\t甲", "单位\n甲", "单位\ud800"])
def test_a_control_character_in_a_line_goes_to_rich(seed, unit):
    result = dataclasses.replace(seed, unit=unit)
    items = table.describe(result)
    assert plain_text(items) is None
    assert table.render(result) == rich_text(items)


def small_table(title, cell) -> list:
    return [TableSpec(title, (Column("名称"), Column("分值", justify="right"))), Line([Styled("行")])]


@pytest.mark.parametrize("title, cell", [
    ("表", "[bold]1[/]"),          # a str cell: rich reads markup
    ("表", ":thumbs_up: 2"),       # a str cell: rich replaces emoji codes
    ("[red]表[/]", "1"),           # a str title: markup
    ("很长的标题" * 10, "1"),        # a title wider than its table: rich wraps it
])
def test_markup_and_wrapped_titles_go_to_rich(title, cell):
    items = small_table(title, cell)
    items[0].rows.append((Styled("甲"), cell))
    assert plain_text(items) is None
    rich_text(items)  # rich renders it (the fallback works)


def test_styled_markup_is_text_and_taken():
    items = small_table(Styled("[red]表[/]"), "1")
    items[0].rows.append((Styled("[bold]甲:smile:[/]"), Styled(" 1 ")))
    assert plain_text(items) == rich_text(items)
    assert "[bold]甲:smile:[/]" in plain_text(items)


def test_unicode_version_makes_the_plain_writer_decline(seed, monkeypatch):
    monkeypatch.setenv("UNICODE_VERSION", "9.0.0")
    assert plain_text(table.describe(seed)) is None


def test_what_changes_nothing_piped_is_taken(seed, monkeypatch):
    """NO_COLOR, TTY_INTERACTIVE and COLUMNS change nothing rich writes to a file: the plain
    writer is still used, and rich's output with them set is the same."""
    items = table.describe(seed)
    plain = plain_text(items)
    for name, value in (("NO_COLOR", "1"), ("TTY_INTERACTIVE", "1"), ("COLUMNS", "40")):
        monkeypatch.setenv(name, value)
        assert plaintable.plain_stream(Piped())
        assert rich_text(items) == plain, name


@pytest.mark.parametrize("name, value", [("FORCE_COLOR", "1"), ("FORCE_COLOR", ""), ("TTY_COMPATIBLE", "1"),
                                         ("TTY_COMPATIBLE", "0"), ("UNICODE_VERSION", "15.0.0"),
                                         ("JUPYTER_COLUMNS", "100")])
def test_rich_environment_variables_send_the_output_to_rich(seed, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    assert not plaintable.plain_stream(Piped())
    stream = Piped()
    monkeypatch.setattr(sys, "stdout", stream)
    table.print_result(seed)  # through rich, as Console(highlight=False) on this stream
    from rich.console import Console

    reference = Piped()
    table.print_whole(table.tables(seed), Console(file=reference, highlight=False))
    assert stream.getvalue() == reference.getvalue()
    if (name, value) == ("FORCE_COLOR", "1"):
        assert "\x1b[" in stream.getvalue()  # rich takes the stream for a terminal: colours


def test_streams_rich_takes_for_a_terminal_or_cannot_encode_are_not_plain():
    master, slave = os.openpty()
    try:
        with open(slave, "w", encoding="utf-8", closefd=False) as tty:
            assert not plaintable.plain_stream(tty)
    finally:
        os.close(master)
        os.close(slave)
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    assert not plaintable.plain_stream(latin)  # rich would draw an ASCII box
    closed = Piped()
    closed.close()
    assert not plaintable.plain_stream(closed)
    assert not plaintable.plain_stream(object())  # no isatty
    assert plaintable.plain_stream(Piped())


def test_column_options_are_those_rich_was_given():
    assert Column("行", justify="right", no_wrap=True).rich_options() == {"justify": "right", "no_wrap": True}
    assert Column("说明", overflow="fold", min_width=20, ratio=1).rich_options() == {
        "overflow": "fold", "min_width": 20, "ratio": 1}
    assert Column("").rich_options() == {}


# --------------------------------------------------------------------------- the piped command


DRIVER = """
import sys
from engine.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
loaded = sorted(m for m in sys.modules if m == "rich" or m.startswith("rich."))
print("RICH-MODULES", code, loaded, file=sys.stderr)
"""


def run_piped(*args, env=None):
    environ = {k: v for k, v in os.environ.items() if k not in RICH_ENVIRONMENT}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-c", DRIVER, *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", env=environ, timeout=120)


def test_piped_score_does_not_import_rich_and_prints_rich_bytes(in_root):
    done = run_piped("score", SEED)
    assert "RICH-MODULES 0 []" in done.stderr, done.stderr[-2000:]
    assert "选用规则包" in done.stderr  # the announce line, written without rich
    assert done.stdout == table.render_rich(score_file(SEED, None))


def test_strict_message_does_not_import_rich(in_root):
    case = "cases/examples/v2-unreadable.yaml"
    done = run_piped("score", case, "--strict")
    assert "RICH-MODULES 1 []" in done.stderr, done.stderr[-2000:]
    assert "结果为暂定（" in done.stderr and "--strict：退出码 1" in done.stderr
    assert done.stdout == table.render_rich(score_file(case, None))


def test_a_declined_report_is_printed_by_rich(in_root, tmp_path):
    text = (ROOT / SEED).read_text(encoding="utf-8").replace("营造我区良好的营商环境", json.dumps("营造\t营商环境"))
    case = tmp_path / "tab.yaml"
    case.write_text(text, encoding="utf-8")
    done = run_piped("score", str(case), "--rules", NATIONAL)
    assert "RICH-MODULES 0 ['rich'" in done.stderr, done.stderr[-2000:]
    assert done.stdout == table.render_rich(score_file(case, NATIONAL))


def test_a_closed_pipe_ends_quietly_with_exit_1(in_root):
    """As rich's Console does (on_broken_pipe): exit 1, no traceback."""
    for env in ({}, {"FORCE_COLOR": "1"}):  # the plain writer; rich
        environ = {k: v for k, v in os.environ.items() if k not in RICH_ENVIRONMENT}
        environ.update(env)
        process = subprocess.Popen([sys.executable, "-m", "engine.cli", "score", SEED, "--rules", NATIONAL],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ)
        process.stdout.close()  # before the child writes anything
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=120) == 1 and "Traceback" not in stderr, (env, stderr)


def test_a_bad_case_is_reported_without_rich_as_rich_prints_it(tmp_path):
    """handle_errors' lines ("error: FILE:LINE:COL: ...") on a piped standard error: the same
    bytes as err_console() prints, without importing rich."""
    from rich.console import Console
    from rich.text import Text

    from engine.report.terminal import printable

    case = tmp_path / "bad.yaml"
    text = (ROOT / SEED).read_text(encoding="utf-8")
    case.write_text(text.replace("form: department\n", 'form: department\n"[/][bold]\\e[2J": 1\n', 1),
                    encoding="utf-8")
    done = run_piped("score", str(case))
    assert "RICH-MODULES 2 []" in done.stderr, done.stderr[-2000:]
    with pytest.raises(JixiaoError) as raised:
        score_file(case, None)
    reference = Piped()
    console = Console(file=reference, highlight=False, soft_wrap=True)
    for problem in raised.value.problems:
        console.print(Text.assemble(("error", "bold red"), ": ", printable(problem.render())), highlight=False)
    assert reference.getvalue().count("error: ") >= 1 and "\\x1b[2J" in reference.getvalue()
    assert done.stderr.split("RICH-MODULES")[0] == reference.getvalue()


def test_an_error_line_with_a_tab_goes_to_rich(monkeypatch):
    from engine.commands.common import print_error

    stream = Piped()
    monkeypatch.setattr(sys, "stderr", stream)
    print_error("error", ": 甲\t乙")
    from rich.console import Console
    from rich.text import Text

    reference = Piped()
    Console(file=reference, highlight=False, soft_wrap=True).print(Text.assemble(("error", "bold red"), ": 甲\t乙"))
    assert stream.getvalue() == reference.getvalue() != "error: 甲\t乙\n"  # rich expands the tab
