"""The evaluator's pages: filings by unit, project and year; upload; review items resolved in a
form; score; the letter in the page and as html/docx/pdf/json; a batch with live progress and its
summary workbook; a department's read-only link to its letter."""

from __future__ import annotations

import dataclasses
import datetime
import tempfile
import threading
from pathlib import Path

from flask import Flask, Response, abort, current_app, flash, g, redirect, render_template, request, url_for

from ..errors import JixiaoError
from . import cases
from .app import DOWNLOADS, MAX_FILES, SUFFIX, needs, state


def _problems(exc: JixiaoError) -> str:
    return "；".join(f"{p.message}" + (f"（{p.hint}）" if p.hint else "") for p in exc.problems)


def _meta(case: dict) -> dict:
    year = case.get("year")
    return {"unit": str(case.get("unit") or ""), "project": str(case.get("project") or ""),
            "year": year if isinstance(year, int) else None, "form": str(case.get("form") or "")}


def _score(filing, who: str):
    """Score a stored filing, keep its result, return the Result."""
    app = current_app
    st = state(app)
    result = cases.score_text(filing.case_yaml, str(st["rules"]) if st["rules"] else None, st["matcher"])
    result = dataclasses.replace(result, case_file=f"工作台案卷 #{filing.id}（{filing.source_name}）")
    from ..report import render

    status = result.status  # provisional while review items (the case's, or rows not readable) remain
    st["store"].save_result(filing.id, render(result, "json"), total=str(result.total), grade=result.grade,
                            status=str(status), pack=f"{result.pack_id} v{result.pack_version}", who=who)
    return result


