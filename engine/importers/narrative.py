"""The self-evaluation report (自评报告): headings and the figures its sentences state.

Input is the report's lines in order (title excluded), each stripped. Output is the case's
`report` block plus review notes:

* `sections`: headings with their text. A line is a heading when it carries an outline number
  ("二、", "（一）", "1.") and is short, or when it is one of the national outline's titles written
  without a number ("下一步改进措施"). Any other short line without punctuation is read as a
  sub-heading, and that guess goes to review.
* `statements`: every "total …其中… parts" sentence: "2022年年初预算116.41万元，其中，一般公共
  服务支出95.04万元，…". The total is the last amount before "其中" (or, when a sentence starts
  with "其中", the last amount of the sentence before); parts are the "name amount" clauses after
  it, with their stated share ("占总支出的67.03%") and bracketed contents ("（办公经费和…）").
* `execution_rate`, `self_score` (the first "自评…得93分" sentence), `other_scores` (a
  "评价结果应用10分" line with numbered "1、整改落实5分。…得5分。" lines under it) and `staffing`
  ("编制人数5人，实有人数7人").
* dates written in the text ("2023年3月15日"): returned in `Figures.dates` (the case format has no
  field for them yet).

Amounts are Decimal 万元 (元/千元/亿元 are converted exactly); shares stay as written. All
vocabulary is in the tables below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .grid import squeeze

#: Section titles of the national report outline; a line equal to one of them (after its
#: number, if any) is a top-level heading even without "一、".
OUTLINE_TITLES: tuple[str, ...] = (
    "预算单位基本情况", "部门基本情况", "单位基本情况", "部门（单位）基本情况", "部门(单位)基本情况",
    "基本情况", "项目基本情况", "项目概况",
    "一般公共预算支出情况", "政府性基金预算支出情况", "国有资本经营预算支出情况",
    "部门整体支出绩效情况", "部门整体绩效情况", "项目绩效情况", "绩效目标实现情况",
    "存在的问题及原因分析", "存在的问题和原因分析", "存在的问题",
    "下一步改进措施", "改进措施", "下一步工作计划",
    "绩效自评结果拟应用和公开情况", "自评结果应用和公开情况", "其他需要说明的情况",
)
_OUTLINE_KEYS = frozenset(squeeze(t) for t in OUTLINE_TITLES)

_CN_NUM = "一二三四五六七八九十"
LEVEL1_NUMBER = re.compile(rf"^[{_CN_NUM}]+\s*[、.．]\s*")
LEVEL2_NUMBER = re.compile(rf"^(?:[（(]\s*[{_CN_NUM}]+\s*[）)]|[0-9]+\s*[.．](?![0-9])|[0-9]+\s*、)\s*")
#: A heading is short and has no sentence punctuation except at its end.
HEADING_MAX_CHARS = 30
UNNUMBERED_HEADING_MAX_CHARS = 20
SENTENCE_PUNCTUATION = "。，；：！？,;:!?"

MONEY_UNITS: dict[str, int] = {"万元": 0, "元": -4, "千元": -1, "亿元": 4}  # power of ten to 万元
_MONEY = r"(?P<amount>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>万元|亿元|千元|元)"
MONEY = re.compile(_MONEY)
SHARE = re.compile(r"占[^，,；;。%％0-9]{0,20}?(?P<share>[0-9]+(?:\.[0-9]+)?\s*[%％])")
PART = re.compile(
    r"^(?P<name>[^0-9（(]+?)\s*(?:[（(](?P<includes>[^）)]*)[）)])?\s*(?:为|是|共|合计|计)?\s*" + _MONEY
    + r"(?P<rest>.*)$"
)
YEAR_PREFIX = re.compile(r"^(?:[0-9]{4}\s*年度?|本年度?|全年)")
CLAUSE_BREAK = "，,；;：:。"
#: Split bracketed contents ("办公经费和联系非公人士及招商引资、乡村振兴工作") into names.
LIST_SEPARATORS = "、，,"
#: "和" also joins words inside names ("社会保障和就业支出"): split at it only when every piece
#: is an indicator name of the case.
AMBIGUOUS_JOINERS = ("和", "及", "与")

EXECUTION_RATE = re.compile(r"执行率[^0-9。；;，,]{0,6}(?P<rate>[0-9]+(?:\.[0-9]+)?\s*[%％])")
SCORE_WORDS = ("自评", "总分", "评分", "综合得分")
STATED_SCORE = re.compile(r"(?:得分|得|总分|评分)\s*(?:为|是)?\s*[:：]?\s*(?P<score>[0-9]+(?:\.[0-9]+)?)\s*分")
SCORED_GROUP = re.compile(r"^(?P<name>[^0-9，。；、,;]+?)\s*(?P<weight>[0-9]+(?:\.[0-9]+)?)\s*分$")
SCORED_ITEM = re.compile(
    r"^[0-9]+\s*[、.．]\s*(?P<name>[^0-9，。；,;]+?)\s*(?P<weight>[0-9]+(?:\.[0-9]+)?)\s*分\s*[。，；,;]?(?P<rest>.*)$"
)
ITEM_SCORE = re.compile(r"得(?:分)?\s*(?:为)?\s*(?P<score>[0-9]+(?:\.[0-9]+)?)\s*分")
AUTHORIZED = re.compile(r"编制(?:人数|数)?\s*(?:为|共)?\s*(?P<n>[0-9]+)\s*(?:人|名)")
ACTUAL_STAFF = re.compile(r"实有(?:人数|在编人数|人员)?\s*(?:为|共)?\s*(?P<n>[0-9]+)\s*(?:人|名)")
DATE_PATTERNS = (
    re.compile(r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*日"),
    re.compile(r"(?<![0-9])(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})(?![0-9])"),
)


@dataclass(frozen=True)
class Line:
    text: str
    where: str = ""


@dataclass
class Figures:
    """What the report states, for the reconciliation checks (`report` holds the same)."""

    statements: list[dict] = field(default_factory=list)
    execution_rate: str | None = None
    self_score: dict | None = None
    other_scores: list[dict] = field(default_factory=list)
    staffing: dict | None = None
    dates: list[tuple[str, str]] = field(default_factory=list)  # (as written, ISO yyyy-mm-dd)


@dataclass
class Note:
    path: tuple
    value: object
    reason: str


def to_wan(amount: str, unit: str) -> Decimal:
    """"107.57", "万元" -> Decimal("107.57"); "12,000", "元" -> Decimal("1.2000"). Exact."""
    return Decimal(amount.replace(",", "")).scaleb(MONEY_UNITS[unit])


def parse_date(text: str) -> str | None:
    """"2022年12月27日", "2022-12-27", "2022/12/27" -> "2022-12-27"; None if no valid date."""
    for pattern in DATE_PATTERNS:
        m = pattern.search(text)
        if m:
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def sentences(text: str) -> list[str]:
    """Split after 。！？ keeping the punctuation; the pieces concatenate back to `text`."""
    return [s for s in re.findall(r"[^。！？!?]*[。！？!?]+|[^。！？!?]+$", text) if s]


# --------------------------------------------------------------------------------------------
# Headings and sections
# --------------------------------------------------------------------------------------------


def _short_without_punctuation(rest: str, limit: int) -> bool:
    body = rest[:-1] if rest.endswith("。") else rest
    return 0 < len(rest) <= limit and not any(ch in SENTENCE_PUNCTUATION for ch in body)


def heading_level(text: str) -> tuple[int, bool] | None:
    """(level, guessed) if `text` is a heading, else None."""
    m = LEVEL1_NUMBER.match(text)
    if m and _short_without_punctuation(text[m.end():], HEADING_MAX_CHARS):
        return 1, False
    m = LEVEL2_NUMBER.match(text)
    if m and _short_without_punctuation(text[m.end():], HEADING_MAX_CHARS):
        return 2, False
    if squeeze(text) in _OUTLINE_KEYS:
        return 1, False
    if (
        _short_without_punctuation(text, UNNUMBERED_HEADING_MAX_CHARS)
        and not text.endswith("。")
        and re.search(r"[\u4e00-\u9fff]", text)
        and not re.match(r"^[0-9]", text)
    ):
        return 2, True
    return None


def read_sections(lines: list[Line], notes: list[Note]) -> tuple[list[dict], list[tuple[tuple, Line]]]:
    """Sections as in the case format, and every body line with the path of its section."""
    sections: list[dict] = []
    body: list[tuple[tuple, Line]] = []
    current: dict | None = None
    current_path: tuple = ()
    texts: dict[int, list[str]] = {}

    def open_section(heading: str, level: int) -> None:
        nonlocal current, current_path
        section = {"heading": heading, "text": ""}
        if level == 2 and sections:
            parent = sections[-1]
            parent.setdefault("subsections", []).append(section)
            current_path = ("report", "sections", len(sections) - 1, "subsections", len(parent["subsections"]) - 1)
        else:
            sections.append(section)
            current_path = ("report", "sections", len(sections) - 1)
        current = section
        texts[id(section)] = []

    for line in lines:
        found = heading_level(line.text)
        if found:
            level, guessed = found
            open_section(line.text, level)
            if guessed:
                where = "下级" if current_path[-2:-1] == ("subsections",) else "一级"
                notes.append(Note((*current_path, "heading"), line.text,
                                  f"未编号的短行，按{where}标题读入（{line.where}）"))
            continue
        if current is None:
            open_section("", 1)
            notes.append(Note((*current_path, "heading"), line.text,
                              f"报告正文前没有标题，标题留空（{line.where}）"))
        texts[id(current)].append(line.text)
        body.append((current_path, line))

    def finish(section: dict) -> None:
        section["text"] = "\n".join(texts[id(section)])
        for sub in section.get("subsections", []):
            finish(sub)

    for section in sections:
        finish(section)
    return sections, body


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def _split_top_level(text: str, separators: str) -> list[str]:
    """Split at separators outside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "（(《【[":
            depth += 1
        elif ch in "）)》】]":
            depth = max(0, depth - 1)
        elif ch in separators and depth == 0:
            if ch == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                continue  # a thousands separator: "1,250,000元"
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _topic(before_amount: str) -> str:
    clause = before_amount
    for i in range(len(clause) - 1, -1, -1):
        if clause[i] in CLAUSE_BREAK:
            clause = clause[i + 1:]
            break
    clause = clause.strip()
    clause = YEAR_PREFIX.sub("", clause).strip()
    return re.sub(r"^其中\s*[，,：:]?", "", clause).strip()


