"""`jixiao serve`: the web workbench (engine/web) on embedded defaults: waitress (a pure-Python
production WSGI server), data in --data DIR (SQLite + stored files), bound to 127.0.0.1 unless told
otherwise (then sign-in is required: add users with --add-user)."""

from __future__ import annotations

import os
import sys

import click

from .common import handle_errors


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but 127.0.0.1/localhost/::1 requires sign-in.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--data", "data_dir", default="jixiao-data", show_default=True,
              type=click.Path(file_okay=False, path_type=str), help="Folder for the database and stored files.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, exists=True, path_type=str), default=None,
              help="Score every filing with this pack (default: the pack that applies to each filing).")
@click.option("--matcher", type=click.Choice(["durable", "python"]), default=None)
@click.option("--add-user", "add_user", metavar="NAME", default=None,
              help="Add (or reset) a user instead of serving; the password is read from standard input "
                   "or JIXIAO_PASSWORD.")
@click.option("--role", type=click.Choice(["evaluator", "policy", "viewer"]), default="viewer", show_default=True,
              help="Role of the user added with --add-user.")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def serve(host: str, port: int, data_dir: str, rules_dir: str | None, matcher: str | None, add_user: str | None,
          role: str, debug: bool) -> None:
    """Start the web workbench: upload filings, resolve review items, score, read and download
    letters, run batches, edit rule packs."""
    from pathlib import Path

    if add_user is not None:
        from ..web.auth import Users

        password = os.environ.get("JIXIAO_PASSWORD") or (
            sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else click.prompt("密码", hide_input=True,
                                                                                          confirmation_prompt=True))
        try:
            Users(Path(data_dir) / "users.yaml").add(add_user, role, password)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(f"已添加用户 {add_user}（{role}）到 {Path(data_dir) / 'users.yaml'}", err=True)
        return
    from ..web.app import create_app
    from ..web.auth import is_loopback

    app = create_app(data_dir, host, rules_dir, matcher)
    if not is_loopback(host) and not app.extensions["jixiao"]["users"].entries:
        raise click.UsageError(f"绑定到 {host} 时需要登录，但 {data_dir}/users.yaml 中还没有用户：先用 --add-user 添加")
    click.echo(f"jixiao 工作台：http://{host}:{port}/  数据目录 {Path(data_dir).resolve()}", err=True)
    from waitress import serve as waitress_serve

    waitress_serve(app, host=host, port=port, threads=8, max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
                   ident="jixiao")
