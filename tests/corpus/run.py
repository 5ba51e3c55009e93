"""The corpus scoreboard: `make corpus` (or `python tests/corpus/run.py [--json] [DIR]`).

For every `tests/corpus/<id>/case.yaml` it scores the case in-process (the pack chosen by the
normal pack selection, or `provenance.yaml: pack:` when a filing needs another one), imports
`source.txt` with `jixiao import`'s reader, and compares both with what the reviewer wrote in
`expected.yaml` before the tool was run:

- cases scored / refused (a refusal is counted with its message, never a crash);
- rows scored: rows holding a value that got a verdict, i.e. a ledger entry other than 待复核: scored
  with points, or judged met / unmet / partial without points by the same comparison (a form that
  gives the row no points, outcome "judged"; counted apart as "of which judged without points"),
  at most `rows:` per case, against `rows:` transcribed ("其中" child rows are not in `rows:` and
  are not counted); and rows accounted: those plus the rows jixiao sent to review
  (待复核) that the reviewer also marked as not scorable (a category with `unscorable: true` in
  checks.yaml: unreadable, blank actual, placeholder, unfilled form);
- expected defects found: a finding (warning or error, not a passed check) whose rule is in the
  defect's category `rules` (checks.yaml) and, when the expectation names a row, concerns it; for
  a category with `found_by_review: true` (row.unreadable, "须人工复核") also a review item jixiao
  made for that row (review items are not findings: a row it could not read is put to a person);
- false alarms: expected-ok checks for which such a finding was raised;
- findings no expectation covers;
- import: rows of the hand transcription (those holding a value besides their name) the importer
  reproduced (name, target, actual, weight, score all equal).

It measures; it asserts nothing (no thresholds): `make test` runs only its unit tests
(tests/test_corpus.py).
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ENGINE_ROOT = ROOT   # the checkout whose engine and rules/ score the corpus (--engine: another one)
CASE_FILES = ("provenance.yaml", "source.txt", "case.yaml", "expected.yaml")
PROVENANCE_KEYS = ("url", "publisher", "province", "year", "layout", "form", "retrieved", "retrieved_via",
                   "published_as", "notes")
ALARM_SEVERITIES = ("warning", "error")
ROW_FIELDS = ("name", "target", "actual", "weight", "score")


# ───────────────────────────── reading the corpus ─────────────────────────────

def read_yaml(path: Path):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def discover(root: Path = HERE) -> list[Path]:
    """Every corpus folder (a folder holding case.yaml), sorted by name."""
    return sorted(p.parent for p in root.glob("*/case.yaml"))


def load_checks(root: Path = HERE) -> dict:
    return (read_yaml(root / "checks.yaml") or {}).get("categories") or {}


def structure_problems(folder: Path, checks: dict) -> list[str]:
    """What is wrong with a corpus folder's files (empty when it is well formed)."""
    problems = [f"{folder.name}: {name} missing" for name in CASE_FILES if not (folder / name).is_file()]
    if problems:
        return problems
    out: list[str] = []
    for name in ("provenance.yaml", "case.yaml", "expected.yaml"):
        try:
            data = read_yaml(folder / name)
        except yaml.YAMLError as exc:
            out.append(f"{folder.name}: {name} is not YAML: {exc}")
            continue
        if not isinstance(data, dict):
            out.append(f"{folder.name}: {name} is not a mapping")
    if out:
        return out
    prov = read_yaml(folder / "provenance.yaml")
    out += [f"{folder.name}: provenance.yaml lacks {k}" for k in PROVENANCE_KEYS if k not in prov]
    expected = read_yaml(folder / "expected.yaml")
    for key in ("written", "rows"):
        if key not in expected:
            out.append(f"{folder.name}: expected.yaml lacks {key}")
    seen: set[str] = set()
    for part in ("defects", "ok"):
        for item in expected.get(part) or []:
            ident = item.get("id")
            if not ident or ident in seen:
                out.append(f"{folder.name}: expected.yaml {part} item without a unique id: {item}")
            seen.add(ident)
            if item.get("check") not in checks:
                out.append(f"{folder.name}: expected.yaml {ident}: unknown check {item.get('check')!r}")
            if not str(item.get("evidence") or "").strip():
                out.append(f"{folder.name}: expected.yaml {ident}: no evidence")
    return out


