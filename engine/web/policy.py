"""Policy staff's pages: packs and their rules; a form to change parameters, section weights,
grade bands and word lists that is checked by the same compiler as `jixiao rules lint` while it is
typed; the impact on the stored filings before saving; saving writes a child pack (`extends:` the
pack edited, only the changes, with a version) as YAML and runs its tests.

Packs are read from the repository's rules/ and from DATA/packs/ (where the page saves); a saved
pack is an ordinary pack folder: `jixiao rules lint DATA/packs/ID` accepts it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from flask import Flask, abort, flash, g, jsonify, redirect, render_template, request, url_for

from ..errors import JixiaoError
from ..packselect import RULES_DIR
from .app import needs, state

SCHEMAS = Path(__file__).resolve().parent.parent.parent / "schemas"
PACK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,60}$")


def pack_dirs(app: Flask) -> dict[str, Path]:
    """Every pack folder the workbench can use, by id (folder name)."""
    found = {}
    for root in (RULES_DIR, state(app)["data"] / "packs"):
        if root.is_dir():
            for folder in sorted(root.iterdir()):
                if (folder / "pack.yaml").is_file() and not folder.name.startswith((".", "_")):
                    found[folder.name] = folder
    return found


def _load(folder: Path):
    from ..api import load_pack

    return load_pack(folder)


def _word_lists(vocabulary: dict) -> dict[str, list[str]]:
    """The pack's word lists, flattened: "missing_reason", "qualitative_bands.达成" …"""
    lists = {}
    for key, value in vocabulary.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            lists[key] = value
        elif isinstance(value, dict):
            for sub, words in value.items():
                if isinstance(words, list) and all(isinstance(v, str) for v in words):
                    lists[f"{key}.{sub}"] = words
    return lists


def _number(text: str, label: str, errors: dict, field: str):
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        errors[field] = f"{label}应填数字，“{text}”不是数字"
        return None
    return int(value) if value == value.to_integral_value() and "." not in text else value


def child_settings(parent, form) -> tuple[dict, dict[str, str], list[str]]:
    """The child pack's settings from the submitted form: only what differs from `parent`; the
    form's errors by field; and the changes in words (for the audit log)."""
    errors: dict[str, str] = {}
    changes: list[str] = []
    new_id = form.get("id", "").strip()
    if not PACK_ID.match(new_id):
        errors["id"] = "规则包编号只能用小写字母、数字和连字符，如 hunan-2025"
    elif new_id == parent.id:
        errors["id"] = "新规则包的编号不能与所编辑的规则包相同"
    version = form.get("version", "").strip() or "1"
    settings: dict = {"pack": {"id": new_id, "title": form.get("title", "").strip() or f"{parent.title}（修改）",
                               "version": version, "extends": parent.id,
                               "citation": form.get("citation", "").strip() or parent.citation}}
    params = {}
    for name, old in parent.params.items():
        text = form.get(f"param.{name}", "")
        if text.strip() == "":
            continue
        value = _number(text, f"参数 {name} ", errors, f"param.{name}")
        if value is not None and Decimal(value) != old:
            params[name] = value
            changes.append(f"参数 {name}：{old} → {value}")
    if params:
        settings["params"] = params
    sections, changed = [], False
    for s in parent.sections:
        text = form.get(f"section.{s.key}", "")
        value = _number(text, f"{s.title}分值", errors, f"section.{s.key}") if text.strip() else s.weight
        if value is not None and Decimal(value) != s.weight:
            changed = True
            changes.append(f"{s.title}分值：{s.weight} → {value}")
        entry = {"key": s.key, "title": s.title, "weight": value if value is not None else s.weight,
                 "level1": list(s.level1)}
        if s.scale_rows or (value is not None and Decimal(value) != s.weight and form.get("rescale")):
            entry["scale_rows"] = True
        sections.append(entry)
    if changed:
        settings["sections"] = sections
    grades, changed = [], False
    for band in parent.grades:
        low = form.get(f"grade.{band.grade}.min", "")
        high = form.get(f"grade.{band.grade}.max", "")
        lo = _number(low, f"等级 {band.grade} 下限", errors, f"grade.{band.grade}.min") if low.strip() else band.min
        hi = _number(high, f"等级 {band.grade} 上限", errors, f"grade.{band.grade}.max") if high.strip() else band.max
        if lo is not None and hi is not None and (Decimal(lo) != band.min or Decimal(hi) != band.max):
            changed = True
            changes.append(f"等级 {band.grade}：[{band.min}, {band.max}] → [{lo}, {hi}]")
        grades.append({"grade": band.grade, "min": lo if lo is not None else band.min, "max": hi if hi is not None else band.max})
    if changed:
        settings["grades"] = grades
    vocabulary: dict = {}
    for key, words in _word_lists(parent.vocabulary).items():
        text = form.get(f"words.{key}")
        if text is None:
            continue
        new = [w.strip() for w in text.splitlines() if w.strip()]
        if new != words:
            changes.append(f"词表 {key}：{len(words)} 个词 → {len(new)} 个词")
            if "." in key:
                top, sub = key.split(".", 1)
                vocabulary.setdefault(top, dict(parent.vocabulary.get(top) or {}))[sub] = new
            else:
                vocabulary[key] = new
    if vocabulary:
        settings["vocabulary"] = vocabulary
    return settings, errors, changes


