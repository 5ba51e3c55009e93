"""Glued text -> Source: a table whose cells lost every separator.

Document mirrors and some page extractions give a filing's tables as one run of characters:

    …三级指标分值年度指标值全年实际值得分未完成原因及拟采取的改进措施产出指标(70分)数量指标
    安装坡面水标尺10≥266米≥266米10水标尺宽度10≥50厘米≥50厘米10质量指标…总分100100

Such a table is still labelled: its header is a run of column words (`grid_columns` of
vocabulary.yaml), which gives the order of the cells in every row; the level headings
(`row_starts`) stand where a block or group begins; and each kind of cell has a shape (`glued:`
in vocabulary.yaml: a number with a unit or a comparator, a word of a qualitative value, 是/否, a
percentage). The rows are found by a least-cost parse of the whole body: every way of cutting it
into headings and rows is weighed by the cells it leaves empty, the digits it has to split ("6620"),
the words it reads as values rather than as part of a name; the cheapest wins. Nothing read so is
certain: every cell carries a doubt (each figure goes to review), and a row that could also be
cut another way at the same cost says so in its cells' doubt.

Only a header run written without any line break inside it starts such a table, so text whose
cells stand on lines of their own (lines.py) is never read here.
"""

from __future__ import annotations

import heapq
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .grid import Cell, Row, Source, _traditional
from .vocabulary import vocabulary

GLUED_DOUBT = "从连写文本按表头列序拆分"
MAX_BODY = 8_000  # characters of one table's body parsed so; the rest is read as text
MAX_ROW_STARTS = 2_000  # positions where rows are tried in one text (~500 rows): past it the rest is text
MAX_NAME = 60
MAX_NUMBER_CHARS = 14  # a cell's number is never longer ("123456789.1234"): a longer run is cut no further
MAX_REASON = 80
TOP_K = 8  # readings of a row's cells kept per end position
MAX_READINGS = 64  # readings of the cells from one position kept in all
ROWS_PER_START = 8  # rows tried at one position
ALTERNATIVE_MARGIN = 0.05  # readings this close to the cheapest are kept
#: a cut of the same cells dearer only by the plausibility costs (a 0 cut off, figures far apart)
#: is still named as an alternative: those costs choose, they do not make the cut certain
PLAUSIBLE_MARGIN = 1.55
MIN_HEADER_WORDS = 3

VALUE_ROLES = ("target", "adjusted_target", "actual", "completion")
#: Which value columns a row with fewer values than value columns fills first.
VALUE_PRIORITY = ("target", "actual", "completion", "adjusted_target")
TEXT_ROLES = ("reason", "explanation", "criteria")
LEVEL_ROLES = ("level1", "level2", "label", "levels")

#: Cost of a column left empty (a row is the cheaper the more of its columns it fills).
EMPTY_COST = {"target": 1.0, "actual": 1.0, "completion": 1.0, "adjusted_target": 0.0, "unit": 0.5,
              "comparator": 0.3, "coefficient": 1.5, "weight": 1.0, "score": 1.0, "core": 1.0}
ROW_COST = 0.5
QUAL_COST = 0.2  # a value read as a word (高, 好) rather than left in the name
SPLIT_COST = 0.5  # a number cut out of a longer run of digits ("22" -> 2 | 2)
DAMAGED_COST = 0.4
UNIT_MISMATCH_COST = 0.3  # a value without the unit its row's 计量单位 cell names (a tie-break:
# where every value of a table is written bare, a dearer cost would leave its rows to long names)
LONG_DIGIT_RUN = 5  # digits in a row inside a name count as a figure (a year has four)
ZERO_CUT_COST = 1.0
TEXT_VALUE_COST = 0.6  # a value cell written in words, between the name's figures (scoresheets)
DASH_COST = 0.3  # "一" / "-" for an empty 指标值 before such a text
TEXT_DASHES = "一-—－"
MIN_TEXT_VALUE = 2
MAX_TEXT_VALUE = 40
MAGNITUDE_COST = 0.5  # a target and its actual more than ten times apart (or one of them 0), or a
# figure against a word  # a 分值 of 0, or a 得分 of 0 cut off a run of digits
HEADING_IN_NAME_COST = 2.0
HEADING_AT_NAME_START_COST = 0.5
DIGIT_NAME_COST = 0.3
VALUES_IN_NAME_COST = 2.0
UNIT_NAME_COST = 1.0
JUNK_COST = 0.5
REASON_COST = 0.3
JUNK_COST_PER_CHAR = 0.2
BAD_FIGURES_COST = 1.0

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_OR_PUNCT = re.compile(r"[\u3400-\u9fff\uf900-\ufaff、，。：；（）“”‘’《》【】！？…—：]")
_NUMBER = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_FIGURE_PAIR = re.compile(r"[0-9][^\s0-9.\-—~～至%％]{1,3}?[≥≤<>=]?[0-9]")
_NAME_STOPS = set("。，,；;：:！？!?\n")
_POINTS = r"(?:[（(]\s*[0-9]+(?:\.[0-9]+)?\s*分\s*[)）]|[0-9]+(?:\.[0-9]+)?分)?"
_NOTE = r"(?:[（(][^（()）]{0,10}[)）])?"


# ─────────────────────────────── vocabulary ───────────────────────────────

def _simple(text: str) -> str:
    return text.translate(_traditional())


