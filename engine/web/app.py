"""`jixiao serve`: the web workbench (Flask, server-rendered Jinja2 pages, plain forms, no
front-end build). Everything runs on the engine's own stages; the YAML files stay the source of
truth (cases are stored as YAML, packs written as YAML folders).

Evaluators upload filings, resolve review items, score and read letters; policy staff browse and
edit packs (engine/web/policy.py); a department opens its letter by a read-only link.
"""

from __future__ import annotations

import secrets
from functools import wraps
from pathlib import Path

from flask import Flask, Response, abort, flash, g, redirect, render_template, request, session, url_for

from .auth import LOCAL_USER, ROLES, User, Users, is_loopback, secret_key
from .store import Store

MAX_UPLOAD = 60 << 20  # one request: several filings or a zip
MAX_FILES = 50  # files in one upload
DOWNLOADS = {"html": "text/html; charset=utf-8", "markdown": "text/markdown; charset=utf-8",
             "json": "application/json", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "pdf": "application/pdf"}
SUFFIX = {"markdown": "md"}


def create_app(data_dir: str | Path, host: str = "127.0.0.1", rules_dir: str | Path | None = None,
               matcher: str | None = None) -> Flask:
    data = Path(data_dir)
    data.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, template_folder="templates")
    app.config.update(
        SECRET_KEY=secret_key(data), MAX_CONTENT_LENGTH=MAX_UPLOAD, MAX_FORM_PARTS=2000,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=not is_loopback(host), SESSION_COOKIE_NAME="jixiao_session",
    )
    app.jinja_env.autoescape = True
    app.jinja_env.filters["as_yaml"] = as_yaml
    store = Store(data)
    users = Users(data / "users.yaml")
    app.extensions["jixiao"] = {"store": store, "users": users, "data": data, "host": host,
                                "login": not is_loopback(host), "matcher": matcher,
                                "rules": Path(rules_dir) if rules_dir else None, "batches": {}, "impacts": {}}

    @app.before_request
    def who_and_csrf():
        state = app.extensions["jixiao"]
        if state["login"]:
            name = session.get("user")
            g.user = users.user(name) if name else None
            if g.user is None and request.endpoint not in ("login", "static", "shared_letter", "favicon"):
                return redirect(url_for("login", next=request.path))
        else:
            g.user = User(LOCAL_USER, "policy")
        if request.method == "POST":
            token = request.form.get("csrf_token", "")
            if not token or not secrets.compare_digest(token, session.get("csrf", "")):
                abort(400, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")

    @app.context_processor
    def common():
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return {"csrf_token": session["csrf"], "user": getattr(g, "user", None), "roles": ROLES,
                "login_required": app.extensions["jixiao"]["login"]}

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.mimetype == "text/html" and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = (
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
                "img-src 'self' data:; form-action 'self'; "
                "frame-ancestors 'self'; frame-src 'self'")
        return response

    @app.errorhandler(400)
    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(413)
    def error_page(exc):
        messages = {413: f"上传的内容超过 {MAX_UPLOAD >> 20} MiB 上限。", 404: "没有这个页面或记录。",
                    403: "您的角色不能进行这项操作。"}
        text = messages.get(exc.code) or (exc.description if isinstance(exc.description, str) else "请求有误。")
        return render_template("error.html", code=exc.code, message=text), exc.code

    from .evaluate import register as register_evaluate
    from .policy import register as register_policy

    register_evaluate(app)
    register_policy(app)

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "POST":
            user = users.verify(request.form.get("name", ""), request.form.get("password", ""))
            if user is None:
                store.log(request.form.get("name", "")[:40] or "?", "登录失败", request.remote_addr or "")
                flash("用户名或密码不对。")
                return render_template("login.html"), 401
            session.clear()
            session["user"] = user.name
            session["csrf"] = secrets.token_urlsafe(32)
            store.log(user.name, "登录", request.remote_addr or "")
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("index"))
        return render_template("login.html")

    @app.route("/logout", methods=["POST"])
    def logout():
        session.clear()
        return redirect(url_for("login") if app.extensions["jixiao"]["login"] else url_for("index"))

    @app.route("/favicon.ico")
    def favicon():
        return Response(status=204)

    @app.route("/audit")
    @needs("read")
    def audit():
        return render_template("audit.html", rows=store.audit())

    return app


def as_yaml(value) -> str:
    """Plain data (a rule's condition, examples) as YAML text for a <pre> block (escaped there)."""
    import decimal

    import yaml

    def plain(v):
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, decimal.Decimal):
            return format(v, "f")
        return v if isinstance(v, (str, int, float, bool)) or v is None else str(v)

    return yaml.safe_dump(plain(value), allow_unicode=True, sort_keys=False, width=100).strip()


def needs(what: str):
    """The signed-in user's role must allow `what` (read, evaluate, policy), else 403."""
    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            if g.user is None or not g.user.can(what):
                abort(403)
            return view(*args, **kwargs)
        return inner
    return wrap


def state(app: Flask) -> dict:
    return app.extensions["jixiao"]