# ───────────────────────────── rows of a case ─────────────────────────────

def case_rows(case: dict) -> list[dict]:
    """The indicator rows of a case's self-evaluation table in form order ("其中" children after
    their parent), each with the fields compared: name, target, actual, weight, score — and, under
    the key "_path", the row's field path in the case ("self_evaluation.indicators[0].groups[1].rows[2]"),
    which review items name."""
    rows: list[dict] = []

    def add(row: dict, path: str) -> None:
        rows.append({**{k: row.get(k) for k in ROW_FIELDS}, "_path": path})
        for c, child in enumerate(row.get("children") or []):
            add(child, f"{path}.children[{c}]")

    se = (case or {}).get("self_evaluation") or {}
    for b, block in enumerate(se.get("indicators") or []):
        for g, group in enumerate(block.get("groups") or []):
            for r, row in enumerate(group.get("rows") or []):
                add(row, f"self_evaluation.indicators[{b}].groups[{g}].rows[{r}]")
    return rows


def flagged_fields(case: dict) -> set[str]:
    """The field paths the case's own `review:` items name (an importer's doubts)."""
    return {str(item.get("field") or "") for item in (case or {}).get("review") or [] if isinstance(item, dict)}


def with_content(rows: list[dict]) -> list[dict]:
    """Rows that hold a value besides their name: template rows such as "指标2:" or "……" left
    blank on the form are transcribed but not counted in the import column."""
    return [r for r in rows if any(_norm_text(r.get(k)) for k in ROW_FIELDS[1:])]


def _norm_text(value) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", "", str(value))


def _norm_value(value) -> str:
    """Cell text compared without whitespace; a plain number compared by value (10 == 10.00)."""
    text = _norm_text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return format(number.normalize(), "f") if number.is_finite() else text


def compare_rows(hand: list[dict], imported: list[dict], flagged: set[str] = frozenset()) -> dict:
    """How many hand-transcribed rows the importer reproduced. Rows are paired by name in order
    (the first unused imported row of the same name); a pair is reproduced when every compared
    field is equal. Returns counts and, per field, how many paired rows differ in it; `flagged`
    (the imported case's review fields) counts the differing pairs whose every differing field,
    or the whole row, is named by a review item ("every difference in review:")."""
    used = [False] * len(imported)
    reproduced = paired = differing_flagged = 0
    field_misses = {k: 0 for k in ROW_FIELDS[1:]}
    for row in hand:
        name = _norm_text(row.get("name"))
        for i, other in enumerate(imported):
            if not used[i] and _norm_text(other.get("name")) == name:
                used[i] = True
                paired += 1
                diff = [k for k in ROW_FIELDS[1:] if _norm_value(row.get(k)) != _norm_value(other.get(k))]
                for k in diff:
                    field_misses[k] += 1
                reproduced += not diff
                path = other.get("_path") or ""
                if diff and path and (path in flagged or all(f"{path}.{k}" in flagged for k in diff)):
                    differing_flagged += 1
                break
    return {"rows": len(hand), "imported_rows": len(imported), "paired": paired, "reproduced": reproduced,
            "differing": paired - reproduced, "differing_flagged": differing_flagged, "field_misses": field_misses}


# ───────────────────────────── matching findings to expectations ─────────────────────────────

def _is_alarm(finding: dict) -> bool:
    return finding.get("severity") in ALARM_SEVERITIES and not finding.get("passed")


BUDGET_ROW = "预算执行率"      # what the ledger calls the budget block's row


def names_budget_row(want: str, budget_label: str | None) -> bool:
    """Whether an expectation's (normalized) row name is the budget row: 预算执行率 or the form's
    own label for it."""
    return want in {_norm_text(BUDGET_ROW), _norm_text(budget_label)} - {""}
WHOLE_FILING = "整份材料"       # the subject of a finding about the whole filing (budget adjustment, dates)


