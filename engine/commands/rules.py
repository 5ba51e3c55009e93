"""`jixiao rules ...`: tools for the people who write the policy.

    lint PACK              every schema, compile and semantic problem, as file:line:col: code: message
    test PACK              run the rules' examples and the pack's test files: PASS/FAIL per test
    explain CODE           a rule's documentation: what, why, parameters, examples, citation, overrides
    diff OLD NEW           rules added, removed and changed; with --cases, every case under both packs
    doc PACK --output DIR  a Markdown page per rule, generated from the pack
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console

from .common import handle_errors, write_output
from ..errors import Problem, tr
from ..load import shown_path


def render_problem(problem: Problem) -> str:
    return replace(problem, file=shown_path(problem.file)).render()


@click.group("rules")
def rules() -> None:
    """Check, test, explain, compare and document rule packs."""


@rules.command("lint")
@click.argument("pack", type=click.Path(path_type=str))
@handle_errors
def lint_cmd(pack: str) -> None:
    """Check PACK (a rule pack folder) for schema, compile and semantic problems, all at once.

    Errors refuse the pack everywhere (score, batch, test, diff); warnings (rules that never
    match or never score, fractions compared with percentages, the editor line) are lint's own.
    Exit status: 0 clean, 1 problems found, 2 the pack cannot be read."""
    from ..lint import lint_pack

    report = lint_pack(pack)
    for problem in report.problems:
        click.echo(render_problem(problem))
    errors, warnings = len(report.errors), len(report.warnings)
    if not report.problems:
        summary = tr(f"{pack}：没有问题", f"{pack}: no problems")
    else:
        summary = tr(f"{pack}：{errors} 个错误，{warnings} 个警告", f"{pack}: {errors} error{'s' * (errors != 1)}, "
                     f"{warnings} warning{'s' * (warnings != 1)}")
        if errors:
            summary += tr("（有错误的规则包不能用于计分）", " (a pack with errors is refused by score, batch and test)")
    click.echo(summary, err=True)
    sys.exit(report.exit_code)


@rules.command("test")
@click.argument("pack", type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--own", is_flag=True, help="Only the pack's own rules' examples and its own tests/*.yaml "
              "(by default the inherited ones run too: the pack is tested as it will be used).")
@click.option("--inherited", is_flag=True, hidden=True)  # the default now; kept so old scripts still run
@click.option("--matcher", type=click.Choice(["durable", "python"]), default=None,
              help="Rule matcher (default: durable when importable, else python).")
@handle_errors
def test_cmd(pack: str, fmt: str, own: bool, inherited: bool, matcher: str | None) -> None:
    """Run the examples of PACK's rules and the tests in tests/*.yaml, those inherited from the
    packs it extends included (a child's test file replaces its parent's file of the same name).

    Prints PASS or FAIL per test, with what was expected and what came out, and a coverage line
    (rules without examples). Exit status: 0 all passed, 1 a test failed or no test ran, 2 the
    pack (any error `rules lint` reports) or a test file cannot be read."""
    import json

    from ..api import load_pack, matcher_for
    from ..packtest import coverage, run_pack_tests

    compiled = load_pack(pack)
    outcomes = run_pack_tests(compiled, matcher_for(compiled, matcher), own)
    covered = coverage(compiled, own)
    failed = [o for o in outcomes if not o.passed]
    if fmt == "json":
        click.echo(json.dumps({"pack": compiled.id, "version": compiled.version, "own_only": own,
                               "passed": len(outcomes) - len(failed), "failed": len(failed),
                               "coverage": {"rules": covered.rules, "without_examples": list(covered.without_examples)},
                               "tests": [{**o.to_dict(), "file": shown_path(o.file)} for o in outcomes]},
                              ensure_ascii=False, indent=2))
    else:
        for o in outcomes:
            status = click.style("PASS", fg="green") if o.passed else click.style("FAIL", fg="red", bold=True)
            click.echo(f"{status}  {o.id}  ({shown_path(o.file)}:{o.line})")
            for c in o.checks:
                if not c.passed:
                    click.echo(tr(f"      {c.what}\n        应为：{c.expected}\n        实为：{c.got}",
                                  f"      {c.what}\n        expected: {c.expected}\n        got:      {c.got}"))
        click.echo(covered.line())
        click.echo(tr(f"{len(outcomes) - len(failed)} 项通过，{len(failed)} 项失败",
                      f"{len(outcomes) - len(failed)} passed, {len(failed)} failed"))
    if not outcomes:
        click.echo(tr(f"没有运行任何测试：{pack} 没有规则例子，也没有 tests/*.yaml",
                      f"no test ran: {pack} has no rule examples and no tests/*.yaml"), err=True)
    sys.exit(1 if failed or not outcomes else 0)


def _case_files(folder: str) -> list[Path]:
    root = Path(folder)
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.yaml") if not any(part.startswith((".", "_")) for part in p.relative_to(root).parts))


def _scope(pack, case) -> str:
    """'' when `pack`'s applies_to admits the case (or the pack states none), else its scope in words."""
    from ..packselect import Candidate

    if not pack.applies_to:
        return ""
    candidate = Candidate(Path(pack.directory), pack.id, pack.version, pack.applies_to)
    return "" if candidate.admits(case.year, case.form, case.region, case.layout) is not None else candidate.scope()