def write_pack(folder: Path, settings: dict, note: str) -> None:
    """Write a child pack folder: pack.yaml with the schema modeline and a header comment."""
    folder.mkdir(parents=True, exist_ok=True)
    modeline = Path(os.path.relpath(SCHEMAS / "rulepack.schema.json", folder)).as_posix()
    body = yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=100)
    (folder / "pack.yaml").write_text(
        f"# yaml-language-server: $schema={modeline}\n# {note}\n{body}", encoding="utf-8")


def _decimal_representer(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


yaml.SafeDumper.add_representer(Decimal, _decimal_representer)


@contextlib.contextmanager
def draft(app: Flask, settings: dict):
    """The child pack written to a hidden folder among the saved packs (so `extends` finds its
    parent as it will when saved), removed afterwards."""
    root = state(app)["data"] / "packs"
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="_draft-", dir=root))
    try:
        write_pack(folder, settings, "草稿")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check(app: Flask, settings: dict) -> tuple[list[str], object]:
    """Compile and lint the child pack: the same checks as `jixiao rules lint`. Returns the
    error-level problems in words and the compiled pack (None when it does not compile)."""
    from ..lint import lint_pack

    with draft(app, settings) as folder:
        report = lint_pack(folder)
        problems = [f"{p.message}" + (f"（{p.hint}）" if p.hint else "") for p in report.problems
                    if getattr(p, "severity", "error") == "error"]
        pack = None
        if not problems:
            try:
                pack = _load(folder)
            except JixiaoError as exc:
                problems += [p.message for p in exc.problems]
        return problems, pack