def _includes(text: str, known_names: frozenset[str], path: tuple, notes: list[Note]) -> list[str]:
    names: list[str] = []
    for piece in _split_top_level(text, LIST_SEPARATORS):
        if not piece:
            continue
        split = None
        for joiner in AMBIGUOUS_JOINERS:
            if joiner in piece:
                candidate = [p.strip() for p in piece.split(joiner)]
                if all(p in known_names for p in candidate):
                    split = candidate
                    break
        if split:
            names.extend(split)
        else:
            names.append(piece)
            if any(j in piece for j in AMBIGUOUS_JOINERS):
                notes.append(Note(path, piece, f"“{piece}”可能是几项的合称，未拆分，请核对"))
    return names


def _parts(text: str, path: tuple, known_names: frozenset[str], notes: list[Note], where: str) -> list[dict]:
    items: list[dict] = []
    text = text.lstrip("：:，, ")
    for clause in _split_top_level(text, "，,；;"):
        clause = re.sub(r"^其中\s*[，,：:]?\s*", "", clause)
        if not clause:
            continue
        share = SHARE.search(clause)
        m = PART.match(clause)
        if m:
            item = {"name": m["name"].strip(), "amount": to_wan(m["amount"], m["unit"])}
            rest_share = SHARE.search(m["rest"])
            if rest_share:
                item["share"] = rest_share["share"]
            if m["includes"] is not None and m["includes"].strip():
                inc_path = (*path, "items", len(items), "includes")
                item["includes"] = _includes(m["includes"].strip(), known_names, inc_path, notes)
            items.append(item)
        elif share and items and clause.startswith("占"):
            if "share" in items[-1]:
                notes.append(Note((*path, "items", len(items) - 1, "share"), clause,
                                  f"一项金额后有两个占比，只读入第一个（{where}）"))
            else:
                items[-1]["share"] = share["share"]
        elif MONEY.search(clause):
            notes.append(Note((*path, "items"), clause, f"“其中”后的这一句有金额但未读入（{where}）"))
    return items