def _impacts(old, new, folder: str, matcher: str | None):
    from ..api import load_case, matcher_for
    from ..errors import JixiaoError
    from ..packdiff import CaseImpact, case_impact
    from ..score import score_case

    out = []
    for path in _case_files(folder):
        name = shown_path(str(path))
        try:
            case = load_case(path)
            results = [score_case(case, pack, matcher_for(pack, matcher)) for pack in (old, new)]
        except JixiaoError as exc:
            out.append(CaseImpact(file=name, error=tr("无法计分：", "cannot be scored: ") + exc.problems[0].render()))
            continue
        out.append(case_impact(name, *results, outside=_scope(new, case)))
    return out


@rules.command("diff")
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str))
@click.option("--cases", "cases", type=click.Path(exists=True, path_type=str), default=None,
              help="Score every case file under this folder with both packs and show what changes.")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "csv", "json"]), default="table",
              show_default=True, help="table for reading (whole rows when piped), markdown, csv or json for tools.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write to this file instead of standard output.")
@click.option("--matcher", type=click.Choice(["durable", "python"]), default=None)
@handle_errors
def diff_cmd(old: str, new: str, cases: str | None, fmt: str, output: str | None, matcher: str | None) -> None:
    """Compare rule packs OLD and NEW: settings (weights, scale_rows, grades, parameters ...) and
    rules added, removed and changed (parameter by parameter); with --cases, every case's total
    and grade under both and what moved the points: each rule, and 分值折算 (rescaling) on its
    own. Cases outside NEW's applies_to are marked ※."""
    from ..api import load_pack
    from ..packdiff import diff_packs
    from ..report.diff import print_diff, render, render_as

    old_pack, new_pack = load_pack(old), load_pack(new)
    impacts = _impacts(old_pack, new_pack, cases, matcher) if cases else None
    diff = diff_packs(old_pack, new_pack)
    if fmt == "table" and not output:
        print_diff(diff, impacts, Console(highlight=False))
    else:
        write_output(render(diff, impacts) if fmt == "table" else render_as(fmt, diff, impacts), output)


def _repository_packs() -> dict:
    """Every pack under rules/ that compiles, by id (a broken one is skipped with a warning)."""
    from ..api import load_pack
    from ..errors import JixiaoError
    from ..rulepack import RULES_DIR, pack_folders

    packs = {}
    for folder in pack_folders(RULES_DIR):
        try:
            pack = load_pack(folder)
        except JixiaoError as exc:
            click.echo(f"warning: skipped {shown_path(str(folder))}: {exc.problems[0].render()}", err=True)
            continue
        packs[pack.id] = pack
    return packs