def concerns(finding: dict, row: str | None, ledger: list[dict], budget_label: str | None = None) -> bool:
    """Whether a finding concerns the row an expectation names (a 三级指标 name, 预算执行率, a part):
    its subject, its numbers' name, or the ledger item of its row number contains the name. The
    budget row goes by 预算执行率 or by the form's own label for it (`budget_label`, e.g.
    "部门整体支出预算调整"); a finding about the whole filing (预算调整率, whose figures are the
    budget block's) concerns the budget row."""
    if not row:
        return True
    want = _norm_text(row)
    if names_budget_row(want, budget_label):
        if finding.get("row") is None and finding.get("subject") in (BUDGET_ROW, WHOLE_FILING):
            return True
    names = [finding.get("subject"), (finding.get("numbers") or {}).get("name")]
    if finding.get("row") is not None:
        names += [e.get("item") for e in ledger if e.get("row") == finding["row"]]
    return any(want and (want == _norm_text(n) or want in _norm_text(n)) for n in names if n)


def of_kind(finding: dict, facts: list[str] | None) -> bool:
    """Whether a finding is of the kinds a category lists under `facts:` (for a rule that reports
    several reviewer categories, such as JX-R01's sums: `numbers.check` is self_scores_vs_total,
    section_points, funding_…). An entry ending in "_" is a prefix. No `facts:`, or a finding
    that names no kind: any finding of the rule."""
    kind = (finding.get("numbers") or {}).get("check")
    if not facts or kind is None:
        return True
    return any(kind == f or (f.endswith("_") and kind.startswith(f)) for f in facts)


ENGINE_REVIEW_SOURCES = ("row",)   # review items jixiao made itself (not the transcriber's own `review:` list)


def review_rows(result: dict) -> list[dict]:
    """The review items jixiao raised for a row it could not score (待复核), each a dict with the
    row's number and name: the transcriber's own `review:` notes (source "case") are not the
    tool's work and are left out."""
    return [item for item in result.get("review_items") or []
            if item.get("source") in ENGINE_REVIEW_SOURCES
            and (item.get("row") is not None or item.get("field") == "budget")]   # the budget row has no number


def review_concerns(item: dict, row: str | None, ledger: list[dict], budget_label: str | None = None) -> bool:
    """Whether a review item concerns the row an expectation names (any row when it names none):
    the item's subject, or the ledger item of its row number, contains the name; the budget row's
    item answers to 预算执行率 and to the form's own label for it (`budget_label`)."""
    if not row:
        return True
    want = _norm_text(row)
    if item.get("field") == "budget":
        return names_budget_row(want, budget_label)
    names = [item.get("subject")] + [e.get("item") for e in ledger if e.get("row") == item.get("row")]
    return any(want and (want == _norm_text(n) or want in _norm_text(n)) for n in names if n)


def found_by_review(expectation: dict, result: dict, checks: dict, budget_label: str | None = None) -> bool:
    """Whether jixiao's review items find an expectation: only for a category marked
    `found_by_review` (row.unreadable: the reviewer's "须人工复核" is what a review item says).
    `true`: a review item of any reason concerning the row; a list of rule codes: only review
    items whose row's 待复核 ledger entry came from one of those rules (row.score_without_values:
    JX-S09, "有分值、自评，但指标值与实际完成值都空白")."""
    category = checks.get(expectation.get("check")) or {}
    wanted = category.get("found_by_review")
    if not wanted:
        return False
    ledger = result.get("ledger") or []
    codes = set(wanted) if isinstance(wanted, list) else None
    for item in review_rows(result):
        if not review_concerns(item, expectation.get("row"), ledger, budget_label):
            continue
        if codes is None or any(e.get("row") == item.get("row") and e.get("outcome") == "review"
                                and e.get("rule") in codes for e in ledger):
            return True
    return False


def covering(expectation: dict, findings: list[dict], ledger: list[dict], checks: dict,
             exclude: set[int] = frozenset(), budget_label: str | None = None) -> list[int]:
    """Indexes of the alarm findings that cover an expectation."""
    category = checks.get(expectation.get("check")) or {}
    rules = set(category.get("rules") or [])
    return [i for i, f in enumerate(findings)
            if i not in exclude and _is_alarm(f) and f.get("rule") in rules
            and of_kind(f, category.get("facts")) and concerns(f, expectation.get("row"), ledger, budget_label)]


def rows_read(result: dict, names: set[str] | None = None, outcomes: tuple[str, ...] = ("scored", "judged")) -> int:
    """Indicator rows that got a verdict: a ledger entry whose outcome is in `outcomes` — by
    default scored with points or judged without points (met / unmet on a form that gives the row
    no points); never 待复核 (a row the engine could not read is not a row read). With `names`
    (the case's rows that hold a value), only entries for those rows count: an entry for a blank
    template row ("……") is not a row read. `outcomes=("judged",)` counts the judged rows alone."""
    return len({e["row"] for e in result.get("ledger") or [] if e.get("row") is not None
                and e.get("kind") != "review" and e.get("outcome", "scored") in outcomes
                and (names is None or _norm_text(e.get("item")) in names)})