def register(app: Flask) -> None:
    @app.route("/packs")
    @needs("read")
    def packs():
        rows = []
        for name, folder in pack_dirs(app).items():
            try:
                pack = _load(folder)
                rows.append((name, pack, None))
            except JixiaoError as exc:
                rows.append((name, None, "；".join(p.message for p in exc.problems)))
        return render_template("packs.html", rows=rows)

    def _pack(pack_id: str):
        folder = pack_dirs(app).get(pack_id)
        if folder is None:
            abort(404)
        return folder, _load(folder)

    @app.route("/packs/<pack_id>")
    @needs("read")
    def pack(pack_id: str):
        folder, compiled = _pack(pack_id)
        return render_template("pack.html", pack=compiled, folder=folder)

    @app.route("/packs/<pack_id>/rules/<code>")
    @needs("read")
    def rule(pack_id: str, code: str):
        _, compiled = _pack(pack_id)
        try:
            found = compiled.rule(code)
        except KeyError:
            abort(404)
        return render_template("rule.html", pack=compiled, rule=found)

    def _form_context(compiled, form=None, errors=None, problems=None, changes=None, impact=None):
        return {"pack": compiled, "form": form or {}, "errors": errors or {}, "problems": problems or [],
                "changes": changes or [], "impact": impact, "lists": _word_lists(compiled.vocabulary)}

    @app.route("/packs/<pack_id>/edit", methods=["GET"])
    @needs("policy")
    def edit(pack_id: str):
        _, compiled = _pack(pack_id)
        today = datetime.date.today()
        form = {"id": f"{compiled.id}-{today.year}", "version": f"{today:%Y.%m}", "title": f"{compiled.title}（{today.year} 修订）"}
        return render_template("pack_edit.html", **_form_context(compiled, form))

    @app.route("/packs/<pack_id>/check", methods=["POST"])
    @needs("policy")
    def check_form(pack_id: str):
        """The form as typed: errors by field and the compiler's problems, as JSON (the page's
        script shows them beside the fields)."""
        folder, compiled = _pack(pack_id)
        settings, errors, changes = child_settings(compiled, request.form)
        problems = [] if errors else check(app, settings)[0]
        return jsonify({"errors": errors, "problems": problems, "changes": changes})

    @app.route("/packs/<pack_id>/edit", methods=["POST"])
    @needs("policy")
    def preview_or_save(pack_id: str):
        folder, compiled = _pack(pack_id)
        settings, errors, changes = child_settings(compiled, request.form)
        problems, child = ([], None) if errors else check(app, settings)
        if errors or problems or child is None:
            return render_template("pack_edit.html", **_form_context(compiled, request.form, errors, problems, changes)), 422
        if not changes:
            return render_template("pack_edit.html", **_form_context(compiled, request.form, {}, ["没有任何修改。"], changes)), 422
        if request.form.get("do") != "save":
            job = _start_impact(app, compiled, settings, folder, request.form.to_dict(), changes)
            return redirect(url_for("impact", pack_id=pack_id, job=job))
        target = state(app)["data"] / "packs" / settings["pack"]["id"]
        if target.exists() or settings["pack"]["id"] in pack_dirs(app):
            errors = {"id": "已有同名的规则包，请换一个编号"}
            return render_template("pack_edit.html", **_form_context(compiled, request.form, errors, [], changes)), 422
        note = f"由 jixiao 工作台保存：{g.user.name}，{datetime.datetime.now():%Y-%m-%d %H:%M}；只写与 {compiled.id} 不同之处。"
        write_pack(target, settings, note)
        outcome = run_tests(target)
        state(app)["store"].log(g.user.name, "保存规则包", f"{settings['pack']['id']}（extends {compiled.id}）：" + "；".join(changes))
        flash(f"已保存规则包 {settings['pack']['id']}：{outcome}")
        return redirect(url_for("pack", pack_id=settings["pack"]["id"]))

    @app.route("/packs/<pack_id>/impact/<job>")
    @needs("policy")
    def impact(pack_id: str, job: str):
        run = state(app)["impacts"].get(job)
        if run is None or run["pack"] != pack_id:
            abort(404)
        _, compiled = _pack(pack_id)
        if not run["finished"]:
            return render_template("impact_progress.html", run=run)
        if run["error"]:
            return render_template("pack_edit.html", **_form_context(compiled, run["form"], {}, [run["error"]], run["changes"])), 500
        return render_template("pack_edit.html", **_form_context(compiled, run["form"], {}, [], run["changes"], run["impact"]))


def _start_impact(app: Flask, compiled, settings: dict, folder: Path, form: dict, changes: list[str]) -> str:
    impacts = state(app)["impacts"]
    job = secrets.token_urlsafe(8)
    run = {"pack": folder.name, "form": form, "changes": changes, "done": 0, "total": len(state(app)["store"].filings()),
           "finished": False, "error": "", "impact": None}
    impacts[job] = run

    def progress(done: int, total: int) -> None:
        run["done"], run["total"] = done, total

    def work():
        try:
            run["impact"] = impact_of(app, settings, folder, progress)
        except Exception as exc:  # noqa: BLE001 - shown on the page; the server goes on
            run["error"] = f"预览失败：{type(exc).__name__}: {exc}"
        finally:
            run["finished"] = True

    threading.Thread(target=work, name=f"impact-{job}", daemon=True).start()
    return job


def run_tests(folder: Path) -> str:
    from ..api import load_pack, matcher_for
    from ..packtest import run_pack_tests

    pack = load_pack(folder)
    outcomes = run_pack_tests(pack, matcher_for(pack, "python"), True)
    failed = [o for o in outcomes if not o.passed]
    return f"测试 {len(outcomes)} 项，通过 {len(outcomes) - len(failed)} 项，未通过 {len(failed)} 项"


# ------------------------------------------------------------------ impact preview


def _scoring_fingerprint(rule, pack) -> tuple:
    """What of a rule sets the points it gives or takes, with its parameters resolved to
    numbers: its method's formula, the method's and the rule's parameters, a review outcome,
    a deduction."""
    from ..rulepack import resolve_param

    score = None
    if rule.score is not None:
        method = pack.methods.get(rule.score.get("method"))
        params = {**(method.params if method else {}), **(rule.score.get("params") or {})}
        score = (rule.score.get("method"), rule.score.get("outcome"), method.formula.source if method else None,
                 tuple(sorted((name, resolve_param(value, pack.params)) for name, value in params.items())))
    deduct = None
    if rule.deduct:
        deduct = tuple(sorted((k, resolve_param(v, pack.params) if k == "points" else v) for k, v in rule.deduct.items()))
    return score, deduct


