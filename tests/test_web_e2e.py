"""The web workbench driven in a real headless Chromium (Playwright, pointed at Debian's
/usr/bin/chromium): what an evaluator and a policy officer do, and sign-in off loopback.

Marked e2e: skipped with a reason where Chromium is missing (tests/conftest.py) or where the
playwright package is not installed; `make e2e` installs both.
"""

import re
import shutil
import threading
from pathlib import Path

import pytest
import yaml

from engine.lint import lint_pack
from engine.web.app import create_app
from engine.web.auth import Users

from .conftest import ROOT, SEED
from .import_forms import seed_blocks, write_docx

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api", reason="e2e: the playwright package is not installed (make e2e)")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class Server:
    """The workbench served by waitress on a free port of `host`, in a thread."""

    def __init__(self, data: Path, host: str):
        from waitress.server import create_server

        self.app = create_app(data, host, matcher="python")
        self.server = create_server(self.app, host=host, port=0, threads=4)
        self.url = f"http://{host}:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self):
        self.server.close()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def local(tmp_path):
    server = Server(tmp_path / "data", "127.0.0.1")
    yield server
    server.close()


def test_evaluator_uploads_a_docx_resolves_a_review_item_scores_and_downloads_the_letter(browser, local, tmp_path):
    page = browser.new_page(accept_downloads=True)
    page.goto(local.url + "/")
    page.set_input_files('input[name="files"]', str(write_docx(seed_blocks(), tmp_path / "渌口区工商联2022.docx")))
    page.click("text=上传并导入")
    page.wait_for_url(re.compile(r"/filings/\d+$"))
    assert "株洲市渌口区工商业联合会" in page.inner_text("h1")
    before = page.locator("#review tbody tr").count()
    assert before > 0
    row = page.locator("#review tbody tr").first
    row.locator('input[name="value"]').fill("2篇")
    with page.expect_navigation():
        row.locator("button", has_text="改正").click()
    assert "已处理" in page.inner_text(".flash")
    assert page.locator("#review tbody tr").count() == before - 1
    with page.expect_navigation():
        page.click("#score button[type=submit]")
    assert "评分完成" in page.inner_text(".flash")
    assert re.search(r"规则得分 \d+(\.\d+)?，等级 [优良中差]", page.inner_text("#score"))
    with page.expect_download() as download:
        page.click("#score >> text=Word")
    path = download.value.path()
    assert Path(path).read_bytes()[:2] == b"PK"
    letter = browser.new_page()
    letter.goto(local.url + page.locator("#score a", has_text="在新页面打开").get_attribute("href"))
    assert "二、整改清单" in letter.inner_text("body")


def test_policy_officer_edits_a_parameter_sees_the_impact_and_saves_a_lint_clean_pack(browser, local):
    page = browser.new_page()
    page.goto(local.url + "/")
    page.set_input_files('input[name="files"]', str(ROOT / SEED))
    page.click("text=上传并导入")
    page.wait_for_url(re.compile(r"/filings/\d+$"))
    page.goto(local.url + "/packs/national-2020/edit")
    page.fill('input[name="id"]', "national-e2e")
    page.fill('input[name="grade.优.min"]', "99.5")
    # checked as typed: the gap below 优 is reported without submitting
    playwright.expect(page.locator("#problems")).to_contain_text("99.5", timeout=15000)
    page.fill('input[name="grade.良.max"]', "99.5")
    playwright.expect(page.locator("#problems")).to_have_text("", timeout=15000)
    page.click("text=核对并预览影响")
    page.wait_for_selector("#impact", timeout=120000)  # after the progress page
    assert "等级变化 1 份" in page.inner_text("#impact")
    with page.expect_navigation(url=re.compile(r"/packs/national-e2e$")):
        page.click("text=保存为新规则包并运行测试")
    assert "已保存规则包 national-e2e" in page.inner_text(".flash")
    folder = local.app.extensions["jixiao"]["data"] / "packs" / "national-e2e"
    assert yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))["pack"]["extends"] == "national-2020"
    assert lint_pack(folder).exit_code == 0


def test_off_loopback_sign_in_is_required_and_a_viewer_cannot_edit(browser, tmp_path):
    data = tmp_path / "data"
    Users(data / "users.yaml").add("kan", "viewer", "kan-password")
    server = Server(data, "127.0.0.2")  # not 127.0.0.1: a shared address
    try:
        page = browser.new_page()
        page.goto(server.url + "/")
        assert page.url.startswith(server.url + "/login")
        page.fill('input[name="name"]', "kan")
        page.fill('input[name="password"]', "kan-password")
        page.click("button[type=submit]")
        page.wait_for_url(server.url + "/")
        assert "kan（查看人员）" in page.inner_text("header")
        assert page.locator('input[name="files"]').count() == 0  # no upload form for a viewer
        response = page.goto(server.url + "/packs/national-2020/edit")
        assert response.status == 403 and "不能进行这项操作" in page.inner_text("body")
    finally:
        server.close()