def read_statements(body: list[tuple[tuple, Line]], known_names: frozenset[str], notes: list[Note]) -> list[dict]:
    statements: list[dict] = []
    for _section_path, line in body:
        pieces = sentences(line.text)
        for j, sentence in enumerate(pieces):
            at = sentence.find("其中")
            if at < 0:
                continue
            path = ("report", "statements", len(statements))
            before = sentence[:at]
            amounts = list(MONEY.finditer(before))
            quote_start = sentence
            if amounts:
                total = amounts[-1]
                topic = _topic(before[: total.start()])
            elif j > 0 and list(MONEY.finditer(pieces[j - 1])):
                previous = pieces[j - 1]
                total = list(MONEY.finditer(previous))[-1]
                topic = _topic(previous[: total.start()])
                quote_start = previous + sentence
            else:
                if MONEY.search(sentence[at:]):
                    notes.append(Note(("report", "statements"), sentence,
                                      f"“其中”前没有找到总额，此句未读入（{line.where}）"))
                continue
            items = _parts(sentence[at + 2:], path, known_names, notes, line.where)
            if not items:
                continue
            statements.append({
                "topic": topic,
                "quote": quote_start.strip(),
                "total": to_wan(total["amount"], total["unit"]),
                "items": items,
            })
    return statements