@lru_cache(maxsize=1)
def _lex() -> dict:
    v = vocabulary()
    g = v["glued"]
    header: dict[str, str] = {}
    for role, words in v["grid_columns"].items():
        for w in words:
            header.setdefault(_simple(re.sub(r"[（(][^（()）]*[)）]", "", w)), role)
    for w in g["level_columns"]:
        header.setdefault(w, "levels")
    words = sorted(header, key=len, reverse=True)
    header_re = re.compile("(?:" + "|".join(re.escape(w) for w in words) + ")" + _NOTE)
    level1 = set(v["row_starts"]["level1"])
    level2 = set(v["row_starts"]["level2"])
    labels = set(v["grid_columns"]["label"])
    headings = sorted(level1 | level2 | labels, key=len, reverse=True)
    # a short heading (投入, 产出, 管理) is a common word inside names: a heading only with its points
    long_ = [re.escape(w) for w in headings if len(w) >= 4]
    short = [re.escape(w) for w in headings if len(w) < 4]
    heading_re = re.compile("(?:(?:" + "|".join(long_) + ")" + _POINTS + ")|(?:(?:" + "|".join(short) + ")"
                            + _POINTS.rstrip("?") + ")")
    anagrams: dict[int, dict[str, str]] = {}
    for w in headings:
        if len(w) >= 4:
            anagrams.setdefault(len(w), {}).setdefault("".join(sorted(w)), w)
    directions = sorted(set(v["direction_words"]) | {"≥", "≤", "=", "＝", ">", "<", ">=", "<="}, key=len, reverse=True)
    ends = [re.escape(w) for w in g["ends"]]
    labels_ = v["labels"]
    top = [*labels_["unit"], *labels_["project"], *labels_["supervisor"], *labels_["implementer"],
           *labels_["project_category"], labels_["filing_unit"], *labels_["footer"], *g["top_labels"]]
    top_re = re.compile("(?:" + "|".join(re.escape(_simple(w)) for w in sorted(set(top), key=len, reverse=True))
                        + ")[：:]?")
    starts = {w[0] for key in ("units", "comparators", "damaged_comparators", "qualitative", "core") for w in g[key]}
    starts |= {w[0] for w in directions} | {ch for w in v["direction_words"] for ch in w} | {" "}  # scrambled too
    return {
        "cell_starts": frozenset(starts),
        "top_labels": top_re,
        "header": header, "header_re": header_re,
        "level1": level1, "level2": level2, "labels": labels, "heading_re": heading_re, "anagrams": anagrams,
        "label_re": re.compile("|".join(re.escape(w) for w in sorted(labels, key=len, reverse=True))),
        "units": sorted(set(g["units"]), key=len, reverse=True),
        "units_by_first": _by_first(g["units"]),
        "damaged_number": re.compile("(?=[0-9" + re.escape("".join(g["damaged_digits"])) + "]*[0-9IO])"
                                     "[0-9" + re.escape("".join(g["damaged_digits"])) + "]{1,3}(?![a-zA-Z])"),
        "placeholder": re.compile(g["placeholder"]),
        "unit_starts": frozenset(u[0] for u in g["units"]) | {"年", "月", "日", "岁", "级", "类", "期", "号", "版"},
        "comparators": sorted(g["comparators"], key=len, reverse=True),
        "damaged_cmp": tuple(g["damaged_comparators"]),
        "damaged_digits": "".join(g["damaged_digits"]),
        "qualitative": sorted(set(g["qualitative"]), key=len, reverse=True),
        "core": tuple(g["core"]),
        "directions": directions,
        "direction_anagrams": {"".join(sorted(w)): w for w in v["direction_words"] if len(w) >= 4},
        "ends": re.compile("(?:" + "|".join(ends) + ")|" + g["section"][1:]),
        "total": sorted(v["labels"]["total_row"], key=len, reverse=True),
        "fillers": sorted(g["fillers"], key=len, reverse=True),
        "page_mark": re.compile(g["page_mark"]),
    }


def _repaired(text: str) -> str:
    """A figure with the letters OCR puts for digits (IO -> 10) read as those digits; only ever
    with a flag in the cell's doubt (the cell is in review saying so)."""
    return text.translate(_DAMAGED_DIGITS) if text and not text.isdigit() else text


_DAMAGED_DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})


def _bare(text: str) -> Decimal | None:
    """The number of a value cell written as a number with at most a comparator or unit around it."""
    m = re.fullmatch(r"[^0-9]{0,3}?([0-9]+(?:\.[0-9]+)?)[^0-9]{0,4}", text)
    try:
        return Decimal(m.group(1)) if m else None
    except InvalidOperation:
        return None


