"""What the workbench does with a case: read an upload into case files, resolve a review item,
score. Plain functions over the engine's own stages (the same import, load, validate and score as
the CLI), kept apart from the HTTP layer so they are tested directly.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

from ..errors import JixiaoError, Problem

CASE_SCHEMA = "case.schema.json"
YAML_SUFFIXES = (".yaml", ".yml")
IMPORT_SUFFIXES = (".docx", ".xlsx", ".xlsm", ".txt", ".text", ".md", ".htm", ".html", ".pdf", ".doc", ".xls",
                   ".wps", ".et", ".csv", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_FILE = 20 << 20  # one filing
MAX_ZIP_MEMBERS = 200
MAX_ZIP_INFLATED = 200 << 20  # a zip of filings, unpacked
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class Upload:
    """One filing read from an upload: its case YAML and what identifies it."""

    name: str  # the file's name as uploaded (shown, never used as a path)
    raw: bytes
    kind: str  # yaml, docx, xlsx, text …
    case: dict
    case_yaml: str

    @property
    def key(self) -> tuple[str, str, int | None, str]:
        return (str(self.case.get("unit") or ""), str(self.case.get("project") or ""), self.case.get("year"),
                str(self.case.get("form") or ""))


def _error(name: str, message: str, code: str = "E-UPLOAD") -> JixiaoError:
    return JixiaoError([Problem(code=code, message=message, stage="web", file=name)])


def _safe_suffix(name: str) -> str:
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix or "") else ""


def validated(text: str, name: str) -> dict:
    """The case data of YAML text, loaded and schema-validated like `jixiao score` does."""
    from ..load import load_text
    from ..validate import validate

    doc = load_text(text, name)
    validate(doc, CASE_SCHEMA)
    return doc.data


def read_upload(name: str, raw: bytes) -> list[Upload]:
    """The filings in one uploaded file: a case YAML, a filing to import, or a zip of them."""
    if len(raw) > MAX_FILE:
        raise _error(name, f"文件有 {len(raw)} 字节，超过 {MAX_FILE >> 20} MiB 上限", "E-UPLOAD-SIZE")
    suffix = _safe_suffix(name)
    if suffix == ".zip" or (raw[:4] == b"PK\x03\x04" and suffix not in (".docx", ".xlsx", ".xlsm")):
        return _read_zip(name, raw)
    if suffix in YAML_SUFFIXES:
        from ..load import decode

        text, _ = decode(raw, name)
        return [Upload(name, raw, "yaml", validated(text, name), text)]
    return [_imported(name, raw, suffix)]


def _read_zip(name: str, raw: bytes) -> list[Upload]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except zipfile.BadZipFile:
        raise _error(name, "zip 文件已损坏，无法打开") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise _error(name, f"zip 中有 {len(members)} 个文件，超过 {MAX_ZIP_MEMBERS} 个的上限", "E-UPLOAD-ZIP")
    if sum(m.file_size for m in members) > MAX_ZIP_INFLATED:
        raise _error(name, f"zip 解压后超过 {MAX_ZIP_INFLATED >> 20} MiB 上限（疑似压缩炸弹）", "E-UPLOAD-ZIP")
    uploads = []
    for member in members:
        inner = PurePosixPath(member.filename.replace("\\", "/")).name  # never a path from the archive
        if not inner or inner.startswith(".") or _safe_suffix(inner) not in (*YAML_SUFFIXES, *IMPORT_SUFFIXES):
            continue
        with archive.open(member) as handle:
            data = handle.read(MAX_FILE + 1)  # bounded whatever the header claims
        uploads += read_upload(f"{name}/{inner}", data)
    if not uploads:
        raise _error(name, "zip 中没有可导入的文件（yaml、docx、xlsx、pdf、html、文本）")
    return uploads


def _imported(name: str, raw: bytes, suffix: str) -> Upload:
    from ..importers import dump_case, import_file

    with tempfile.TemporaryDirectory(prefix="jixiao-web-") as tmp:
        path = Path(tmp) / f"upload{suffix or '.txt'}"
        path.write_bytes(raw)
        try:
            result = import_file(path)
        except JixiaoError as exc:
            raise JixiaoError([Problem(**{**p.__dict__, "file": name}) for p in exc.problems]) from None
    case = result.case
    text = dump_case(case, [f"由 jixiao 工作台从 {name} 导入。review 中列出导入时无法确定的单元格。"])
    return Upload(name, raw, result.source.kind, validated(text, name), text)


# ---------------------------------------------------------------- review items

def _parts(field: str) -> list[str | int]:
    parts: list[str | int] = []
    for match in _PATH_PART.finditer(field):
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
    return parts


def _locate(case: dict, field: str):
    parts = _parts(field)
    if not parts:
        raise KeyError(field)
    node = case
    for part in parts[:-1]:
        node = node[part]
    if isinstance(parts[-1], str) and not isinstance(node, dict) or isinstance(parts[-1], int) and not isinstance(node, list):
        raise KeyError(field)
    return node, parts[-1]


ACTIONS = {"accept": "确认无误", "correct": "改正", "not_applicable": "不适用"}
NOT_APPLICABLE_TEXT = "/"  # the forms' own mark for a cell that does not apply


def resolve(case: dict, index: int, action: str, value: str = "") -> tuple[dict, str]:
    """The case with review item `index` resolved, and a line for the audit log. `accept` keeps
    the cell as read; `correct` writes `value` into it (a number where the field holds figures);
    `not_applicable` writes the forms' "/" (or a blank figure). The item leaves the list."""
    items = list(case.get("review") or ())
    if not 0 <= index < len(items):
        raise ValueError("没有这一条待复核项")
    item = items[index]
    field = str(item["field"])
    detail = f"{field}：{ACTIONS[action]}"
    if action in ("correct", "not_applicable"):
        try:
            node, key = _locate(case, field)
            old = node[key]
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"案卷中找不到 {field}") from None
        figure = isinstance(old, (int, float, Decimal)) and not isinstance(old, bool) or old is None
        if action == "not_applicable":
            new = None if figure and not isinstance(old, str) else NOT_APPLICABLE_TEXT
        else:
            text = value.strip()
            if figure and not isinstance(old, str):
                try:
                    new = None if text == "" else Decimal(text)
                except InvalidOperation:
                    raise ValueError(f"{field} 应填数字，“{text}”不是数字") from None
            else:
                new = text
        node[key] = new
        detail += f"（原值 {old!s} → {new!s}）"
    del items[index]
    if items:
        case["review"] = items
    else:
        case.pop("review", None)
    return case, detail