def rows_accounted(result: dict, expected: dict, checks: dict, names: set[str] | None = None) -> int:
    """Rows scored, plus rows sent to review (待复核) that the reviewer also marked as not scorable
    (an expectation whose category says `unscorable: true`, naming the row, or naming no row:
    then it is about every row of the case). A review row the reviewer thought readable is not
    accounted for: the tool should have read it."""
    ledger = result.get("ledger") or []
    marks = [e for e in (expected.get("defects") or [])
             if (checks.get(e.get("check")) or {}).get("unscorable")]
    scored = {e["row"] for e in ledger if e.get("row") is not None and e.get("kind") != "review"
              and e.get("outcome") != "review" and (names is None or _norm_text(e.get("item")) in names)}
    accounted = set(scored)
    for e in ledger:
        if (e.get("row") is None or e["row"] in scored or e.get("outcome") != "review"
                or (names is not None and _norm_text(e.get("item")) not in names)):
            continue
        item = _norm_text(e.get("item"))
        if any(not m.get("row") or _norm_text(m["row"]) == item or _norm_text(m["row"]) in item for m in marks):
            accounted.add(e["row"])
    return len(accounted)


def _total_text(value) -> str:
    """A result's total or self-assessed total, whatever its shape (a number, or a mapping with
    score/total and grade). A withheld grade reads 暂不定级 and nothing scored 未评分, as the
    reports say, not the band the few points reach."""
    if isinstance(value, dict):
        number = value.get("score", value.get("total"))
        grade = "未评分" if value.get("nothing_scored") else "暂不定级" if value.get("grade_withheld") else value.get("grade")
        return f"{number}" + (f" {grade}" if grade else "") if number is not None else "–"
    return "–" if value is None else str(value)


def match(expected: dict, result: dict, checks: dict, budget_label: str | None = None) -> dict:
    """The expectations of one case against its result: defects found and missed, ok checks that
    raised an alarm, and alarms no expectation accounts for (neither a defect it finds nor an ok
    check it contradicts). `budget_label`: the form's own name for its budget row."""
    findings = result.get("findings") or []
    ledger = result.get("ledger") or []
    covered: set[int] = set()
    found, missed, false_alarms = [], [], []
    for defect in expected.get("defects") or []:
        hits = covering(defect, findings, ledger, checks, budget_label=budget_label)
        covered.update(hits)
        (found if hits or found_by_review(defect, result, checks, budget_label) else missed).append(defect["id"])
    alarmed: set[int] = set()
    for ok in expected.get("ok") or []:
        # a finding that finds an expected defect is accounted for: it is not also a false alarm
        hits = covering(ok, findings, ledger, checks, exclude=covered, budget_label=budget_label)
        alarmed.update(hits)
        if hits:
            false_alarms.append(ok["id"])
    # a finding raised against an expected-ok check is counted as a false alarm, not again here
    uncovered = [f"{f.get('rule')} {f.get('subject')}" for i, f in enumerate(findings)
                 if _is_alarm(f) and i not in covered and i not in alarmed]
    return {"found": found, "missed": missed, "false_alarms": false_alarms, "uncovered": uncovered}


# ───────────────────────────── running the tool ─────────────────────────────