def _counts(rule) -> bool:
    """Whether a rule can move a total: it scores facts or takes points (a check's `deduct`). A
    rule that only reports findings changes the letter, never a total or a grade."""
    return rule.score is not None or bool(rule.deduct)


def rules_changed(old, new) -> frozenset[str] | None:
    """The rules whose points differ between the edited pack and the draft, when the draft
    changes nothing else that moves a total; None when it changes how a filing is read
    (sections, total, places, vocabulary) or which rules that count match (their conditions,
    kinds, priorities, order, a rule that counts added or removed): then every filing is scored
    again. Grade bands are not a reason: a grade is read off the total (`score._grade`); nor are
    the rules that only report findings (a check's tolerance): they move no total."""
    if (old.sections, old.total, old.places, old.vocabulary) != (new.sections, new.total, new.places, new.vocabulary):
        return None
    shape = lambda pack: [(r.code, r.applies_to, r.priority, r.when, r.score is None, bool(r.deduct))  # noqa: E731
                          for r in pack.rules if _counts(r)]
    if shape(old) != shape(new):
        return None
    counting = [r for r in old.rules if _counts(r)]
    return frozenset(a.code for a in counting if _scoring_fingerprint(a, old) != _scoring_fingerprint(new.rule(a.code), new))


def _counting_only(pack):
    """The pack with only the rules that can move a total (`_counts`): it gives every filing the
    total the whole pack gives, without matching and writing the findings the preview does not
    show (about a third of the time of scoring a filing)."""
    return dataclasses.replace(pack, rules=tuple(r for r in pack.rules if _counts(r)))


_WORKER: dict = {}


def _impact_worker(old, new) -> None:
    """A pool process's start: the two packs compiled by the server (sent by the pool, as every
    task's arguments are), not compiled again here."""
    from ..match import compile_matcher

    _WORKER["packs"] = (old, compile_matcher(old.match_rules(), "python"), new, compile_matcher(new.match_rules(), "python"))


def _score_filings(old_pack, old_match, new_pack, new_match, texts: list[tuple]) -> list[tuple]:
    """Each (id, case YAML, its loaded data as JSON or None, stored outcome under the edited pack
    or None) scored under the draft, and under the edited pack where no stored result of that
    pack exists. The case is read from its JSON where the store keeps it (`cases.data_json`), else
    from its YAML, and then its JSON is returned for the store to keep."""
    import hashlib

    from ..api import case_from_document
    from ..case import build_case
    from ..load import load_text
    from ..score import score_case
    from .cases import data_from_json, data_json

    out = []
    for filing_id, text, kept, stored in texts:
        name = f"工作台案卷 #{filing_id}"
        try:
            if kept is not None:  # kept only for a case the schema accepted (`cases.case_json`)
                data = data_from_json(kept)
                case = build_case(data, name, hashlib.sha256(text.encode("utf-8")).hexdigest())
            else:
                doc = load_text(text, name)
                case = case_from_document(doc)
                data = doc.data
            old = stored[:2] if stored else (lambda r: (r.total, r.grade))(score_case(case, old_pack, old_match))
            new = score_case(case, new_pack, new_match)
        except JixiaoError as exc:
            out.append((filing_id, "；".join(p.message for p in exc.problems)))
        else:
            out.append((filing_id, None, old[0], old[1], new.total, new.grade, None if kept else data_json(data)))
    return out


def _impact_chunk(texts: list[tuple[int, str, tuple | None]]) -> list[tuple]:
    """A pool task: a chunk of filings scored with the packs the process started with."""
    return _score_filings(*_WORKER["packs"], texts)


def _stored_outcome(row, pack_sha: str) -> tuple | None:
    """(total, grade, codes of the rules in its ledger and findings) of a stored result made by
    exactly this pack (same content hash), else None. From the columns the store keeps, else
    (a result stored before them, or a full row) from the result's JSON."""
    if row is None:
        return None
    if "pack_sha" in row.keys() and row["pack_sha"] is not None:
        if row["pack_sha"] != pack_sha:
            return None
        return Decimal(row["total"]), row["grade"], frozenset((row["rules"] or "").split())
    if "result_json" not in row.keys():
        return None
    try:
        data = json.loads(row["result_json"])
        if data["pack"]["sha256"] != pack_sha:
            return None
        codes = frozenset(e["rule"] for e in (*data["ledger"], *data["findings"]))
        return Decimal(data["total"]["score"]), data["total"]["grade"], codes
    except (ValueError, KeyError, TypeError):
        return None