def case_text(case: dict) -> str:
    from ..importers import dump_case

    return dump_case(case, ["由 jixiao 工作台保存；修改记录见工作台的审计日志。"])


# ---------------------------------------------------------------- scoring

def score_text(case_yaml: str, pack_dir: str | None = None, matcher: str | None = None):
    """Score case YAML as `jixiao score` scores a file (same pack selection, same stages)."""
    from ..api import score_file

    with tempfile.TemporaryDirectory(prefix="jixiao-web-") as tmp:
        path = Path(tmp) / "case.yaml"
        path.write_text(case_yaml, encoding="utf-8")
        return score_file(path, pack_dir, matcher)


# ------------------------------------------------------------------ the loaded case, kept as JSON
# A case's YAML takes about half the time of scoring it to parse; the impact preview reads every
# stored filing. The store keeps the loaded data beside the text as JSON (which C parses in a
# fraction of that), exact: a Decimal is written as {"\u0000d": "1.50"} (its digits as written; data
# with that key itself, which only a quoted "\0d" could write, is not kept), everything else the
# loader gives (str, int, bool, None, lists, mappings with text keys) is JSON's own.
_DECIMAL_KEY = "\x00d"


def _encode(value):
    if isinstance(value, Decimal):
        return {_DECIMAL_KEY: str(value)}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or _DECIMAL_KEY in value:
            raise TypeError("a mapping key that is not text, or the Decimal mark itself")
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, bool, int)):
        return value
    raise TypeError(f"{type(value).__name__} is not kept as JSON")


def _decimal_hook(mapping: dict):
    return Decimal(mapping[_DECIMAL_KEY]) if len(mapping) == 1 and _DECIMAL_KEY in mapping else mapping


def data_json(data) -> str | None:
    """The loaded case data as JSON (`data_from_json` gives it back, equal and of the same types),
    or None when it holds something JSON would not give back exactly."""
    import json

    try:
        return json.dumps(_encode(data), ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None


def data_from_json(text: str):
    import json

    return json.loads(text, object_hook=_decimal_hook)


def case_json(case_yaml: str) -> str | None:
    """The JSON of a case's YAML as the loader reads it, kept only for a case the schema accepts
    (the preview builds the case from it without validating again); None otherwise."""
    try:
        return data_json(validated(case_yaml, "case.yaml"))
    except JixiaoError:
        return None