def _print_markdown(text: str) -> None:
    """A page on the terminal, laid out by rich; piped or redirected, its Markdown as written,
    whole lines whatever COLUMNS says (rich would fold every paragraph at the pipe's 80
    columns). Pack text is shown, never obeyed: control characters are escaped either way."""
    from rich.markdown import Markdown

    from ..report.terminal import printable

    console = Console(highlight=False)
    if console.is_terminal:
        console.print(Markdown(printable(text)))
    else:
        click.echo(printable(text).rstrip("\n"))


def _explain_problem_code(code: str) -> None:
    """`jixiao rules explain E-LINT-WEIGHTS`: the registry's title, cause and fix."""
    from ..errors import JixiaoError
    from ..problemcodes import REGISTRY, lookup, markdown
    from ..validate import closest

    entry = lookup(code)
    if entry is None:
        guess = closest(code, REGISTRY)
        raise JixiaoError.single("E-RULE-CODE", tr(f"没有问题代码 {code}", f"no problem code {code}"), stage="load",
                                 hint=tr(f"是不是 {guess}？", f"did you mean {guess}?") if guess
                                 else tr("问题代码见 docs/problem-codes.md", "see docs/problem-codes.md"))
    _print_markdown(markdown(entry))


@rules.command("explain")
@click.argument("code")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="The pack to read the rule from (default: the pack under rules/ that first defines it).")
@handle_errors
def explain_cmd(code: str, rules_dir: str | None) -> None:
    """Print the documentation of rule CODE: what it checks, why, its parameters, examples and
    citation, and which packs override it. A problem code (E-LINT-WEIGHTS, E-YAML-SYNTAX ...)
    prints its title, cause and fix. Piped, the page is printed as Markdown, in whole lines."""
    from ..api import load_pack
    from ..errors import JixiaoError
    from ..ruledoc import overrides_of, rule_markdown
    from ..validate import closest

    code = code.strip().upper()
    if code.startswith("E-"):
        _explain_problem_code(code)
        return
    packs = _repository_packs()
    if rules_dir:
        pack = load_pack(rules_dir)
        packs.setdefault(pack.id, pack)
    else:
        defining = [p for p in packs.values() if code in p._by_code and p.rule(code).pack_id == p.id]
        pack = min(defining, key=lambda p: (len(p.chain), p.id)) if defining else None
    if pack is None or code not in pack._by_code:
        known = sorted({r.code for p in ([pack] if pack else packs.values()) for r in p.rules})
        guess = closest(code, known)
        where = tr(f"规则包 {pack.id}", f"pack {pack.id}") if pack else tr("rules/ 下的任何规则包", "any pack under rules/")
        raise JixiaoError.single("E-RULE-CODE", tr(f"{where}中没有规则 {code}", f"no rule {code} in {where}"), stage="load",
                                 hint=tr(f"是不是 {guess}？", f"did you mean {guess}?") if guess
                                 else tr(f"规则编号：{'、'.join(known)}", f"rule codes: {', '.join(known)}"))
    _print_markdown(rule_markdown(pack, pack.rule(code), overrides_of(code, packs)))


@rules.command("doc")
@click.argument("pack", type=click.Path(path_type=str))
@click.option("--output", "-o", "output", type=click.Path(file_okay=False, path_type=str), required=True,
              help="Folder for the pages (created if missing).")
@handle_errors
def doc_cmd(pack: str, output: str) -> None:
    """Write PACK's rule catalog as Markdown: index.md, fields.md and one page per rule."""
    import re

    from ..api import load_pack
    from ..errors import JixiaoError
    from ..ruledoc import pack_pages

    pages = pack_pages(load_pack(pack))
    folder = Path(output)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("JX-*.md"):  # pages of rules the pack no longer has
            if stale.name not in pages and re.fullmatch(r"JX-[A-Z]+\d+[a-z]?\.md", stale.name):
                stale.unlink()
        for name, text in pages.items():
            (folder / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise JixiaoError.single("E-OUTPUT", exc.strerror or str(exc), stage="report", file=output) from None
    click.echo(tr(f"已写出 {len(pages)} 个页面到 {output}", f"wrote {len(pages)} pages to {output}"), err=True)