def read_other_scores(sections: list[dict]) -> tuple[list[dict], set[str]]:
    """Scored groups: a "评价结果应用10分" heading or line with numbered items under it."""
    groups: list[dict] = []
    used: set[str] = set()

    def visit(section: dict) -> None:
        lines = [section["heading"], *[t for t in section["text"].split("\n") if t]]
        i = 0
        while i < len(lines):
            g = SCORED_GROUP.match(lines[i])
            if g:
                items = []
                k = i + 1
                while k < len(lines) and SCORED_ITEM.match(lines[k]):
                    m = SCORED_ITEM.match(lines[k])
                    scores = list(ITEM_SCORE.finditer(m["rest"]))
                    items.append({
                        "name": m["name"].strip(),
                        "weight": Decimal(m["weight"]),
                        "score": Decimal(scores[-1]["score"]) if scores else None,
                        "quote": lines[k],
                    })
                    used.add(lines[k])
                    k += 1
                if items:
                    score = ITEM_SCORE.search(lines[i])
                    groups.append({
                        "name": g["name"].strip(),
                        "weight": Decimal(g["weight"]),
                        "score": Decimal(score["score"]) if score else None,
                        "quote": lines[i],
                        "items": items,
                    })
                    i = k
                    continue
            i += 1
        for sub in section.get("subsections", []):
            visit(sub)

    for section in sections:
        visit(section)
    return groups, used


def read_self_score(body: list[tuple[tuple, Line]], skip: set[str]) -> dict:
    for _path, line in body:
        if line.text in skip:
            continue
        for sentence in sentences(line.text):
            if not any(word in sentence for word in SCORE_WORDS):
                continue
            m = STATED_SCORE.search(sentence)
            if m:
                return {"score": Decimal(m["score"]), "quote": sentence.strip()}
    return {"score": None, "quote": ""}


def read_staffing(body: list[tuple[tuple, Line]]) -> dict | None:
    for _path, line in body:
        pieces = sentences(line.text)
        hits = [i for i, s in enumerate(pieces) if AUTHORIZED.search(s) or ACTUAL_STAFF.search(s)]
        if not hits:
            continue
        quote = "".join(pieces[hits[0]: hits[-1] + 1]).strip()
        a, b = AUTHORIZED.search(quote), ACTUAL_STAFF.search(quote)
        return {
            "authorized": int(a["n"]) if a else None,
            "actual": int(b["n"]) if b else None,
            "quote": quote,
        }
    return None


def read_execution_rate(body: list[tuple[tuple, Line]]) -> str | None:
    for _path, line in body:
        m = EXECUTION_RATE.search(line.text)
        if m:
            return m["rate"]
    return None


def read_dates(lines: list[Line]) -> list[tuple[str, str]]:
    found = []
    for line in lines:
        for pattern in DATE_PATTERNS:
            for m in pattern.finditer(line.text):
                iso = parse_date(m.group(0))
                if iso:
                    found.append((m.group(0), iso))
    return found


def read_report(
    title: str, lines: list[Line], known_names: frozenset[str] = frozenset()
) -> tuple[dict, Figures, list[Note]]:
    """The `report` block of a case from the report's lines (after its title)."""
    notes: list[Note] = []
    lines = [line for line in lines if line.text]
    sections, body = read_sections(lines, notes)
    if not sections:
        sections = [{"heading": "", "text": ""}]
        notes.append(Note(("report", "sections"), None, "报告没有正文"))
    other_scores, used = read_other_scores(sections)
    figures = Figures(
        statements=read_statements(body, known_names, notes),
        execution_rate=read_execution_rate(body),
        self_score=read_self_score(body, used),
        other_scores=other_scores,
        staffing=read_staffing(body),
        dates=read_dates(lines),
    )
    report: dict = {
        "title": title,
        "statements": figures.statements,
        "execution_rate": figures.execution_rate,
        "self_score": figures.self_score,
    }
    if figures.other_scores:
        report["other_scores"] = figures.other_scores
    if figures.staffing:
        report["staffing"] = figures.staffing
    report["sections"] = sections
    return report, figures, notes


__all__ = ["Figures", "Line", "Note", "read_report", "parse_date", "sentences", "to_wan"]