def _by_first(words) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for w in sorted(set(words), key=len, reverse=True):
        out.setdefault(w[0], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


# ─────────────────────────────── text ───────────────────────────────

def _normalize(text: str) -> tuple[str, list[int], list[bool]]:
    """The text with a mirror's page marks ("2、" at the start of each page's text) dropped and
    joined to the page before, and whitespace next to a Chinese character dropped ("成 品粮");
    with the line of each character, and whether a line break or a space stood before it."""
    lex = _lex()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    marks = [i for i, line in enumerate(lines) if lex["page_mark"].match(line)]
    numbered = set()
    expect = 1
    for i in marks:
        if int(lex["page_mark"].match(lines[i])[1]) == expect:
            numbered.add(i)
            expect += 1
    if expect <= 2:  # a single "1、" is a list item, not a mirror's page
        numbered = set()
    chars: list[str] = []
    line_of: list[int] = []
    broken: list[bool] = []
    for i, line in enumerate(lines):
        joined = i in numbered
        if joined:
            line = line[lex["page_mark"].match(line).end():]
        elif i:
            chars.append("\n")
            line_of.append(i + 1)
            broken.append(True)
        for ch in line:
            chars.append(ch)
            line_of.append(i + 1)
            broken.append(False)
    out: list[str] = []
    out_lines: list[int] = []
    out_broken: list[bool] = []
    k = 0
    n = len(chars)
    while k < n:
        ch = chars[k]
        if ch.isspace() and ch != "\n":
            j = k
            while j < n and chars[j].isspace() and chars[j] != "\n":
                j += 1
            before = out[-1] if out else ""
            after = chars[j] if j < n else ""
            if not (_CJK_OR_PUNCT.match(before or "a") or _CJK_OR_PUNCT.match(after or "a")) and before and after \
                    and before != "\n" and after != "\n":
                out.append(" ")
                out_lines.append(line_of[k])
                out_broken.append(False)
            elif j < n:
                broken[j] = True  # a space stood here
            k = j
            continue
        out.append(ch)
        out_lines.append(line_of[k])
        out_broken.append(broken[k])
        k += 1
    return "".join(out), out_lines, out_broken


def _header_runs(key: str, spaced: list[bool]) -> list[tuple[int, int, list[tuple[str, str, str]]]]:
    """(start, end, [(word as written, canonical word, role)]) of each run of header words written
    without separators (a run whose words are mostly separated by spaces is lines.py's)."""
    lex = _lex()
    runs = []
    matches = list(lex["header_re"].finditer(key))
    k = 0
    while k < len(matches):
        m = matches[k]
        run = [(m.group(0), m.group(0), lex["header"][re.sub(r"[（(][^（()）]*[)）]$", "", m.group(0))])]
        start, end = m.start(), m.end()
        k += 1
        while k < len(matches):
            nxt = matches[k]
            gap = key[end:nxt.start()]
            if gap:
                word = _near_anagram(gap, lex["header"])
                if word is None or "\n" in gap:
                    break
                run.append((gap, word, lex["header"][word]))
            if "\n" in key[end:nxt.end()]:
                break
            run.append((nxt.group(0), nxt.group(0), lex["header"][re.sub(r"[（(][^（()）]*[)）]$", "", nxt.group(0))]))
            end = nxt.end()
            k += 1
        roles = [r for _w, _c, r in run]
        bounds = [i for i in _word_starts(start, run)[1:]]
        if sum(1 for i in bounds if spaced[i]) * 3 > len(bounds):
            continue
        if len(run) >= MIN_HEADER_WORDS and "name" in roles and {"target", "actual", "weight", "score"} & set(roles) \
                and "\n" not in key[start:end]:
            runs.append((start, end, run))
    return runs


def _word_starts(start: int, run: list) -> list[int]:
    out = []
    for written, _c, _r in run:
        out.append(start)
        start += len(written)
    return out


def _near_anagram(gap: str, words: dict[str, str]) -> str | None:
    """A header word whose characters the gap holds in another order, with at most one more
    (a cell written vertically and read across: "年成值全完值" for 全年完成值)."""
    if len(gap) > 10 or len(gap) < 3:
        return None
    best = None
    for w in words:
        if len(w) >= 3 and 0 <= len(gap) - len(w) <= 1 and w != gap:
            pool = list(gap)
            ok = True
            for ch in w:
                if ch in pool:
                    pool.remove(ch)
                else:
                    ok = False
                    break
            if ok and (best is None or len(w) > len(best)):
                best = w
    return best


# ─────────────────────────────── the parse ───────────────────────────────

class _Table:
    """The least-cost reading of one table's body."""

    def __init__(self, key: str, text: str, start: int, end: int, roles: list[str], budget: list[int]) -> None:
        self.lex = _lex()
        self.key, self.text, self.start, self.end = key, text, start, end
        self.roles = roles
        after = roles[roles.index("name") + 1:]
        self.slots: list[tuple[str, ...]] = []
        for role in after:
            if role in VALUE_ROLES:
                if self.slots and self.slots[-1][0] == "values":
                    self.slots[-1] = (*self.slots[-1], role)
                else:
                    self.slots.append(("values", role))
            elif role in LEVEL_ROLES or role == "name":
                continue
            else:
                self.slots.append((role,))
        self.slots = [s for s in self.slots if s[0] in ("values", "unit", "comparator", "coefficient", "weight", "score",
                                                        "core", *TEXT_ROLES)]
        self.scored = any(slot[0] in ("weight", "score", "coefficient") for slot in self.slots)
        self.has_unit = any(slot[0] == "unit" for slot in self.slots)
        self.ok = all(s[0] not in TEXT_ROLES for s in self.slots[:-1])  # free text only as the last column
        # level headings stand in the text only where the header has a level column
        self.levels = bool(set(roles) & set(LEVEL_ROLES))
        self.heading_at: dict[int, tuple[int, str, float]] = {}
        self.boundary = [False] * (end + 1)
        self.boundary[end] = True
        for p in range(start, end):
            h = self._heading(p)
            if h is not None and not (p - (h[0] - p) >= start and key[p - (h[0] - p):p] == key[p:h[0]]):
                self.heading_at[p] = h  # (a heading's word right after the same heading begins the name)
            if p in self.heading_at or key[p] == "\n" or self._end_at(p):
                self.boundary[p] = True
        self.memo_slots: dict[tuple[int, int], list] = {}
        self.budget = budget  # positions where rows may still be tried, shared by the tables of a text
        self.memo_figures: dict[tuple, float | None] = {}
        # the points of the level-1 heading before each position ("产出指标(70分)"): a row's weight is
        # never over them
        self.points_at: list[Decimal | None] = [None] * (end + 1)
        points = None
        for p in range(start, end + 1):
            h = self.heading_at.get(p)
            if h is not None:
                m = re.search(r"([0-9]+(?:\.[0-9]+)?)\s*分", h[1])
                if m:
                    points = Decimal(m.group(1))
            self.points_at[p] = points

    # tokens ---------------------------------------------------------------------------------

    def _heading(self, p: int) -> tuple[int, str, float] | None:
        if not self.levels:  # only the label column's word, repeated where a page broke the table
            m = self.lex["label_re"].match(self.key, p, self.end)
            return (m.end(), m.group(0), 0.0) if m else None
        m = self.lex["heading_re"].match(self.key, p, self.end)
        if m:
            return m.end(), m.group(0), 0.0
        for length, table in self.lex["anagrams"].items():
            chunk = self.key[p:p + length]
            if len(chunk) == length and "".join(sorted(chunk)) in table and chunk not in self.lex["level2"]:
                return p + length, table["".join(sorted(chunk))], 0.1
        return None

    def _end_at(self, p: int) -> bool:
        return bool(self.lex["ends"].match(self.key, p, self.end))

    def _space(self, q: int) -> int:
        return q + 1 if q < self.end and self.key[q] == " " else q

    def _numbers(self, q: int) -> list[tuple[int, float]]:
        """Ends of the numbers starting at q, with the cost of cutting a run of digits."""
        key = self.key
        m = re.compile(r"[0-9]+(?:\.[0-9]+)?").match(key, q, self.end)
        if not m:
            return []
        out = []
        for e in range(q + 1, min(m.end(), q + MAX_NUMBER_CHARS) + 1):
            if key[e - 1] == "." or (e < self.end and key[e] == "."):
                continue
            if _NUMBER.fullmatch(key, q, e):
                cut = e < self.end and key[e].isdigit()
                out.append((e, SPLIT_COST if cut else 0.0))
        return out

    def _units(self, q: int) -> list[int]:
        if q >= self.end:
            return []
        return [q + len(u) for u in self.lex["units_by_first"].get(self.key[q], ())
                if self.key.startswith(u, q) and q + len(u) <= self.end]

    def _values(self, q: int) -> list[tuple[int, float, str]]:
        """(end, cost, flag) of each value cell starting at q."""
        key = self.key
        q = self._space(q)
        out: list[tuple[int, float, str]] = []
        starts = [(q, 0.0, "")]
        for c in self.lex["comparators"]:
            if key.startswith(c, q):
                starts.append((q + len(c), 0.0, ""))
                break
        for c in self.lex["damaged_cmp"]:
            if key.startswith(c, q) and q + len(c) < self.end and (key[q + len(c)].isdigit()
                                                                  or key[q + len(c)] in self.lex["damaged_digits"]):
                starts.append((q + len(c), DAMAGED_COST, f"“{c}”疑为比较符的 OCR 误读"))
        for s, cost, flag in starts:
            for e, cut in self._numbers(s):
                out.append((e, cost + cut, flag))
                for u in self._units(e):
                    out.append((u, cost + cut, flag))
            m = re.compile("[0-9" + re.escape(self.lex["damaged_digits"]) + "]+").match(key, s, self.end)
            if m and not m.group(0).isdigit() and m.group(0)[0] not in "olI":
                for u in self._units(m.end()):
                    out.append((u, cost + DAMAGED_COST, "数字中有像数字的字母，疑为 OCR 误读"))
        for w in self.lex["qualitative"]:
            if key.startswith(w, q):
                out.append((q + len(w), QUAL_COST, ""))
        if q < self.end and key[q] in TEXT_DASHES and q + 1 < self.end and (key[q + 1].isdigit() or key[q + 1] in "≥≤<>="):
            out.append((q + 1, DASH_COST, ""))  # "一100%": a dash for an empty 指标值, then the next value
        return out

    def _slot_options(self, slot: tuple[str, ...], q: int, nxt: str | None = None) -> list[tuple[int, float, tuple]]:
        """(end, cost, cells) for one slot at q; cells are (role, start, end, flag); `nxt` is the
        kind of the slot after it."""
        kind = slot[0]
        key = self.key
        if kind == "values":
            roles = slot[1:]
            out = []
            paths: list[tuple[int, float, tuple]] = [(q, 0.0, ())]
            for _ in range(len(roles)):
                paths = [(e, cost + c, (*got, (self._space(pos), e, flag)))
                         for pos, cost, got in paths for e, c, flag in self._values(pos)]
                out.extend(paths)
            out = [(q, 0.0, ())] + out
            result = []
            seen = set()
            for e, cost, got in out:
                if (e, got) in seen:
                    continue
                seen.add((e, got))
                chosen = [r for r in VALUE_PRIORITY if r in roles][:len(got)]
                ordered = [r for r in roles if r in chosen]
                cells = tuple((r, s, t, flag) for r, (s, t, flag) in zip(ordered, got))
                empty = sum(EMPTY_COST[r] for r in roles if r not in chosen)
                result.append((e, cost + empty, cells))
            if nxt in ("weight", "score") and {"target", "actual"} <= set(roles):
                result += self._text_values(q, roles)
            return result
        out = [(q, EMPTY_COST.get(kind, 0.0), ())]
        p = self._space(q)
        if kind == "unit":
            out += [(e, 0.0, ((kind, p, e, ""),)) for e in self._units(p)]
        elif kind == "comparator":
            for w in self.lex["directions"]:
                if key.startswith(w, p):
                    out.append((p + len(w), 0.0, ((kind, p, p + len(w), ""),)))
            for length in {len(w) for w in self.lex["direction_anagrams"].values()}:
                chunk = key[p:p + length]
                if "".join(sorted(chunk)) in self.lex["direction_anagrams"] and chunk not in self.lex["direction_anagrams"].values():
                    word = self.lex["direction_anagrams"]["".join(sorted(chunk))]
                    out.append((p + length, 0.0, ((kind, p, p + length, f"字序错乱，疑为“{word}”"),)))
        elif kind == "coefficient":
            for e, cut in self._numbers(p):
                if e < self.end and key[e] in "%％":
                    out.append((e + 1, cut, ((kind, p, e + 1, ""),)))
        elif kind in ("weight", "score"):  # never over 100 (see _figures): not kept as a reading
            out += [(e, cut, ((kind, p, e, ""),)) for e, cut in self._numbers(p) if Decimal(key[p:e]) <= 100]
            m = self.lex["damaged_number"].match(key, p, self.end)
            if m and not m.group(0).isdigit() and (m.end() >= self.end or not key[m.end()].isalpha() or _CJK.match(key[m.end()])):
                fixed = _repaired(m.group(0))
                if _NUMBER.fullmatch(fixed) and Decimal(fixed) <= 100:
                    out.append((m.end(), DAMAGED_COST, ((kind, p, m.end(), f"“{m.group(0)}”疑为“{fixed}”的 OCR 误读"),)))
        elif kind == "core":
            out += [(p + 1, 0.0, ((kind, p, p + 1, ""),)) for c in self.lex["core"] if key.startswith(c, p)]
        elif kind in TEXT_ROLES:
            r = p
            while r < self.end and not self.boundary[r] and r - p <= MAX_REASON:
                r += 1
            chunk = key[p:r]
            if r > p and self.boundary[r] and not re.search(r"[0-9%％]", chunk) and "\n" not in chunk:
                out.append((r, REASON_COST, ((kind, p, r, ""),)))
        return out

    def _text_values(self, q: int, roles: tuple[str, ...]) -> list[tuple[int, float, tuple]]:
        """The value cells of a row written in words ("一" then "目标明确、内容细化、目标量化";
        "符合相关文件要求符合相关文件要求"), read only where a number (the 分值 or 得分) follows:
        a dash first is an empty 指标值; a text that is two equal halves is 指标值 and 完成值; any
        other text is the 完成值 alone, and says so."""
        key = self.key
        p = self._space(q)
        out = []
        starts = [(p, ())]
        if p < self.end and key[p] in TEXT_DASHES:
            starts.append((p + 1, (("target", p, p + 1, ""),)))
        for s, lead in starts:
            if s >= self.end or key[s] == "指" or not (_CJK.match(key[s]) or key[s].isdigit()):
                continue
            r = s
            while r < self.end and r - s <= MAX_TEXT_VALUE and not self.boundary[r]:  # (a heading is a boundary)
                r += 1
                if r - s < MIN_TEXT_VALUE or r >= self.end or not key[r].isdigit() or key[r - 1].isdigit() \
                        or key[r - 1] in ".%％":
                    continue
                chunk = key[s:r]
                half = (r - s) // 2
                halves = (r - s) % 2 == 0 and chunk[:half] == chunk[half:]
                if len(_CJK.findall(chunk)) < MIN_TEXT_VALUE or chunk[0] in "指" \
                        or (not halves and (not _CJK.match(chunk[0]) or re.search(r"[0-9（()）:：]", chunk))):
                    continue  # figures in a text: only a text written twice ("2021年12月完成" as 指标值 and 完成值)
                if not lead and halves:
                    cells = (("target", s, s + half, ""), ("actual", s + half, r, ""))
                    out.append((r, 2 * TEXT_VALUE_COST, cells))
                elif lead:
                    out.append((r, DASH_COST + TEXT_VALUE_COST, (*lead, ("actual", s, r, ""))))
                else:
                    flag = "一段文字，未能分出指标值与完成值，读作完成值"
                    out.append((r, TEXT_VALUE_COST + EMPTY_COST["target"], (("actual", s, r, flag),)))
        return out

    def _slots_from(self, si: int, q: int) -> list[tuple[int, float, tuple]]:
        if si == len(self.slots):
            return [(q, 0.0, ())]
        memo = self.memo_slots.get((si, q))
        if memo is not None:
            return memo
        out = []
        nxt = self.slots[si + 1][0] if si + 1 < len(self.slots) else None
        for e, c, cells in self._slot_options(self.slots[si], q, nxt):
            for e2, c2, rest in self._slots_from(si + 1, e):
                out.append((e2, c + c2, cells + rest))
        out.sort(key=lambda x: x[1])
        kept: dict[int, int] = {}
        pruned = []
        for item in out:
            if kept.get(item[0], 0) < TOP_K:
                kept[item[0]] = kept.get(item[0], 0) + 1
                pruned.append(item)
                if len(pruned) >= MAX_READINGS:
                    break
        self.memo_slots[(si, q)] = pruned
        return pruned

    # rows -----------------------------------------------------------------------------------

    def _name_costs(self, p: int, limit: int):
        """(e, cost) for each end e of a row's name starting at p that could be one, worked out
        incrementally: a name holds two Chinese characters or more; each run of digits in it, each
        percentage or pair of figures ("100%", "10≥2"), each heading inside it make it dearer; it
        stops before two such figures (a name does not run over a row's cells)."""
        key = self.key
        if key[p] in "%％)）、-—~～/.·" or re.match(r"[0-9.]+[%％]", key[p:p + 16]):
            return
        starts = self.lex["cell_starts"]
        inside = [(x, self.heading_at[x][0]) for x in range(p, limit) if x in self.heading_at]
        unit_before = p > 0 and key[p - 1].isdigit() and bool(self._units(p))
        cjk = runs = figures = digits = 0
        for e in range(p + 1, limit + 1):
            c = key[e - 1]
            if _CJK.match(c):
                cjk += 1
                if e - 2 > p and key[e - 2].isdigit() and e - 2 - digits >= p \
                        and _CJK.match(key[e - 2 - digits]) and c not in self.lex["unit_starts"]:
                    figures += 1  # "可行性2实际": a figure between two texts is a cell (孕产妇7天: a unit follows)
            elif c.isdigit():
                if e - 1 == p or not key[e - 2].isdigit():
                    runs += 1
                    digits = 0
                digits += 1
                if digits == LONG_DIGIT_RUN:  # "万亩2810810": a row's cells glued, not part of a name
                    figures += 1
                for j in range(max(p, e - 6), e - 2):
                    if key[j].isdigit() and _FIGURE_PAIR.fullmatch(key, j, e):
                        figures += 1
                        break
            elif c in "%％":
                figures += 1
            if figures >= 2:
                return
            if e < p + 2 or cjk < 2:
                continue
            if e < self.end and not (key[e] in starts or key[e].isdigit()):
                continue  # no cell starts with this character: the name goes on
            cost = DIGIT_NAME_COST * runs + VALUES_IN_NAME_COST * figures
            if c.isdigit() and e < self.end and key[e].isdigit():
                cost += 2 * SPLIT_COST  # a run of digits cut between the name and the first cell
            if unit_before:
                cost += UNIT_NAME_COST  # "0起|市民…": the unit belongs to the figure before
            x = p
            for start, end in inside:  # each heading inside the name: it more likely starts a block or group
                if start >= x and end <= e:
                    # a name may begin with a heading's word (预算执行率, 财务管理制度有效性)
                    cost += HEADING_AT_NAME_START_COST if start == p and end < e else HEADING_IN_NAME_COST
                    x = end
            yield e, cost

    def _figures_cost(self, cells: tuple, p: int) -> float | None:
        key = (cells, self.points_at[p])
        if key not in self.memo_figures:
            self.memo_figures[key] = self._figures(cells, self.points_at[p])
        return self.memo_figures[key]

    def _figures(self, cells: tuple, points: Decimal | None) -> float | None:
        """The cost of a row's figures: impossible ones (None), inconsistent ones (score over
        weight, score ≠ weight × coefficient, a value without its row's unit)."""
        values = {}
        for role, s, t, _flag in cells:
            if role in ("weight", "score", "coefficient"):
                try:
                    values[role] = Decimal(_repaired(self.key[s:t]).rstrip("%％"))
                except InvalidOperation:
                    return None
        if self.scored and not values:
            return None  # a row of a scored table holds a weight, a score or a coefficient
        w, sc, co = values.get("weight"), values.get("score"), values.get("coefficient")
        if (w is not None and w > 100) or (sc is not None and sc > 100) or (co is not None and co > 100):
            return None
        cost = 0.0
        unit = next((self.key[s:t] for role, s, t, _f in cells if role == "unit"), None)
        if unit is not None:
            for role, s, t, _f in cells:
                if role in VALUE_ROLES and re.fullmatch(r"[0-9.]+", self.key[s:t]) and self.key[s:t] != "0":
                    cost += UNIT_MISMATCH_COST
                elif role in VALUE_ROLES and re.search(r"[0-9]", self.key[s:t]):
                    written = re.sub(r"^.*?[0-9.]+", "", self.key[s:t])
                    if written and written != unit and written in self.lex["units"]:
                        return None  # a value in another unit than its row's 计量单位 ("10110天" under 万亩)
        if w is not None and points is not None and w > points:
            return None  # a row's weight is never over its block's points
        if w is not None and sc is not None and sc > w:
            cost += BAD_FIGURES_COST
        texts = {role: self.key[s:t] for role, s, t, _f in cells if role in ("target", "actual")}
        a, b = _bare(texts.get("target", "")), _bare(texts.get("actual", ""))
        if a is not None and b is not None and ((a == 0) != (b == 0) or (a and b and max(a, b) > 10 * min(a, b))):
            cost += MAGNITUDE_COST  # a target and its actual far apart: more likely digits cut elsewhere
        elif len(texts) == 2 and (a is None) != (b is None) and texts["target" if a is None else "actual"] in self.lex["qualitative"]:
            cost += MAGNITUDE_COST  # a figure against a word ("2501050" | "有" of the next name)
        if w is not None and w == 0:
            cost += ZERO_CUT_COST  # a row's 分值 is not 0 (a "0" cut out of "10100" belongs to a figure)
        if sc is not None and sc == 0 and self._cut_from_run(cells, "score"):
            cost += ZERO_CUT_COST  # nor its 得分, where the 0 was cut off a run of digits ("100.110")
        if w is not None and sc is not None and co is not None and (w * co / 100 - sc).copy_abs() > Decimal("0.01"):
            cost += BAD_FIGURES_COST
        return cost

    def _ends_in_unit(self, p: int, e: int) -> bool:
        """Whether the name key[p:e] ends in a unit of two characters or more, or %."""
        return any(e - len(u) > p and self.key.startswith(u, e - len(u)) and (len(u) > 1 or u in "%％")
                   for u in self.lex["units"])

    def _cut_from_run(self, cells: tuple, role: str) -> bool:
        """Whether the cell of `role` was cut off the end of a longer run of digits."""
        for r, s, _t, _f in cells:
            if r == role:
                return s > self.start and (self.key[s - 1].isdigit() or self.key[s - 1] == ".")
        return False

    def rows_at(self, p: int) -> list[tuple[float, int, int, tuple]]:
        """(cost, name end, row end, cells) of each row starting at p, cheapest first."""
        out = []
        limit = min(p + MAX_NAME, self.end)
        for x in range(p, limit):
            if self.key[x] in _NAME_STOPS:
                limit = x
                break
        top: list[float] = []  # the costs of the cheapest ROWS_PER_START rows so far, negated (a max-heap)
        for e, name_cost in self._name_costs(p, limit):
            base = ROW_COST + name_cost
            for end, cost, cells in self._slots_from(0, e):  # cheapest first
                if len(top) >= ROWS_PER_START and base + cost > -top[0] + ALTERNATIVE_MARGIN:
                    break  # dearer than the rows kept (figure checks only add to a cost)
                if not cells or (end < self.end and (self.key[end].isdigit() or self.key[end] in "%％.")):
                    continue
                fig = self._figures_cost(cells, p)
                if fig is None:
                    continue
                if self.has_unit and not any(c[0] == "unit" for c in cells) and self._ends_in_unit(p, e):
                    fig += UNIT_NAME_COST  # "…面积万亩|28": the 计量单位 cell read into the name
                total = base + cost + fig
                out.append((total, e, end, cells))
                heapq.heappush(top, -total)
                if len(top) > ROWS_PER_START:
                    heapq.heappop(top)
        out.sort(key=lambda x: x[0])
        if len(top) >= ROWS_PER_START:
            out = [o for o in out if o[0] <= -top[0] + ALTERNATIVE_MARGIN]
        return out

    def _options(self, p: int) -> list[tuple[float, tuple | None, int | None]]:
        """The ways to read the body at p: (cost, item or None, where the reading goes on or None)."""
        key = self.key
        if key[p] == "\n" or self._end_at(p):
            return [(0.0, ("stop", p), None)]
        for label in self.lex["total"]:
            if key.startswith(label, p):
                return [(0.0, ("total", p, p + len(label)), None)]
        options: list[tuple[float, tuple | None, int | None]] = []
        if key[p] == " ":
            options.append((0.0, None, p + 1))
        for f in self.lex["fillers"]:
            if key.startswith(f, p):
                options.append((0.0, None, p + len(f)))
                break
        m = self.lex["placeholder"].match(key, p, self.end)
        if m:  # "指标2:" a template row left blank: no row to read
            options.append((0.0, ("template", p, m.end()), m.end()))
        h = self.heading_at.get(p)
        if h is not None:
            options.append((h[2], ("heading", p, h[0], h[1]), h[0]))
        else:  # text before a heading that no row can hold (a damaged heading): skipped, said so
            for r in range(p + 1, min(p + 13, self.end)):
                if key[r - 1] == "\n" or key[r - 1].isdigit():
                    break
                if r in self.heading_at:
                    options.append((JUNK_COST + JUNK_COST_PER_CHAR * (r - p), ("junk", p, r), r))
                    break
        self.budget[0] -= 1
        rows = self.rows_at(p) if self.budget[0] >= 0 else []
        for k, (cost, e, end, cells) in enumerate(rows[:ROWS_PER_START]):
            alternatives = tuple(r[3] for r in rows if r[1] == e and r[2] == end and r[3] != cells
                                 and r[0] - cost < PLAUSIBLE_MARGIN)
            options.append((cost, ("row", p, e, end, cells, alternatives), end))
        options.append((JUNK_COST_PER_CHAR * (self.end - p), ("rest", p), None))
        return options

    def best(self, start: int) -> tuple[float, tuple]:
        """The cheapest reading of the body from `start`: (cost, items). Worked out without
        recursion (a long table is a long chain of rows), each position once."""
        choice: dict[int, tuple[float, tuple | None, int | None]] = {}
        pending: dict[int, list] = {}
        stack = [start]
        while stack:
            p = stack[-1]
            if p >= self.end or p in choice:
                stack.pop()
                continue
            options = pending.get(p)
            if options is None:
                options = pending[p] = self._options(p)
            missing = [q for _c, _i, q in options if q is not None and q < self.end and q not in choice]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            choice[p] = min(((c + (choice[q][0] if q is not None and q < self.end else 0.0), item, q)
                             for c, item, q in options), key=lambda o: o[0])
            del pending[p]
        if start >= self.end:
            return 0.0, ()
        items = []
        p: int | None = start
        while p is not None and p < self.end:
            _cost, item, p = choice[p]
            if item is not None:
                items.append(item)
        return choice[start][0], tuple(items)


# ─────────────────────────────── Source ───────────────────────────────

def parse_glued(text: str, name: str = "<text>") -> Source | None:
    """The Source of a text holding glued tables, or None when it holds none (or none with rows)."""
    norm, line_of, spaced = _normalize(text)
    key = _simple(norm)
    if len(key) != len(norm):  # pragma: no cover - the mapping is one character to one
        return None
    runs = _header_runs(key, spaced)
    if not runs:
        return None
    source = Source(path=name, kind="text")
    budget = [MAX_ROW_STARTS]
    cursor = 0
    table = -1
    found_rows = 0

    def where(p: int) -> str:
        return f"第 {line_of[min(p, len(line_of) - 1)]} 行" if line_of else ""

    def para(a: int, b: int, labels: bool = False) -> None:
        for piece in _paragraphs(norm[a:b]):
            text_, off = piece
            if not text_.strip():
                continue
            pairs = _label_pairs(text_) if labels else None
            if pairs is None:
                source.rows.append(Row(cells=(Cell(paras=(text_,), where=where(a + off)),), table=None,
                                       where=where(a + off)))
                continue
            for label, value, o in pairs:
                at = where(a + off + o)
                cells = (Cell(paras=(label,), where=at),) + ((Cell(paras=(value,), where=at, doubt=GLUED_DOUBT),)
                                                              if label else ())
                if not label:
                    cells = (Cell(paras=(value,), where=at),)
                source.rows.append(Row(cells=cells, table=None, where=at))

    for n, (start, end, words) in enumerate(runs):
        body_end = runs[n + 1][0] if n + 1 < len(runs) else len(key)
        if len(key) - end > MAX_BODY and body_end - end > MAX_BODY:
            body_end = end + MAX_BODY
        newline = key.find("\n", end, body_end)  # a line break (not a mirror's page mark) ends the table
        if newline >= 0:
            body_end = newline
        roles = [r for _w, _c, r in words]
        t = _Table(key, norm, end, body_end, roles, budget)
        if not t.ok:
            continue
        cost, items = t.best(end)
        if not any(it[0] == "row" for it in items):
            continue
        para(cursor, start, labels=table < 0)
        table += 1
        found_rows += _emit(source, t, table, words, items, where)
        cursor = _parsed_end(t, items, end)
    if not found_rows:
        return None
    para(cursor, len(norm))
    source.notes.append("表格文字连写（单元格之间没有分隔），按表头的列序拆分，每一格都需核对")
    return source


_ROLE_NAMES = {"comparator": "指标性质", "target": "指标值", "actual": "完成值", "adjusted_target": "调整指标值",
               "completion": "完成率", "unit": "计量单位"}


def _label_pairs(text: str) -> list[tuple[str, str, int]] | None:
    """A glued line of the form's top labels ("项目名称某某项目主管部门某某局实施单位…") as
    (label, value, offset) pairs, the text before the first label as ("", text, 0); None when the
    line holds fewer than two labels (it is then a paragraph as written)."""
    hits = list(_lex()["top_labels"].finditer(_simple(text)))
    if len(hits) < 2:
        return None
    out = []
    if hits[0].start() > 0:
        out.append(("", text[:hits[0].start()], 0))
    for k, m in enumerate(hits):
        end = hits[k + 1].start() if k + 1 < len(hits) else len(text)
        label = text[m.start():m.end()].rstrip("：:")
        out.append((label, text[m.end():end].strip(), m.start()))
    return out


def _paragraphs(text: str) -> list[tuple[str, int]]:
    """Text outside the tables as paragraphs: at line breaks, and with a title (…自评表) on its own."""
    out = []
    off = 0
    for line in text.split("\n"):
        pieces = re.split(r"([^，。,:：;；\s]{2,38}?(?:自评表|评价表|评分表|目标表)(?:[（(][^（()）]{0,10}[)）])?)", line)
        o = off
        for piece in pieces:
            if piece:
                out.append((piece, o))
            o += len(piece)
        off += len(line) + 1
    return out


def _parsed_end(t: _Table, items: tuple, start: int) -> int:
    """Where the reading of a table's body stopped (the rest is text again)."""
    end = start
    for it in items:
        kind = it[0]
        if kind == "row":
            end = it[3]
        elif kind in ("heading", "junk", "template"):
            end = it[2]
        elif kind == "total":
            m = re.compile(r" ?[0-9]+(?:\.[0-9]+)?").match(t.key, it[2], t.end)
            end = m.end() if m else it[2]
        else:
            end = it[1]
    return end


def _emit(source: Source, t: _Table, table: int, words, items, where) -> int:
    text = t.text
    name_word = next(c for _w, c, r in words if r == "name")
    value_words = []
    seen_roles = set()
    for written, canonical, role in words:
        if role in LEVEL_ROLES or role == "name" or role in seen_roles:
            continue
        seen_roles.add(role)
        value_words.append((canonical, role))
    header = ["一级指标", "二级指标", name_word, *[w for w, _r in value_words]]
    width = len(header)
    col_of = {role: 3 + k for k, (_w, role) in enumerate(value_words)}
    row_no = 0

    def add(cells: list[tuple[str, str]], p: int) -> None:
        nonlocal row_no
        row_no += 1
        out = tuple(Cell(paras=(c,), where=where(p), pos=(None, table + 1, row_no, k + 1), doubt=d)
                    for k, (c, d) in enumerate(cells))
        source.rows.append(Row(cells=out, table=table, where=where(p), pos=(None, table + 1, row_no, None)))

    add([(w, "") for w in header], t.start)
    for w, c, _r in words:
        if w != c:
            source.notes.append(f"表头“{w}”字序错乱，按“{c}”读入")
    rows = 0
    pending: list[str] = []
    for k, it in enumerate(items):
        kind = it[0]
        if kind == "heading":
            _k, p, e, word = it
            written = text[p:e]
            level = _level(word, items[k + 1] if k + 1 < len(items) else None, t)
            if level is None:
                continue
            cells = [("", "")] * width
            if not _simple(written).startswith(word):  # said in the review items of the next row
                pending.append(f"{'一' if level == 'level1' else '二'}级指标“{written}”字序错乱，疑为“{word}”")
            cells[0 if level == "level1" else 1] = (written, "")
            add(cells, p)
        elif kind == "row":
            _k, p, e, end, cells_, alternatives = it
            notes = list(pending)
            pending.clear()
            if alternatives:
                notes.append("也可拆作 " + "；".join(" | ".join(text[s:x] for _r, s, x, _f in a) for a in alternatives))
            notes += [f"{_ROLE_NAMES.get(role, role)}“{text[s:x]}”{flag}" for role, s, x, flag in cells_ if flag]
            doubt = GLUED_DOUBT + (f"（{'；'.join(notes)}）" if notes else "")
            cells = [("", "")] * width
            cells[2] = (text[p:e], doubt)
            for role, s, x, _flag in cells_:
                if role in col_of:
                    cells[col_of[role]] = (_repaired(text[s:x]) if role in ("weight", "score") else text[s:x], doubt)
            add(cells, p)
            rows += 1
        elif kind == "total":
            _k, p, e = it
            count = sum(1 for r in ("weight", "score") if r in t.roles)
            add([(text[p:e], ""), *[(f, GLUED_DOUBT) for f in _total_figures(t, e, count)]], p)
        elif kind == "junk":
            source.notes.append(f"{where(it[1])}“{text[it[1]:it[2]]}”不像指标行也不是已知的标题，未读入")
        elif kind == "template":
            source.notes.append(f"{where(it[1])}“{text[it[1]:it[2]]}”是留空的模板行，未读入")
    return rows


def _total_figures(t: _Table, q: int, count: int) -> list[str]:
    """The figures after a 总分 label: `count` numbers glued ("100100" -> 100 | 100), cut where
    each is at most 100; nothing when that is not one way only."""
    key = t.key
    m = re.compile(r"[0-9]+(?:\.[0-9]+)?").match(key, t._space(q), t.end)
    if not m or count == 0:
        return []
    run = m.group(0)
    if count == 1:
        return [run]
    ways = []
    for cut in range(1, len(run)):
        a, b = run[:cut], run[cut:]
        if _NUMBER.fullmatch(a) and _NUMBER.fullmatch(b) and Decimal(a) <= 100 and Decimal(b) <= 100:
            ways.append([a, b])
    return ways[0] if len(ways) == 1 else []


def _level(word: str, nxt, t: _Table) -> str | None:
    lex = t.lex
    base = re.sub(r"[（(]?[0-9]+(?:\.[0-9]+)?分[)）]?$", "", word)
    if base in lex["labels"] and base not in lex["level1"] and base not in lex["level2"]:
        return None
    if base in lex["level1"] and base in lex["level2"]:
        nxt_word = nxt[3] if nxt is not None and nxt[0] == "heading" else ""
        return "level1" if (base != word or nxt_word in lex["level2"]) else "level2"
    if base in lex["level2"]:
        return "level2"
    return "level1"
