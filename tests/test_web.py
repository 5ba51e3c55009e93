"""The web workbench (`jixiao serve`) through Flask's test client: the evaluator's flow (upload,
review, score, letter, batch), the policy flow (edit, check, impact, save a child pack), and
security (CSRF, sign-in and roles off loopback, upload limits, zip bombs, traversal, escaping)."""

import io
from decimal import Decimal
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from engine.lint import lint_pack
from engine.web import cases
from engine.web.app import create_app
from engine.web.auth import Users, hash_password, is_loopback

from .conftest import ROOT, SEED
from .import_forms import seed_blocks, write_docx

from .import_forms import SEED_TEXT  # noqa: E402


def token(client) -> str:
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


@pytest.fixture()
def local(tmp_path):
    app = create_app(tmp_path / "data", "127.0.0.1", matcher="python")
    app.testing = True
    return app, app.test_client()


def upload(client, name: str, data: bytes):
    return client.post("/upload", data={"csrf_token": token(client), "files": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def filing_id(response) -> int:
    return int(re.search(r"/filings/(\d+)", response.headers["Location"]).group(1))


# ------------------------------------------------------------------ evaluator flow


def test_upload_a_docx_resolve_a_review_item_score_and_download_the_letter(local, tmp_path):
    app, client = local
    docx = write_docx(seed_blocks(), tmp_path / "seed.docx")
    res = upload(client, "渌口区工商联2022.docx", docx.read_bytes())
    assert res.status_code == 302
    fid = filing_id(res)
    page = client.get(f"/filings/{fid}").get_data(as_text=True)
    assert "株洲市渌口区工商业联合会" in page
    store = app.extensions["jixiao"]["store"]
    case = cases.validated(store.filing(fid).case_yaml, "x")
    reviews = case.get("review") or []
    assert reviews, "the seed's docx has cells the importer is unsure of (2编)"
    first = reviews[0]
    assert str(first["value"]) in page and first["reason"] in page
    res = client.post(f"/filings/{fid}/review/0", data={"csrf_token": token(client), "action": "correct", "value": "2篇"})
    assert res.status_code == 302
    after = cases.validated(store.filing(fid).case_yaml, "x")
    assert len(after.get("review") or []) == len(reviews) - 1
    node, key = cases._locate(after, first["field"])
    assert node[key] == "2篇"
    audit = store.audit(fid)
    assert audit[0]["action"] == "复核" and audit[0]["who"] == "本机用户" and "2篇" in audit[0]["detail"]
    res = client.post(f"/filings/{fid}/score", data={"csrf_token": token(client)})
    assert res.status_code == 302
    row = store.result(fid)
    assert row["grade"] in ("优", "良", "中", "差") and row["total"]
    assert row["status"] == "provisional"  # review items are still open
    assert "待复核，结果为暂定" in client.get(f"/filings/{fid}").get_data(as_text=True)
    html = client.get(f"/filings/{fid}/letter.html").get_data(as_text=True)
    assert "二、整改清单" in html and "工作台案卷" in html
    for fmt, magic in (("docx", b"PK"), ("json", b"{"), ("markdown", "# ".encode())):
        body = client.get(f"/filings/{fid}/letter.{fmt}")
        assert body.status_code == 200 and body.data.startswith(magic), fmt
    share = store.filing(fid).share_token
    assert client.get(f"/d/{share}").status_code == 200
    assert client.get("/d/not-a-token").status_code == 404


def test_a_yaml_case_and_a_text_copy_upload_and_show_in_the_list(local):
    app, client = local
    assert upload(client, "seed.yaml", (ROOT / SEED).read_bytes()).status_code == 302
    assert upload(client, "seed.txt", SEED_TEXT.read_bytes()).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert page.count("株洲市渌口区工商业联合会") == 2 and "seed.txt" in page and "seed.yaml" in page


def test_a_broken_upload_is_named_and_the_rest_go_on(local):
    app, client = local
    data = {"csrf_token": token(client), "files": [(io.BytesIO(b"format: nope\n"), "bad.yaml"),
                                                    (io.BytesIO((ROOT / SEED).read_bytes()), "ok.yaml")]}
    res = client.post("/upload", data=data, content_type="multipart/form-data", follow_redirects=True)
    page = res.get_data(as_text=True)
    assert "未能导入 bad.yaml" in page and "已导入 1 份材料" in page
    assert len(app.extensions["jixiao"]["store"].filings()) == 1


def test_batch_runs_in_the_background_and_gives_the_summary_workbook(local):
    app, client = local
    for name in ("a.yaml", "b.yaml"):
        upload(client, name, (ROOT / SEED).read_bytes())
    res = client.post("/batch", data={"csrf_token": token(client)})
    job = res.headers["Location"].rsplit("/", 1)[1]
    run = app.extensions["jixiao"]["batches"][job]
    deadline = time.monotonic() + 120
    while not run["finished"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert run["finished"] and not run["error"] and (run["done"], run["failed"], run["total"]) == (2, 0, 2)
    page = client.get(f"/batch/{job}").get_data(as_text=True)
    assert "已完成" in page and "summary.xlsx" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/batch/{job}/summary.xlsx").data))
    assert [r[1] for r in book["案例"].iter_rows(min_row=2, values_only=True)] == ["已评分", "已评分"]


# ------------------------------------------------------------------ policy flow


def test_edit_a_parameter_see_the_impact_save_a_lint_clean_child_pack(local):
    app, client = local
    upload(client, "seed.yaml", (ROOT / SEED).read_bytes())
    page = client.get("/packs/national-2020/edit").get_data(as_text=True)
    assert 'name="param.reverse_k"' in page
    form = {"csrf_token": token(client), "id": "national-strict", "version": "2026.1", "title": "更严的口径",
            "grade.优.min": "99.5"}
    checked = client.post("/packs/national-2020/check", data=form).get_json()
    assert checked["errors"] == {} and checked["changes"] == ["等级 优：[90, 100] → [99.5, 100]"]
    assert len(checked["problems"]) == 1 and "99.5" in checked["problems"][0]  # 良 still ends at 90: a gap
    form["grade.良.max"] = "99.5"
    assert client.post("/packs/national-2020/check", data=form).get_json()["problems"] == []
    res = client.post("/packs/national-2020/edit", data={**form, "do": "preview"})
    assert res.status_code == 302 and "/packs/national-2020/impact/" in res.headers["Location"]
    run = app.extensions["jixiao"]["impacts"][res.headers["Location"].rsplit("/", 1)[1]]
    deadline = time.monotonic() + 120
    while not run["finished"] and time.monotonic() < deadline:
        assert "正在按修改后的规则包" in client.get(res.headers["Location"]).get_data(as_text=True) or run["finished"]
        time.sleep(0.2)
    preview = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "对已有材料的影响" in preview and "等级变化 1 份" in preview  # the seed: 99.26 优 -> 良
    res = client.post("/packs/national-2020/edit", data={**form, "do": "save"})
    assert res.status_code == 302
    folder = app.extensions["jixiao"]["data"] / "packs" / "national-strict"
    settings = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    assert settings["pack"]["extends"] == "national-2020" and set(settings) == {"pack", "grades"}
    assert lint_pack(folder).exit_code == 0
    assert "保存规则包" in [a["action"] for a in app.extensions["jixiao"]["store"].audit()]
    assert client.get("/packs/national-strict").status_code == 200


def test_a_bad_value_is_reported_at_its_field(local):
    app, client = local
    form = {"csrf_token": token(client), "id": "Bad Id", "param.reverse_k": "二"}
    checked = client.post("/packs/national-2020/check", data=form).get_json()
    assert set(checked["errors"]) == {"id", "param.reverse_k"} and "不是数字" in checked["errors"]["param.reverse_k"]
    res = client.post("/packs/national-2020/edit", data={**form, "do": "save"})
    assert res.status_code == 422 and not (app.extensions["jixiao"]["data"] / "packs" / "Bad Id").exists()


def test_rule_pages_show_what_why_and_examples(local):
    _, client = local
    page = client.get("/packs/national-2020/rules/JX-S02").get_data(as_text=True)
    assert "未完成的正向指标按完成比例计分" in page and "为什么" in page and "示例" in page
    assert client.get("/packs/national-2020/rules/JX-XX9").status_code == 404
    assert client.get("/packs/../etc/edit").status_code == 404


# ------------------------------------------------------------------ security


def test_a_post_without_the_csrf_token_is_refused(local):
    app, client = local
    res = client.post("/upload", data={"files": (io.BytesIO((ROOT / SEED).read_bytes()), "seed.yaml")},
                      content_type="multipart/form-data")
    assert res.status_code == 400 and "CSRF" in res.get_data(as_text=True)
    assert app.extensions["jixiao"]["store"].filings() == []


@pytest.fixture()
def shared(tmp_path):
    data = tmp_path / "data"
    users = Users(data / "users.yaml")
    for name, role in (("ping", "evaluator"), ("zheng", "policy"), ("kan", "viewer")):
        users.add(name, role, f"{name}-password")
    app = create_app(data, "0.0.0.0", matcher="python")
    app.testing = True
    return app


def login(app, name):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    res = client.post("/login", data={"csrf_token": csrf, "name": name, "password": f"{name}-password"})
    assert res.status_code == 302, res.get_data(as_text=True)
    return client


def test_off_loopback_every_page_needs_sign_in_and_roles_limit_what_is_allowed(shared):
    anonymous = shared.test_client()
    for path in ("/", "/packs", "/audit", "/packs/national-2020/edit"):
        res = anonymous.get(path)
        assert res.status_code == 302 and "/login" in res.headers["Location"], path
    page = anonymous.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert anonymous.post("/login", data={"csrf_token": csrf, "name": "kan", "password": "wrong"}).status_code == 401
    viewer = login(shared, "kan")
    assert viewer.get("/").status_code == 200
    assert upload(viewer, "seed.yaml", (ROOT / SEED).read_bytes()).status_code == 403
    assert viewer.get("/packs/national-2020/edit").status_code == 403
    evaluator = login(shared, "ping")
    assert upload(evaluator, "seed.yaml", (ROOT / SEED).read_bytes()).status_code == 302
    assert evaluator.get("/packs/national-2020/edit").status_code == 403
    assert login(shared, "zheng").get("/packs/national-2020/edit").status_code == 200
    assert shared.config["SESSION_COOKIE_SECURE"] and shared.config["SESSION_COOKIE_HTTPONLY"]


def test_users_file_keeps_salted_hashes_only(tmp_path):
    users = Users(tmp_path / "users.yaml")
    users.add("a", "viewer", "long-password")
    users.add("b", "viewer", "long-password")
    text = (tmp_path / "users.yaml").read_text(encoding="utf-8")
    assert "long-password" not in text and (tmp_path / "users.yaml").stat().st_mode & 0o077 == 0
    entries = yaml.safe_load(text)["users"]
    assert entries[0]["hash"] != entries[1]["hash"]  # salted
    assert Users(tmp_path / "users.yaml").verify("a", "long-password").role == "viewer"
    assert Users(tmp_path / "users.yaml").verify("a", "wrong-password") is None
    with pytest.raises(ValueError):
        users.add("c", "admin", "long-password")
    assert hash_password("x", b"0" * 16) == hash_password("x", b"0" * 16)
    assert [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2", "0.0.0.0", "10.0.0.1")] == [
        True, True, True, False, False, False]


def test_oversize_uploads_and_zip_bombs_are_refused(local, monkeypatch):
    app, client = local
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    res = upload(client, "big.txt", b"x" * (2 << 20))
    assert res.status_code == 413 and "上限" in res.get_data(as_text=True)
    monkeypatch.setattr(cases, "MAX_ZIP_INFLATED", 4 << 20)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("case.yaml", b"\n" * (8 << 20))  # 8 MiB of newlines: a few KiB compressed
    assert len(bomb.getvalue()) < 100_000
    page = upload(client, "bomb.zip", bomb.getvalue())
    assert "压缩炸弹" in client.get("/").get_data(as_text=True) or "压缩炸弹" in page.get_data(as_text=True)
    assert app.extensions["jixiao"]["store"].filings() == []


def test_names_from_uploads_and_archives_never_become_paths(local, tmp_path):
    app, client = local
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../../../escape.yaml", (ROOT / SEED).read_bytes())
    res = upload(client, "../../x/../evil.zip", archive.getvalue())
    assert res.status_code == 302
    data = app.extensions["jixiao"]["data"]
    assert not (tmp_path / "escape.yaml").exists() and not list(tmp_path.rglob("escape.yaml"))
    stored = [p.name for p in (data / "files").iterdir()]
    assert stored and all(re.fullmatch(r"[0-9a-f]{32}\.bin", name) for name in stored)
    filing = app.extensions["jixiao"]["store"].filings()[0]
    assert filing.source_name == "../../x/../evil.zip/escape.yaml"  # shown as text, never opened as a path


def test_text_from_filings_is_escaped_on_every_page(local):
    app, client = local
    nasty = "<script>alert(1)</script>"
    text = (ROOT / SEED).read_text(encoding="utf-8").replace("\nunit: 株洲市渌口区工商业联合会\n", f"\nunit: \"{nasty}\"\n")
    fid = filing_id(upload(client, f"{nasty}.yaml", text.encode("utf-8")))
    client.post(f"/filings/{fid}/score", data={"csrf_token": token(client)})
    for path in ("/", f"/filings/{fid}", "/audit", f"/filings/{fid}/letter.html", "/batch"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/").get_data(as_text=True)
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp


def test_impact_reuses_a_stored_result_only_from_the_same_pack(local):
    """The preview scores a filing under the edited pack only when no stored result of exactly
    that pack exists; with or without stored results the impact is the same."""
    from engine.api import load_pack
    from engine.web.policy import _stored_outcome, impact_of

    app, client = local
    fid = filing_id(upload(client, "seed.yaml", (ROOT / SEED).read_bytes()))
    settings = {"pack": {"id": "strict", "title": "t", "version": "1", "extends": "national-2020", "citation": "c"},
                "grades": [{"grade": "优", "min": 99.5, "max": 100}, {"grade": "良", "min": 80, "max": 99.5},
                           {"grade": "中", "min": 60, "max": 80}, {"grade": "差", "min": 0, "max": 60}]}
    national = ROOT / "rules" / "national-2020"
    fresh = impact_of(app, settings, national, workers=1)
    client.post(f"/filings/{fid}/score", data={"csrf_token": token(client)})
    row = app.extensions["jixiao"]["store"].result(fid)
    assert _stored_outcome(row, load_pack(national).sha256)[:2] == (Decimal("99.26"), "优")
    assert _stored_outcome(row, "0" * 64) is None
    reused = impact_of(app, settings, national, workers=1)
    strip = lambda impact: [(r["old"], r["old_grade"], r["new"], r["new_grade"]) for r in impact["rows"]]  # noqa: E731
    assert strip(fresh) == strip(reused) == [(Decimal("99.26"), "优", Decimal("99.26"), "良")]


@pytest.mark.parametrize("params, changed", [
    ({"reverse_k": 3}, {"JX-S04"}),  # a method's parameter: only filings whose ledger used JX-S04 are scored again
    ({"execution_cap": "0.9"}, {"JX-E01"}),  # the budget row's rule: every filing has it
    ({"sum_tolerance": 1}, set()),  # a check's condition, but the check only reports: no total moves
    ({"qual_high_low": "0.9"}, {"JX-S05"}),  # the qualitative method's band
    ({"sections": [  # the weights of the provincial pack (20/40/30/10): every filing is scored again
        {"key": "预算执行", "title": "预算执行率", "weight": 20, "level1": []},
        {"key": "产出", "title": "产出指标", "weight": 40, "level1": ["产出指标", "产出"], "scale_rows": True},
        {"key": "效益", "title": "效益指标", "weight": 30, "level1": ["效益指标", "效益"]},
        {"key": "满意度", "title": "满意度指标", "weight": 10, "level1": ["满意度指标", "满意度", "服务对象满意度指标"]}]},
     None),
])
def test_impact_scores_again_only_what_the_draft_can_change_and_agrees_with_scoring_everything(local, params, changed):
    """The preview's shortcut (a stored result that used none of the changed rules keeps its
    total, its grade read off the draft's bands) gives what scoring every filing under the draft
    gives."""
    from engine.api import case_from_document, load_pack, matcher_for
    from engine.load import load_text
    from engine.score import score_case
    from engine.web.policy import draft, impact_of, rules_changed

    app, client = local
    text = (ROOT / SEED).read_text(encoding="utf-8")
    reverse = text.replace("株洲市渌口区工商业联合会", "另一单位", 1)
    for name, body in (("seed.yaml", text), ("other.yaml", reverse)):
        fid = filing_id(upload(client, name, body.encode("utf-8")))
        client.post(f"/filings/{fid}/score", data={"csrf_token": token(client)})
    settings = {"pack": {"id": "edited", "title": "t", "version": "1", "extends": "national-2020", "citation": "c"},
                "params": {k: Decimal(v) if isinstance(v, str) else v for k, v in params.items() if k != "sections"},
                **({"sections": params["sections"]} if "sections" in params else {}),
                "grades": [{"grade": "优", "min": 99.5, "max": 100}, {"grade": "良", "min": 80, "max": 99.5},
                           {"grade": "中", "min": 60, "max": 80}, {"grade": "差", "min": 0, "max": 60}]}
    national = load_pack(ROOT / "rules" / "national-2020")
    with draft(app, settings) as folder:
        child = load_pack(folder)
        assert rules_changed(national, child) == (None if changed is None else frozenset(changed))
        expected = {}
        for f in app.extensions["jixiao"]["store"].filings():
            case = case_from_document(load_text(f.case_yaml, "x"))
            old, new = score_case(case, national, matcher_for(national, "python")), score_case(case, child, matcher_for(child, "python"))
            expected[f.id] = (old.total, old.grade, new.total, new.grade)
    store = app.extensions["jixiao"]["store"]
    with store._db() as db:  # first as a store made before the JSON, the pack hash and the codes were kept: from the
        db.execute("UPDATE filings SET case_json = NULL")  # YAML and the result JSON; then from what the store keeps
        db.execute("UPDATE results SET pack_sha = NULL, rules = NULL")
    for _ in range(2):
        impact = impact_of(app, settings, ROOT / "rules" / "national-2020", workers=1)
        assert {r["filing"].id: (r["old"], r["old_grade"], r["new"], r["new_grade"]) for r in impact["rows"]} == expected
        assert set(store.case_jsons()) == (set(expected) if impact["rescored"] else set())
    uses_changed = changed is None or any(e.rule in changed for e in (*old.ledger, *old.findings))
    assert impact["rescored"] == (2 if uses_changed else 0)
    assert impact["grade_changed"] >= 1  # 99.26: 优 under the edited pack, 良 under the draft's bands


def test_the_letter_is_rendered_from_the_stored_result_with_last_years_beside_it(local, monkeypatch):
    """Reading a letter scores nothing: it is the stored result read back; the list and the
    letter show the same unit's stored result of the year before (engine/previous.py's lookup)."""
    app, client = local
    text = (ROOT / SEED).read_text(encoding="utf-8")
    assert "year: 2022" in text
    ids = {}
    for year in (2021, 2022):
        ids[year] = filing_id(upload(client, f"{year}.yaml", text.replace("year: 2022", f"year: {year}", 1).encode("utf-8")))
        client.post(f"/filings/{ids[year]}/score", data={"csrf_token": token(client)})
    stored = app.extensions["jixiao"]["store"].result(ids[2022])

    def no_scoring(*args, **kwargs):
        raise AssertionError("the letter scored the filing again")

    monkeypatch.setattr(cases, "score_text", no_scoring)
    letter = client.get(f"/filings/{ids[2022]}/letter.html").get_data(as_text=True)
    assert "与 2021 年度相比" in letter and stored["total"] in letter
    data = client.get(f"/filings/{ids[2022]}/letter.json").get_json()
    assert data["previous"]["year"] == 2021 and data["total"]["score"] == stored["total"]
    assert client.get(f"/filings/{ids[2021]}/letter.json").get_json().get("previous") is None
    index = client.get("/").get_data(as_text=True)
    assert f"{stored['total']}（2021）" in index


def test_the_list_shows_each_filings_open_review_items_kept_when_saved(local, tmp_path):
    """The list does not read every case file: the count of open review items is kept when a case
    is saved (upload, each review edit); a filing stored before the count was kept is counted once."""
    app, client = local
    store = app.extensions["jixiao"]["store"]
    fid = filing_id(upload(client, "seed.docx", write_docx(seed_blocks(), tmp_path / "seed.docx").read_bytes()))
    open_items = len(cases.validated(store.filing(fid).case_yaml, "x").get("review") or ())
    assert open_items > 0 and store.filing(fid).reviews == open_items

    def listed_count() -> str:
        page = client.get("/").get_data(as_text=True)
        return re.search(r'<td><span class="warn">(\d+) 项</span>', page).group(1)

    assert listed_count() == str(open_items)
    client.post(f"/filings/{fid}/review/0", data={"csrf_token": token(client), "action": "accept"})
    assert store.filing(fid).reviews == open_items - 1 and listed_count() == str(open_items - 1)
    with store._db() as db:  # as a store made before the count was kept
        db.execute("UPDATE filings SET reviews = NULL")
    assert listed_count() == str(open_items - 1) and store.filing(fid).reviews == open_items - 1


def _same(a, b) -> bool:
    """Equal and of the same types all the way down (a Decimal with the same digits as written)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b and (not isinstance(a, Decimal) or a.as_tuple() == b.as_tuple())


def test_the_case_kept_as_json_is_the_case_the_loader_reads():
    """The store keeps each case's loaded data as JSON for the impact preview: what comes back is
    what the loader gives, to the type and the digits as written; what JSON cannot give back
    exactly is not kept."""
    from engine.load import load_file

    files = sorted((ROOT / "cases").rglob("*.yaml")) + sorted((ROOT / "tests" / "corpus").glob("*/case.yaml"))[:60]
    assert len(files) > 60
    for path in files:
        data = load_file(path).data
        kept = cases.data_json(data)
        assert kept is not None and _same(cases.data_from_json(kept), data), path
    tricky = {"a": Decimal("-0.0"), "b": Decimal("1.50"), "c": Decimal("1E+2"), "d": 5, "e": True, "f": None,
              "g": ["x", {"h": Decimal("0.001")}], "i": "\u0000不是数"}
    assert _same(cases.data_from_json(cases.data_json(tricky)), tricky)
    assert cases.data_json({"\x00d": "1.5"}) is None and cases.data_json({2022: "x"}) is None
    assert cases.case_json("format: [") is None