IMPACT_CHUNK = 25
IN_PROCESS = 60  # fewer filings to score than this: scored in the server's thread (a pool costs a second to start)


def impact_of(app: Flask, settings: dict, parent_dir: Path, progress=None, workers: int | None = None) -> dict:
    """Every stored filing under the edited pack and under the draft: totals, grades, and how
    many change. A filing is scored again only where the draft can change it: its stored result
    was made by the edited pack (same content hash) and used none of the rules whose points the
    draft changes (`rules_changed`) -> its total stands and its grade is read off the draft's
    bands. The rest are scored under the draft (and under the edited pack, without a stored
    result of it), from the loaded data the store keeps as JSON (else from the YAML, and the JSON
    is then kept), with the rules that count only (`_counting_only`), in a pool of processes (one
    per CPU) that receive the two packs compiled once here; `progress(done, total)` is told as
    chunks finish."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ..api import load_pack
    from ..score import _grade

    store = state(app)["store"]
    filings = {f.id: f for f in store.filings()}
    parent = load_pack(parent_dir)
    with draft(app, settings) as folder:
        child = load_pack(folder)
    changed = rules_changed(parent, child)
    stored = store.scored_by_pack()
    legacy = [i for i, row in stored.items() if row["pack_sha"] is None]
    if legacy:  # results stored before the hash and codes were kept: read from their JSON
        stored.update({i: row for i, row in store.results().items() if i in set(legacy)})
    kept = store.case_jsons()
    outcomes: dict[int, tuple] = {}
    texts = []
    for f in filings.values():
        before = _stored_outcome(stored.get(f.id), parent.sha256)
        if before is not None and changed is not None and not before[2] & changed:
            outcomes[f.id] = (f.id, None, before[0], before[1], before[0], _grade(child, before[0]), None)
        else:
            texts.append((f.id, f.case_yaml, kept.get(f.id), before))
    if progress is not None:
        progress(len(outcomes), len(filings))
    chunks = [texts[i:i + IMPACT_CHUNK] for i in range(0, len(texts), IMPACT_CHUNK)]
    workers = max(1, min(workers or os.cpu_count() or 1, len(chunks) or 1))
    parent, child = _counting_only(parent), _counting_only(child)
    if len(texts) < IN_PROCESS or workers == 1:
        packs = (parent, _draft_matcher(parent), child, _draft_matcher(child))
        for chunk in chunks:
            for outcome in _score_filings(*packs, chunk):
                outcomes[outcome[0]] = outcome
            if progress is not None:
                progress(len(outcomes), len(filings))
    else:
        # spawn, not fork: the server has threads
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_impact_worker,
                                 initargs=(parent, child)) as pool:
            for future in [pool.submit(_impact_chunk, chunk) for chunk in chunks]:
                for outcome in future.result():
                    outcomes[outcome[0]] = outcome
                if progress is not None:
                    progress(len(outcomes), len(filings))
    store.keep_case_json({i: (filings[i].case_yaml, o[6]) for i, o in outcomes.items() if o[1] is None and o[6]})
    rows = []
    for filing_id, filing in filings.items():
        outcome = outcomes[filing_id]
        if outcome[1] is not None:
            rows.append({"filing": filing, "error": outcome[1]})
        else:
            _, _, old, old_grade, new, new_grade, _ = outcome
            rows.append({"filing": filing, "old": old, "old_grade": old_grade, "new": new, "new_grade": new_grade,
                         "delta": new - old})
    scored = [r for r in rows if "error" not in r]
    return {"rows": rows, "changed": sum(1 for r in scored if r["delta"] or r["old_grade"] != r["new_grade"]),
            "grade_changed": sum(1 for r in scored if r["old_grade"] != r["new_grade"]),
            "total_delta": sum((r["delta"] for r in scored), Decimal(0)), "count": len(scored),
            "rescored": len(texts)}


def _draft_matcher(pack):
    """A matcher compiled from the pack in hand (the draft's folder is gone by now; a pack of
    counting rules only shares its content hash with the whole pack, so not the cached one)."""
    from ..match import compile_matcher

    return compile_matcher(pack.match_rules(), "python")
