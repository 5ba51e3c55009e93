"""The workbench's store: one SQLite database and a folder of stored files under `--data DIR`.

Filings are kept by unit, project and year; each holds the case YAML as last saved (the review
edits rewrite it) and the original upload, stored under a generated name (never the client's:
no path from a request reaches the file system). Every change is an audit row: who, when, what.
SQLite, embedded: no service to install.
"""

from __future__ import annotations

import dataclasses
import datetime
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS filings (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL, project TEXT NOT NULL DEFAULT '', year INTEGER, form TEXT NOT NULL,
    source_name TEXT NOT NULL, source_file TEXT NOT NULL, kind TEXT NOT NULL,
    case_yaml TEXT NOT NULL, share_token TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    reviews INTEGER,  -- open review items of case_yaml, counted when it is saved (NULL: not counted)
    case_json TEXT  -- case_yaml as the loader reads it, as JSON (web/cases.py data_json; NULL: not kept)
);
CREATE INDEX IF NOT EXISTS filings_by_unit ON filings(unit, project, year);
CREATE TABLE IF NOT EXISTS results (
    filing_id INTEGER PRIMARY KEY REFERENCES filings(id) ON DELETE CASCADE,
    result_json TEXT NOT NULL, total TEXT NOT NULL, grade TEXT NOT NULL, status TEXT NOT NULL,
    pack TEXT NOT NULL, scored_by TEXT NOT NULL, scored_at TEXT NOT NULL,
    pack_sha TEXT,  -- the content hash of the pack that scored it (NULL: not kept; read the JSON)
    rules TEXT  -- the codes of the rules in its ledger and findings, space-separated
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, filing_id INTEGER,
    action TEXT NOT NULL, detail TEXT NOT NULL
);
"""


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Filing:
    id: int
    unit: str
    project: str
    year: int | None
    form: str
    source_name: str
    source_file: str
    kind: str
    case_yaml: str
    share_token: str
    created_by: str
    created_at: str
    updated_at: str
    reviews: int | None = None  # open review items, counted when the case was saved; None: not counted


def _filing(row: sqlite3.Row) -> Filing:
    return Filing(**{f.name: row[f.name] for f in dataclasses.fields(Filing)})


class Store:
    """Thread-safe access to the database (one connection per thread, WAL mode)."""

    def __init__(self, data_dir: str | Path):
        self.root = Path(data_dir)
        self.files = self.root / "files"
        self.files.mkdir(parents=True, exist_ok=True)
        self.db_path = self.root / "jixiao.sqlite3"
        self._local = threading.local()
        with self._db() as db:
            db.executescript(SCHEMA)
            columns = {row["name"] for row in db.execute("PRAGMA table_info(filings)")}
            for name, kind in (("reviews", "INTEGER"), ("case_json", "TEXT")):  # a store made before the column
                if name not in columns:
                    db.execute(f"ALTER TABLE filings ADD COLUMN {name} {kind}")
            columns = {row["name"] for row in db.execute("PRAGMA table_info(results)")}
            for name in ("pack_sha", "rules"):
                if name not in columns:
                    db.execute(f"ALTER TABLE results ADD COLUMN {name} TEXT")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.db_path, timeout=30)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    # ------------------------------------------------------------------ filings
    def add_filing(self, *, unit: str, project: str, year: int | None, form: str, source_name: str, raw: bytes,
                   kind: str, case_yaml: str, who: str, reviews: int | None = None, case_json: str | None = None) -> int:
        stored = f"{secrets.token_hex(16)}.bin"
        (self.files / stored).write_bytes(raw)
        stamp = now()
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO filings (unit, project, year, form, source_name, source_file, kind, case_yaml, share_token,"
                " created_by, created_at, updated_at, reviews, case_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (unit, project, year, form, source_name, stored, kind, case_yaml, secrets.token_urlsafe(24), who,
                 stamp, stamp, reviews, case_json))
            filing_id = cur.lastrowid
            db.execute("INSERT INTO audit (at, who, filing_id, action, detail) VALUES (?,?,?,?,?)",
                       (stamp, who, filing_id, "上传", source_name))
        return filing_id

    def filing(self, filing_id: int) -> Filing | None:
        row = self._db().execute("SELECT * FROM filings WHERE id = ?", (filing_id,)).fetchone()
        return _filing(row) if row else None

    def filing_by_token(self, token: str) -> Filing | None:
        row = self._db().execute("SELECT * FROM filings WHERE share_token = ?", (token,)).fetchone()
        return _filing(row) if row else None

    def filings(self, with_case: bool = True) -> list[Filing]:
        """Every filing by unit, project and year; `with_case=False` leaves `case_yaml` empty (a
        list of a thousand filings need not read a thousand case files)."""
        columns = "*" if with_case else ", ".join(f"'' AS {f.name}" if f.name == "case_yaml" else f.name
                                                  for f in dataclasses.fields(Filing))
        rows = self._db().execute(f"SELECT {columns} FROM filings ORDER BY unit, project, year DESC, id").fetchall()
        return [_filing(r) for r in rows]

    def filings_of(self, unit: str, project: str) -> list[Filing]:
        """One unit's (and project's) filings of every year, `case_yaml` left empty."""
        columns = ", ".join(f"'' AS {f.name}" if f.name == "case_yaml" else f.name for f in dataclasses.fields(Filing))
        rows = self._db().execute(f"SELECT {columns} FROM filings WHERE unit = ? AND project = ? ORDER BY year DESC, id",
                                  (unit, project)).fetchall()
        return [_filing(r) for r in rows]

    def case_jsons(self) -> dict[int, str]:
        """The filings' loaded case data as JSON, where kept."""
        rows = self._db().execute("SELECT id, case_json FROM filings WHERE case_json IS NOT NULL").fetchall()
        return {r["id"]: r["case_json"] for r in rows}

    def keep_case_json(self, kept: dict[int, tuple[str, str]]) -> None:
        """Keep the JSON of cases read for the first time: {id: (case_yaml it was read from, JSON)};
        a case changed meanwhile keeps none."""
        with self._db() as db:
            db.executemany("UPDATE filings SET case_json = ? WHERE id = ? AND case_yaml = ?",
                           [(js, fid, text) for fid, (text, js) in kept.items()])

    def set_reviews(self, filing_id: int, reviews: int) -> None:
        """Keep the count of a case's open review items (for a filing stored before it was kept)."""
        with self._db() as db:
            db.execute("UPDATE filings SET reviews = ? WHERE id = ?", (reviews, filing_id))

    def update_case(self, filing_id: int, case_yaml: str, *, unit: str, project: str, year: int | None, form: str,
                    who: str, action: str, detail: str, reviews: int | None = None, case_json: str | None = None) -> None:
        stamp = now()
        with self._db() as db:
            db.execute("UPDATE filings SET case_yaml = ?, unit = ?, project = ?, year = ?, form = ?, updated_at = ?,"
                       " reviews = ?, case_json = ? WHERE id = ?",
                       (case_yaml, unit, project, year, form, stamp, reviews, case_json, filing_id))
            db.execute("DELETE FROM results WHERE filing_id = ?", (filing_id,))  # a changed case is scored again
            db.execute("INSERT INTO audit (at, who, filing_id, action, detail) VALUES (?,?,?,?,?)",
                       (stamp, who, filing_id, action, detail))

    def original(self, filing: Filing) -> bytes:
        return (self.files / filing.source_file).read_bytes()

    # ------------------------------------------------------------------ results
    def save_result(self, filing_id: int, result_json: str, *, total: str, grade: str, status: str, pack: str,
                    who: str) -> None:
        import json

        stamp = now()
        data = json.loads(result_json)
        rules = " ".join(sorted({e["rule"] for e in (*data["ledger"], *data["findings"])}))
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO results (filing_id, result_json, total, grade, status, pack, scored_by,"
                       " scored_at, pack_sha, rules) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (filing_id, result_json, total, grade, status, pack, who, stamp, data["pack"]["sha256"], rules))
            db.execute("INSERT INTO audit (at, who, filing_id, action, detail) VALUES (?,?,?,?,?)",
                       (stamp, who, filing_id, "评分", f"{total} {grade} {pack}"))

    def result(self, filing_id: int) -> sqlite3.Row | None:
        return self._db().execute("SELECT * FROM results WHERE filing_id = ?", (filing_id,)).fetchone()

    def results(self) -> dict[int, sqlite3.Row]:
        return {r["filing_id"]: r for r in self._db().execute("SELECT * FROM results").fetchall()}

    def scored_by_pack(self) -> dict[int, sqlite3.Row]:
        """Every stored result's total, grade, pack hash and rule codes (what the impact preview
        needs; NULL hash: a result stored before they were kept, read its JSON)."""
        rows = self._db().execute("SELECT filing_id, total, grade, pack_sha, rules FROM results").fetchall()
        return {r["filing_id"]: r for r in rows}

    def outcomes(self, ids: list[int] | None = None) -> dict[int, sqlite3.Row]:
        """The stored results' total, grade, status, pack and who scored them when (of every
        filing, or of `ids`): `results` without the result JSON (what a list needs)."""
        query = "SELECT filing_id, total, grade, status, pack, scored_by, scored_at FROM results"
        if ids is None:
            return {r["filing_id"]: r for r in self._db().execute(query).fetchall()}
        found = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = self._db().execute(f"{query} WHERE filing_id IN ({','.join('?' * len(chunk))})", chunk)
            found.update({r["filing_id"]: r for r in rows.fetchall()})
        return found

    # ------------------------------------------------------------------ audit
    def log(self, who: str, action: str, detail: str, filing_id: int | None = None) -> None:
        with self._db() as db:
            db.execute("INSERT INTO audit (at, who, filing_id, action, detail) VALUES (?,?,?,?,?)",
                       (now(), who, filing_id, action, detail))

    def audit(self, filing_id: int | None = None, limit: int = 200) -> list[sqlite3.Row]:
        if filing_id is None:
            return self._db().execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return self._db().execute("SELECT * FROM audit WHERE filing_id = ? ORDER BY id DESC LIMIT ?",
                                  (filing_id, limit)).fetchall()