def register(app: Flask) -> None:
    store = state(app)["store"]

    @app.route("/")
    @needs("read")
    def index():
        filings = store.filings(with_case=False)
        results = store.outcomes()
        earlier = _previous_index(filings, results)
        rows = []
        for f in filings:
            found = earlier.latest_before(f.unit, f.project, f.form, f.year)
            rows.append((f, results.get(f.id), found[0] if found else None))
        return render_template("index.html", rows=rows,
                               open_reviews={f.id: f.reviews if f.reviews is not None else _review_count(f.id) for f in filings})

    def _review_count(filing_id: int) -> int:
        """The open review items of a filing stored before their count was kept: counted once, kept."""
        filing = store.filing(filing_id)
        try:
            count = len(cases.validated(filing.case_yaml, filing.source_name).get("review") or ())
        except JixiaoError:
            return -1
        store.set_reviews(filing_id, count)
        return count

    @app.route("/upload", methods=["POST"])
    @needs("evaluate")
    def upload():
        files = [f for f in request.files.getlist("files") if f and f.filename]
        if not files:
            flash("请选择要上传的文件。")
            return redirect(url_for("index"))
        if len(files) > MAX_FILES:
            flash(f"一次最多上传 {MAX_FILES} 个文件。")
            return redirect(url_for("index"))
        added, failed = [], []
        for f in files:
            raw = f.read(cases.MAX_FILE + 1)
            try:
                uploads = cases.read_upload(f.filename, raw)
            except JixiaoError as exc:
                failed.append((f.filename, _problems(exc)))
                continue
            for up in uploads:
                added.append(store.add_filing(**_meta(up.case), source_name=up.name, raw=up.raw, kind=up.kind,
                                              case_yaml=up.case_yaml, who=g.user.name,
                                              reviews=len(up.case.get("review") or ()),
                                              case_json=cases.case_json(up.case_yaml)))
        for name, why in failed:
            flash(f"未能导入 {name}：{why}")
        if added:
            flash(f"已导入 {len(added)} 份材料。")
        if len(added) == 1 and not failed:
            return redirect(url_for("filing", filing_id=added[0]))
        return redirect(url_for("index"))

    def _get(filing_id: int):
        filing = store.filing(filing_id)
        if filing is None:
            abort(404)
        return filing

    @app.route("/filings/<int:filing_id>")
    @needs("read")
    def filing(filing_id: int):
        filing = _get(filing_id)
        case = cases.validated(filing.case_yaml, filing.source_name)
        row = store.result(filing.id)
        return render_template("filing.html", filing=filing, case=case, reviews=list(case.get("review") or ()),
                               result=row, audit=store.audit(filing.id), actions=cases.ACTIONS,
                               share=url_for("shared_letter", token=filing.share_token, _external=True))

    @app.route("/filings/<int:filing_id>/review/<int:index>", methods=["POST"])
    @needs("evaluate")
    def resolve(filing_id: int, index: int):
        filing = _get(filing_id)
        case = cases.validated(filing.case_yaml, filing.source_name)
        action = request.form.get("action", "")
        if action not in cases.ACTIONS:
            abort(400, "未知的处理方式。")
        try:
            case, detail = cases.resolve(case, index, action, request.form.get("value", ""))
            text = cases.case_text(case)
            cases.validated(text, filing.source_name)
        except (ValueError, JixiaoError) as exc:
            flash(f"未保存：{_problems(exc) if isinstance(exc, JixiaoError) else exc}")
            return redirect(url_for("filing", filing_id=filing_id))
        store.update_case(filing.id, text, **_meta(case), who=g.user.name, action="复核", detail=detail,
                          reviews=len(case.get("review") or ()), case_json=cases.case_json(text))
        flash(f"已处理：{detail}")
        return redirect(url_for("filing", filing_id=filing_id))

    @app.route("/filings/<int:filing_id>/score", methods=["POST"])
    @needs("evaluate")
    def score(filing_id: int):
        filing = _get(filing_id)
        try:
            result = _score(filing, g.user.name)
        except JixiaoError as exc:
            flash(f"不能评分：{_problems(exc)}")
            return redirect(url_for("filing", filing_id=filing_id))
        flash(f"评分完成：{result.total} 分，{result.grade}。")
        return redirect(url_for("filing", filing_id=filing_id))

    def _letter(filing, fmt: str) -> Response:
        row = store.result(filing.id)
        if row is None:
            abort(404)
        from ..report import render

        result = _stored_result(app, filing, row)
        try:
            body = render(result, fmt, datetime.date.today()) if fmt != "json" else render(result, "json")
        except JixiaoError as exc:
            abort(400, _problems(exc))
        response = Response(body, mimetype=DOWNLOADS[fmt].split(";")[0])
        response.headers["Content-Type"] = DOWNLOADS[fmt]
        if fmt == "html":
            # the report's own CSP: inline styles only
            response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
        if fmt != "html" or request.args.get("download"):
            name = f"letter-{filing.id}.{SUFFIX.get(fmt, fmt)}"
            response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @app.route("/filings/<int:filing_id>/letter.<fmt>")
    @needs("read")
    def letter(filing_id: int, fmt: str):
        if fmt not in DOWNLOADS:
            abort(404)
        return _letter(_get(filing_id), fmt)

    @app.route("/filings/<int:filing_id>/original")
    @needs("read")
    def original(filing_id: int):
        filing = _get(filing_id)
        response = Response(store.original(filing), mimetype="application/octet-stream")
        response.headers["Content-Disposition"] = f'attachment; filename="filing-{filing.id}{cases._safe_suffix(filing.source_name)}"'
        return response

    @app.route("/filings/<int:filing_id>/case.yaml")
    @needs("read")
    def case_yaml(filing_id: int):
        return Response(_get(filing_id).case_yaml, mimetype="text/plain", headers={"Content-Type": "text/plain; charset=utf-8"})

    @app.route("/d/<token>")
    def shared_letter(token: str):
        """A department's read-only link: its letter, nothing else (no sign-in needed)."""
        filing = store.filing_by_token(token)
        if filing is None:
            abort(404)
        return _letter(filing, "html")

    # ------------------------------------------------------------ batch
    @app.route("/batch", methods=["GET", "POST"])
    @needs("read")
    def batch():
        batches = state(app)["batches"]
        if request.method == "POST":
            if not g.user.can("evaluate"):
                abort(403)
            ids = [int(i) for i in request.form.getlist("filing") if i.isdigit()] or [f.id for f in store.filings()]
            job = _start_batch(app, ids, g.user.name)
            return redirect(url_for("batch_status", job=job))
        return render_template("batch.html", filings=store.filings(), jobs=sorted(batches.items(), reverse=True))

    @app.route("/batch/<job>")
    @needs("read")
    def batch_status(job: str):
        run = state(app)["batches"].get(job)
        if run is None:
            abort(404)
        return render_template("batch_status.html", job=job, run=run)

    @app.route("/batch/<job>/summary.xlsx")
    @needs("read")
    def batch_summary(job: str):
        run = state(app)["batches"].get(job)
        if run is None or not run["finished"] or not run["xlsx"]:
            abort(404)
        return Response(Path(run["xlsx"]).read_bytes(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="summary-{job}.xlsx"'})


def _previous_index(filings, results):
    """The stored results by unit, project, form and year: engine/previous.py's index (the same
    lookup as `jixiao score --previous`), over the store's columns (no result JSON read)."""
    from ..previous import Previous

    index = Previous("工作台")
    for f in filings:
        row = results.get(f.id)
        if row is not None and f.year is not None:
            index.add({"case": {"unit": f.unit, "project": f.project, "form": f.form, "year": f.year},
                       "total": {"score": row["total"], "grade": row["grade"]}, "filing": f.id}, f"工作台案卷 #{f.id}")
    return index


def _letter_rules(app: Flask, pack: dict) -> tuple[str, ...]:
    """The pack's `letter: self_scoring_rules`, which the result JSON does not carry: from the
    pack the result names, by content hash (else the pack of that id as it is now)."""
    from ..api import load_pack
    from .policy import pack_dirs

    st = state(app)
    folders = [Path(st["rules"])] if st["rules"] else []
    folders += [f for f in (pack_dirs(app).get(pack["id"]),) if f is not None]
    found = []
    for folder in folders:
        try:
            compiled = load_pack(folder)
        except JixiaoError:
            continue
        if compiled.id == pack["id"]:
            found.append(compiled)
    best = next((p for p in found if p.sha256 == pack["sha256"]), found[0] if found else None)
    return tuple(best.letter.get("self_scoring_rules") or ()) if best is not None else ()


def _stored_result(app: Flask, filing, row):
    """The filing's stored result read back for its letter (no scoring again), with last year's
    stored result beside it when the store has one."""
    import json

    from ..previous import Previous
    from ..resultread import result_from_dict

    store = state(app)["store"]
    data = json.loads(row["result_json"])
    result = result_from_dict(data, _letter_rules(app, data["pack"]))
    same_unit = store.filings_of(filing.unit, filing.project)
    found = _previous_index(same_unit, store.outcomes([f.id for f in same_unit])).latest_before(
        filing.unit, filing.project, filing.form, filing.year)
    if found is not None:
        before = store.result(found[0]["filing"])
        earlier = Previous("工作台")
        earlier.add(json.loads(before["result_json"]), found[1])
        result = earlier.attach(result)
    return result


def _start_batch(app: Flask, ids: list[int], who: str) -> str:
    st = state(app)
    store = st["store"]
    job = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-") + f"{len(st['batches']) + 1}"
    folder = st["data"] / "batches" / job
    (folder / "cases").mkdir(parents=True)
    total = 0
    for i in ids:
        filing = store.filing(i)
        if filing is not None:
            (folder / "cases" / f"filing-{i}.yaml").write_text(filing.case_yaml, encoding="utf-8")
            total += 1
    run = {"total": total, "done": 0, "failed": 0, "finished": False, "error": "",
           "xlsx": "", "who": who, "started": datetime.datetime.now().isoformat(timespec="seconds")}
    st["batches"][job] = run

    def work():
        from ..batch import run_batch

        def on_done(path: str, ok: bool) -> None:
            run["done"] += 1
            run["failed"] += not ok

        try:
            out = run_batch([str(folder / "cases")], folder / "out", str(st["rules"]) if st["rules"] else None,
                            st["matcher"], jobs=1, on_done=on_done)
            run["xlsx"] = str(out.out / "summary.xlsx")
            store.log(who, "批量评分", f"{job}：{out.scored} 份已评分，{out.failed} 份失败")
        except JixiaoError as exc:
            run["error"] = _problems(exc)
        except Exception as exc:  # noqa: BLE001 - shown on the page, the server goes on
            run["error"] = f"内部错误：{type(exc).__name__}: {exc}"
        finally:
            run["finished"] = True

    threading.Thread(target=work, name=f"batch-{job}", daemon=True).start()
    return job