def _first_lines(text: str, n: int = 2) -> str:
    """The first lines of a message, with this checkout's path prefix dropped."""
    text = str(text).replace(f"{HERE}/", "").replace(f"{ROOT}/", "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines[:n])


def score(case_path: Path, pack: str | None = None) -> tuple[dict | None, str | None]:
    """(result as the JSON report's dict, None) or (None, the refusal message)."""
    sys.path.insert(0, str(ENGINE_ROOT))
    try:
        from engine.api import score_file
        from engine.errors import JixiaoError
        from engine.report import render
    finally:
        sys.path.pop(0)
    try:
        result = score_file(str(case_path), str(ENGINE_ROOT / pack) if pack else None)
        return json.loads(render(result, "json")), None
    except JixiaoError as exc:
        return None, exc.render()
    except Exception as exc:  # a bug in the tool: counted as a refusal, named as such
        return None, f"内部错误 (internal error) {type(exc).__name__}: {exc}"


def import_case(source: Path) -> tuple[dict | None, str | None]:
    """The case `jixiao import`'s reader makes of a filing's stored text, or the refusal."""
    sys.path.insert(0, str(ENGINE_ROOT))
    try:
        from engine.errors import JixiaoError
        from engine.importers import import_file
    finally:
        sys.path.pop(0)
    try:
        return import_file(str(source)).case, None
    except JixiaoError as exc:
        return None, exc.render()
    except Exception as exc:
        return None, f"内部错误 (internal error) {type(exc).__name__}: {exc}"


@dataclass
class CaseReport:
    id: str
    family: str
    status: str = "scored"            # scored | refused | broken (folder malformed)
    message: str = ""
    rows: int = 0
    rows_read: int = 0               # rows scored: with points, or judged without points
    rows_judged: int = 0             # … of which judged without points (the form gives them none)
    rows_accounted: int = 0          # rows scored + 待复核 rows the reviewer also found not scorable
    defects: int = 0
    found: list = field(default_factory=list)
    missed: list = field(default_factory=list)
    ok: int = 0
    false_alarms: list = field(default_factory=list)
    uncovered: list = field(default_factory=list)
    total: str | None = None
    self_total: str | None = None
    import_rows: int = 0
    import_reproduced: int = 0
    import_differing: int = 0        # paired rows the importer read differently from the hand transcription
    import_flagged: int = 0          # … of which every difference is named by a review item
    import_message: str = ""
    refusal_note: str = ""           # provenance `refusal_note`: why the refusal is right (no rule for that year…)
    same_as: str = ""                # another folder transcribing the same filing (provenance same_filing_as)


def evaluate(folder: Path, checks: dict, do_import: bool = True) -> CaseReport:
    problems = structure_problems(folder, checks)
    prov = read_yaml(folder / "provenance.yaml") if (folder / "provenance.yaml").is_file() else {}
    report = CaseReport(id=folder.name, family=str((prov or {}).get("layout") or "?"))
    twin = str((prov or {}).get("same_filing_as") or "").split(" ")[0]
    if twin and (folder.parent / twin).is_dir():
        report.same_as = twin
    if problems:
        report.status, report.message = "broken", "; ".join(problems)
        return report
    expected = read_yaml(folder / "expected.yaml")
    report.rows = int(expected.get("rows") or 0)
    report.defects = len(expected.get("defects") or [])
    report.ok = len(expected.get("ok") or [])
    result, refusal = score(folder / "case.yaml", prov.get("pack"))
    if result is None:
        report.status, report.message = "refused", refusal or ""
        report.refusal_note = " ".join(str(prov.get("refusal_note") or "").split())
        report.missed = [d["id"] for d in expected.get("defects") or []]
    else:
        # the rows `rows:` counts: transcribed rows holding a value, "其中" children left out
        names = {_norm_text(r["name"]) for r in with_content(case_rows(read_yaml(folder / "case.yaml")))
                 if ".children[" not in r["_path"]}
        report.rows_read = min(rows_read(result, names), report.rows)
        report.rows_judged = min(rows_read(result, names, ("judged",)), report.rows_read)
        report.rows_accounted = min(rows_accounted(result, expected, checks, names), report.rows)
        case = read_yaml(folder / "case.yaml") or {}
        label = (((case.get("self_evaluation") or {}).get("budget") or {}).get("label"))
        m = match(expected, result, checks, budget_label=str(label) if label else None)
        report.found, report.missed = m["found"], m["missed"]
        report.false_alarms, report.uncovered = m["false_alarms"], m["uncovered"]
        report.total, report.self_total = _total_text(result.get("total")), _total_text(result.get("self_assessed"))
    if do_import:
        hand = with_content(case_rows(read_yaml(folder / "case.yaml")))
        imported, failure = import_case(folder / "source.txt")
        report.import_rows = len(hand)
        if imported is None:
            report.import_message = failure or ""
        else:
            compared = compare_rows(hand, case_rows(imported), flagged_fields(imported))
            report.import_reproduced = compared["reproduced"]
            report.import_differing, report.import_flagged = compared["differing"], compared["differing_flagged"]
    return report


# ───────────────────────────── summing up ─────────────────────────────

def _pct(part: int, whole: int) -> str:
    return f"{Decimal(part * 100) / Decimal(whole):.1f}%" if whole else "–"


def summarize(reports: list[CaseReport]) -> dict:
    def totals(rs: list[CaseReport]) -> dict:
        return {
            "cases": len(rs),
            "scored": sum(r.status == "scored" for r in rs),
            "refused": sum(r.status == "refused" for r in rs),
            "broken": sum(r.status == "broken" for r in rs),
            "rows": sum(r.rows for r in rs),
            "rows_read": sum(r.rows_read for r in rs),
            "rows_judged": sum(r.rows_judged for r in rs),
            "rows_accounted": sum(r.rows_accounted for r in rs),
            "defects": sum(r.defects for r in rs),
            "defects_found": sum(len(r.found) for r in rs),
            "defects_in_scored": sum(r.defects for r in rs if r.status == "scored"),   # refused filings left out
            "ok": sum(r.ok for r in rs),
            "false_alarms": sum(len(r.false_alarms) for r in rs),
            "uncovered": sum(len(r.uncovered) for r in rs),
            "import_rows": sum(r.import_rows for r in rs),
            "import_reproduced": sum(r.import_reproduced for r in rs),
            "import_differing": sum(r.import_differing for r in rs),
            "import_flagged": sum(r.import_flagged for r in rs),
        }

    families = sorted({r.family for r in reports})
    return {"totals": totals(reports),
            "families": {f: totals([r for r in reports if r.family == f]) for f in families},
            "cases": [asdict(r) for r in reports]}


def render_text(summary: dict, commit: str = "", date: str = "") -> str:
    t = summary["totals"]
    out = [f"corpus scoreboard ({date}, commit {commit})" if commit else "corpus scoreboard",
           f"cases: {t['cases']}   scored: {t['scored']}   refused: {t['refused']}"
           + (f"   malformed: {t['broken']}" if t["broken"] else "")]
    for c in summary["cases"]:
        if c["status"] != "scored":
            out.append(f"  {c['status']}: {c['id']}: {_first_lines(c['message'])}")
            if c.get("refusal_note"):
                out.append(f"      why no pack applies: {c['refusal_note']}")
    twins = sorted({tuple(sorted((c["id"], c["same_as"]))) for c in summary["cases"] if c.get("same_as")})
    if twins:
        out.append(f"same filing in two folders (counted twice until one is kept): {len(twins)}")
        out += [f"  {a} = {b}" for a, b in twins]
    out += [
        f"rows scored:                     {t['rows_read']} / {t['rows']} ({_pct(t['rows_read'], t['rows'])})"
        "   (a verdict: scored with points, or judged met / unmet without points by the same rules)",
        f"  of which judged without points: {t['rows_judged']}   (the form gives the row no points; not 待复核)",
        f"rows accounted:                  {t['rows_accounted']} / {t['rows']} ({_pct(t['rows_accounted'], t['rows'])})"
        "   (scored, or 待复核 where the reviewer also marked the row unreadable, blank or a placeholder)",
        f"expected defects found:          {t['defects_found']} / {t['defects']} ({_pct(t['defects_found'], t['defects'])})",
        f"  … in the filings a pack scores: {t['defects_found']} / {t['defects_in_scored']} "
        f"({_pct(t['defects_found'], t['defects_in_scored'])})   (the refused filings' defects left out)",
        f"false alarms on expected-ok:     {t['false_alarms']} / {t['ok']} ({_pct(t['false_alarms'], t['ok'])})",
        f"findings no expectation covers:  {t['uncovered']}",
        f"import, rows reproduced:         {t['import_reproduced']} / {t['import_rows']} "
        f"({_pct(t['import_reproduced'], t['import_rows'])})",
        f"import, rows read differently:   {t['import_differing']}, of which every difference is in review: "
        f"{t['import_flagged']} ({_pct(t['import_flagged'], t['import_differing'])})",
        "",
        f"{'family':<14}{'cases':>6}{'scored':>7}{'refused':>8}{'rows scored':>12}{'accounted':>10}{'defects':>10}"
        f"{'false al.':>10}{'uncov.':>7}{'import':>10}",
    ]
    for fam, f in summary["families"].items():
        out.append(f"{fam:<14}{f['cases']:>6}{f['scored']:>7}{f['refused']:>8}"
                   f"{str(f['rows_read']) + '/' + str(f['rows']):>12}"
                   f"{str(f['rows_accounted']) + '/' + str(f['rows']):>10}"
                   f"{str(f['defects_found']) + '/' + str(f['defects']):>10}"
                   f"{str(f['false_alarms']) + '/' + str(f['ok']):>10}{f['uncovered']:>7}"
                   f"{str(f['import_reproduced']) + '/' + str(f['import_rows']):>10}")
    out += ["", "per case (missed defects, false alarms, uncovered findings):"]
    for c in summary["cases"]:
        judged = f"judged {c['rows_judged']}, " if c.get("rows_judged") else ""
        line = (f"  {c['id']}: {c['status']}, rows {c['rows_read']}/{c['rows']} ({judged}accounted {c['rows_accounted']}), "
                f"defects {len(c['found'])}/{c['defects']}, false alarms {len(c['false_alarms'])}/{c['ok']}, "
                f"uncovered {len(c['uncovered'])}, import {c['import_reproduced']}/{c['import_rows']}")
        if c["total"] is not None:
            line += f", total {c['total']} (self {c['self_total']})"
        out.append(line)
        if c["missed"]:
            out.append(f"      missed: {', '.join(c['missed'])}")
        if c["false_alarms"]:
            out.append(f"      false alarms: {', '.join(c['false_alarms'])}")
        if c["uncovered"]:
            out.append(f"      uncovered: {'; '.join(c['uncovered'])}")
        if c["import_message"]:
            out.append(f"      import refused: {_first_lines(c['import_message'], 1)}")
    return "\n".join(out) + "\n"


def _commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(ENGINE_ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the real-filings corpus and print the scoreboard.")
    parser.add_argument("root", nargs="?", default=str(HERE), help="corpus folder (default: tests/corpus)")
    parser.add_argument("--json", action="store_true", help="print the scoreboard as JSON")
    parser.add_argument("--no-import", action="store_true", help="skip the import column")
    parser.add_argument("--write-readme", action="store_true",
                        help="also write the scoreboard into the corpus README's “## Scoreboard” section")
    parser.add_argument("--engine", metavar="DIR", help="score with the engine and rules/ of another checkout "
                        "(e.g. an exported branch), to measure it before it is merged")
    args = parser.parse_args(argv)
    if args.engine:
        global ENGINE_ROOT
        ENGINE_ROOT = Path(args.engine).resolve()
        if "engine" in sys.modules:
            parser.error("--engine must be given before the engine is imported")
    root = Path(args.root)
    checks = load_checks(root if (root / "checks.yaml").is_file() else HERE)
    reports = [evaluate(folder, checks, not args.no_import) for folder in discover(root)]
    summary = summarize(reports)
    commit, date = _commit() or f"engine {ENGINE_ROOT}", datetime.date.today().isoformat()
    text = render_text(summary, commit, date)
    if args.json:
        print(json.dumps({"commit": commit, "date": date, **summary}, ensure_ascii=False, indent=1))
    else:
        print(text, end="")
    if args.write_readme:
        readme = root / "README.md"
        readme.write_text(with_scoreboard(readme.read_text(encoding="utf-8"), text, commit, date), encoding="utf-8")
    return 0


SCOREBOARD_HEADING = "## Scoreboard"


def with_scoreboard(readme: str, text: str, commit: str, date: str) -> str:
    """The README with its "## Scoreboard" section (to the next "## " heading or the end)
    replaced by this run's output."""
    at = re.search(rf"^{re.escape(SCOREBOARD_HEADING)}$", readme, flags=re.MULTILINE)  # the heading line itself, not "## Scoreboard history"
    head, sep, rest = (readme[:at.start()], SCOREBOARD_HEADING, readme[at.end():]) if at else (readme, "", "")
    if not sep:
        head, rest = readme.rstrip("\n") + "\n\n", ""
    following = rest.find("\n## ")
    tail = rest[following + 1:] if following >= 0 else ""
    body = (f"{SCOREBOARD_HEADING}\n`make corpus` on {date}, commit {commit} "
            f"(`python tests/corpus/run.py --write-readme` rewrites this section):\n\n```\n{text}```\n")
    return head + body + ("\n" + tail if tail else "")


if __name__ == "__main__":
    sys.exit(main())
