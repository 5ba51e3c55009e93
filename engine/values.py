"""Parse the notation written in 年度指标值 / 实际完成值 cells into typed values.

A cell such as "≧95%", "28家企业帮扶28个村", "12月底之前完成" or "完成情况好" becomes a `Value`:
a kind, an optional comparator and the quantities (number + unit), or a qualitative label.
The parser never guesses silently: whatever a person should look at (an unknown unit, words
that were ignored, text that may be an OCR misreading) is written into `Value.notes` in Chinese,
and text with digits that does not fit the grammar becomes kind "unparsed" with no quantities.

How it works:
1. `_normalize` maps full-width and look-alike characters to one spelling, one character for
   one character, so every position in the normalized text is the same position in the cell
   and the unit "as written" can be sliced from the original.
2. Cells without a digit are empty, not applicable, or qualitative.
3. Cells with digits are scanned left to right into parts (numbers with their unit,
   comparators, range separators, words), then the parts are assembled into a quantity, a
   compound, a range, or rejected as unparsed.

Grammar, on the normalized text (spaces may separate any two parts):

    cell     := words? item (words? item)* words?    one item: "quantity"; more: "compound"
              | quantity separator quantity           "range": "1-12月", "1～12月", "1至12月"
    item     := prefix? quantity suffix?
    quantity := number unit? | "百分之" number
    number   := digits, "," between groups of three, "." before decimals: "1,234.5"
    prefix   := PREFIX_COMPARATORS: "≥", "不低于", "控制在" ...
    suffix   := SUFFIX_COMPARATORS: "以上", "以内", "内" ...; after a time unit also
                DEADLINE_SUFFIXES: "前", "底前", "底之前" ...

Words around a single quantity are ignored with a note, except a pack's filler words
(`vocabulary.filler_words`: "完成", "累计" in national-2020; the parser alone knows none);
in a compound every number needs a unit. All comparators in a cell must agree.

All vocabulary is in the module-level tables below; extend them there, not in the code.
Numbers are `Decimal` from the digits as written (no float, no eval); money is converted to
万元 by moving the decimal point, which is exact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .decimals import fmt

__all__ = [
    "Quantity",
    "Value",
    "ValueParseError",
    "parse_value",
    "Notation",
    "notation_for",
    "comparable_numbers",
    "in_base_unit",
    "bound_doubt",
    "comparison_doubts",
    "date_span",
    "KNOWN_UNITS",
    "QUALITATIVE_PHRASES",
]

# --------------------------------------------------------------------------------------------
# Vocabulary. Every word below is in its normalized spelling (see _normalize): full-width
# ＞＝％～ are already ">", "=", "%", "~"; ≧ ⩾ are "≥"; ≦ ⩽ are "≤"; every dash is "-".
# --------------------------------------------------------------------------------------------

#: Units accepted without a note. Non-money, non-percent units are kept as written.
KNOWN_UNITS: tuple[str, ...] = (
    # money (converted to 万元) and ratios
    "万元", "元", "千元", "亿元", "%", "‰", "百分点", "个百分点", "分",
    # people and organisations
    "人", "人次", "万人", "万人次", "名", "位", "户", "户次", "家", "所", "村",
    # counts of things and events
    "个", "次", "批次", "批", "轮", "期", "场", "场次", "项", "件", "份", "篇", "本", "册",
    "张", "条", "套", "台", "辆", "座", "处", "栋", "间", "只", "头", "株", "棵",
    # time
    "年", "季度", "月", "个月", "周", "天", "日", "工作日", "个工作日", "小时", "学时",
    # land, weight, length, area, volume
    "亩", "公顷", "吨", "米", "公里", "千米", "平方米", "立方米",
)

#: Other spellings of a known unit, mapped to the unit they mean.
UNIT_ALIASES: dict[str, str] = {"月份": "月", "年度": "年"}

#: Money units and the power of ten that converts them to 万元 (1 万元 = 10 000 元).
MONEY_TO_WAN_EXPONENT: dict[str, int] = {"元": -4, "千元": -1, "万元": 0, "亿元": 4}
MONEY_UNIT = "万元"

PERCENT_UNIT = "%"
#: Written after the number ("95%", "95百分比") or before it ("百分之95").
PERCENT_SUFFIXES: tuple[str, ...] = ("%", "百分比")
PERCENT_PREFIX = "百分之"

#: A known unit may carry one of these in front ("3万亩", "2亿人次" is already listed).
UNIT_MULTIPLIERS: tuple[str, ...] = ("万", "亿")

#: Units after which "前", "底", "末" mean a deadline ("9月前", "12月底之前").
TIME_UNITS: frozenset[str] = frozenset({"年", "季度", "月", "周", "天", "日", "小时"})

#: Comparators written before the number. "控制在5%以内" is covered by "控制在" + "以内".
PREFIX_COMPARATORS: dict[str, str] = {
    "≥": ">=", ">=": ">=", "≮": ">=", "大于等于": ">=", "大于或等于": ">=", "不低于": ">=",
    "不少于": ">=", "不小于": ">=", "至少": ">=", "达到": ">=", "达": ">=",
    ">": ">", "大于": ">", "高于": ">", "超过": ">", "多于": ">",
    "≤": "<=", "<=": "<=", "≯": "<=", "小于等于": "<=", "小于或等于": "<=", "不超过": "<=",
    "不高于": "<=", "不大于": "<=", "不多于": "<=", "控制在": "<=",
    "<": "<", "小于": "<", "低于": "<", "少于": "<",
    "=": "==", "等于": "==",
}

#: Comparators written after the number and its unit ("95%以上", "2天以内").
SUFFIX_COMPARATORS: dict[str, str] = {
    "以上": ">=", "及以上": ">=", "或以上": ">=",
    "以内": "<=", "之内": "<=", "内": "<=", "以下": "<=", "及以下": "<=", "或以下": "<=",
}

#: Deadline words after a time unit: "9月前", "12月底前", "12月底之前完成" all mean "<=".
DEADLINE_SUFFIXES: dict[str, str] = {
    "前": "<=", "之前": "<=", "以前": "<=",
    "底": "<=", "底前": "<=", "底之前": "<=", "底以前": "<=",
    "末": "<=", "末前": "<=", "末之前": "<=", "末以前": "<=",
}

#: Between two numbers: "1-12月", "1～12月", "1至12月". Dashes and waves are normalized.
RANGE_SEPARATORS: tuple[str, ...] = ("-", "~", "至", "到")

#: Words that make a number approximate; such a value cannot be compared, so it is unparsed.
APPROX_BEFORE: tuple[str, ...] = ("约", "大约", "大概")
APPROX_AFTER: tuple[str, ...] = ("余", "多", "左右")

#: Cells that mean "not applicable" (besides cells made only of dashes and slashes).
NA_WORDS: frozenset[str] = frozenset({"无", "不适用", "暂无", "无此项", "n/a", "na"})
NA_CHARACTERS = frozenset("-/\\")

#: Evaluative phrases without a number. Their score bands belong to the rule pack, not here.
QUALITATIVE_PHRASES: frozenset[str] = frozenset({
    "好", "较好", "良好", "很好", "优", "优秀", "一般", "差", "较差",
    "完成", "已完成", "全部完成", "按时完成", "基本完成", "未完成", "完成情况好", "完成情况良好",
    "达成", "达成预期", "达成预期指标", "达成预期目标", "达成年度指标", "达成年度目标",
    "达到预期", "达到预期指标", "达到预期目标", "部分达成", "部分完成", "未达成", "未达到",
    "效果明显", "效果显著", "效果较好", "成效明显", "成效显著",
    "显著提升", "明显提升", "有所提升", "不断提升", "逐步提升", "稳步提升", "持续提升",
    "有效提升", "提升", "提高", "有所提高", "显著提高", "不断提高", "逐步提高",
    "满意", "基本满意", "比较满意", "较满意", "非常满意", "不满意",
    "合格", "达标", "符合要求", "符合标准", "及时", "按时", "是", "否",
})

#: Trimmed from both ends of a cell before parsing ("95%。", "“完成”").
EDGE_NOISE = frozenset(" ,;:!?、。\"'“”‘’「」『』")
#: Trimmed from the end only: a leading "." may belong to a number.
TRAILING_NOISE = EDGE_NOISE | {"."}

#: Printable marks that may stand for a unit right after a number ("36℃").
UNIT_SYMBOLS = frozenset("℃°㎡㎞")
#: Punctuation that cannot appear loose between the parts of a value (symbols always count).
STRAY_PUNCTUATION = frozenset("%-/\\*#&@_~.")

#: Numbers outside these limits are not parsed (no huge Decimals from pasted garbage).
MAX_MAGNITUDE = Decimal("1E+15")
MAX_DIGITS = 30


#: The role of a cell: a target (年度指标值) may state a bound; an actual (实际完成值) must state a
#: value, so hedges ("预计", "计划") make an actual unsure but not a target.
ROLES = (None, "target", "actual")


@dataclass(frozen=True, eq=False)
class Notation:
    """The words a parser reads, as one object: the module tables above (what any form means)
    plus a rule pack's `vocabulary.notation` (what its policy adds: negated comparators such as
    "不得超过", unit conversions, hedges, OCR look-alikes). Hashed by identity: one per pack."""

    prefix: dict  # word -> comparator
    suffix: dict
    deadline: dict
    units: frozenset
    aliases: dict  # spelling -> unit
    money: dict  # money unit -> power of ten to 万元
    conversions: dict  # unit -> (dimension, Decimal factor to the dimension's base unit)
    filler: frozenset
    na: frozenset
    qualitative: frozenset
    negations: tuple  # words that may reverse a comparison when ignored ("不", "未" ...)
    zero_words: tuple  # words that only restate a zero target ("杜绝", "无")
    zero_target: str | None  # comparator of a target of 0 written without one
    hedges: tuple  # words that make an actual not a value ("预计", "计划")
    ocr: dict  # look-alike at the start of a cell -> the comparator it may stand for ("W", "至")
    comparator_gap: int  # ideographs allowed between a comparator word and its number

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "prefix_words", _by_length(self.prefix))
        set_(self, "suffix_words", _by_length(self.suffix))
        set_(self, "time_suffixes", {**self.suffix, **self.deadline})
        set_(self, "time_suffix_words", _by_length({**self.suffix, **self.deadline}))
        set_(self, "unit_words", _by_length([*self.units, *self.aliases, *PERCENT_SUFFIXES]))
        set_(self, "ocr_words", _by_length(self.ocr))
        set_(self, "not_a_unit", _by_length([
            *self.prefix, *self.suffix, *self.deadline, *APPROX_AFTER, *self.filler,
            *RANGE_SEPARATORS, PERCENT_PREFIX,
        ]))


def _default_notation() -> Notation:
    return Notation(
        prefix=dict(PREFIX_COMPARATORS), suffix=dict(SUFFIX_COMPARATORS), deadline=dict(DEADLINE_SUFFIXES),
        units=frozenset(KNOWN_UNITS), aliases=dict(UNIT_ALIASES), money=dict(MONEY_TO_WAN_EXPONENT),
        conversions={}, filler=frozenset(), na=NA_WORDS, qualitative=QUALITATIVE_PHRASES,
        negations=(), zero_words=(), zero_target=None, hedges=(), ocr={"W": "<=", "w": "<="},
        comparator_gap=0,
    )


_NOTATIONS: dict[int, tuple[dict, Notation]] = {}
_COMPARATOR_SIGNS = (">=", ">", "<=", "<", "==")


def notation_for(vocabulary: dict | None) -> Notation:
    """The notation of a pack's vocabulary (`vocabulary.notation` adds words; its
    `qualitative_bands`, `qualitative_grades` and `not_applicable` words are known too; its
    `filler_words` are the only filler words). Computed once per vocabulary
    object; None gives the parser's own tables."""
    if not vocabulary:
        return DEFAULT_NOTATION
    entry = _NOTATIONS.get(id(vocabulary))
    if entry is not None and entry[0] is vocabulary:
        return entry[1]
    if len(_NOTATIONS) > 64:
        _NOTATIONS.clear()
    notation = _build_notation(vocabulary)
    _NOTATIONS[id(vocabulary)] = (vocabulary, notation)
    return notation


def _words(spec) -> list[str]:
    return [_normalize(str(w)) for w in (spec or []) if str(w)]


def _by_comparator(spec: dict | None) -> dict[str, str]:
    """{"<=": [不得超过, 最多]} -> {"不得超过": "<=", "最多": "<="}."""
    out: dict[str, str] = {}
    for op, words in (spec or {}).items():
        if op in _COMPARATOR_SIGNS:
            for word in _words(words):
                out[word] = op
    return out


def _build_notation(vocabulary: dict) -> Notation:
    base = DEFAULT_NOTATION
    spec = vocabulary.get("notation") or {}
    conversions: dict[str, tuple[str, Decimal]] = {}
    money = dict(base.money)
    for dimension, table in (spec.get("conversions") or {}).items():
        for unit, factor in (table or {}).items():
            conversions[_normalize(str(unit))] = (str(dimension), Decimal(str(factor)))
    units = set(base.units) | set(_words(spec.get("units"))) | set(conversions)
    aliases = {**base.aliases, **{_normalize(str(k)): _normalize(str(v)) for k, v in
                                  (spec.get("unit_aliases") or {}).items()}}
    qualitative = set(base.qualitative)
    for words in [*(vocabulary.get("qualitative_bands") or {}).values(),
                  (vocabulary.get("qualitative_grades") or {}).get("words")]:
        qualitative.update(_normalize(str(w)).replace(" ", "") for w in words or [])
    ocr = {**base.ocr, **_by_comparator(spec.get("ocr_comparators"))}
    return Notation(
        prefix={**base.prefix, **_by_comparator(spec.get("comparators"))},
        suffix={**base.suffix, **_by_comparator(spec.get("suffix_comparators"))},
        deadline=base.deadline, units=frozenset(units), aliases=aliases, money=money,
        conversions=conversions,
        # one list, the pack's (national-2020 holds the defaults; a child's own list replaces them)
        filler=frozenset(w.replace(" ", "") for w in _words(vocabulary.get("filler_words"))),
        na=base.na | frozenset(w.lower() for w in _words(vocabulary.get("not_applicable"))),
        qualitative=frozenset(qualitative),
        negations=tuple(_words(spec.get("negation_words"))),
        zero_words=tuple(_by_length(_words(spec.get("zero_tolerance_words")))),
        zero_target=spec.get("zero_target_comparator") if spec.get("zero_target_comparator") in _COMPARATOR_SIGNS
        else None,
        hedges=tuple(_words(spec.get("actual_hedge_words"))),
        ocr=ocr,
        comparator_gap=int(spec.get("comparator_gap", 0) or 0),
    )


# --------------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A number with its unit. Money is in 万元; percent is 95 for 95%."""

    number: Decimal
    unit: str  # normalized: "%", "万元", "" for none, otherwise the unit as written
    unit_known: bool  # False when the unit is not in KNOWN_UNITS
    written_unit: str  # exactly as in the cell; a range's low end shares the high end's unit


@dataclass(frozen=True)
class Value:
    """One cell, as written and as understood."""

    text: str
    kind: str  # "quantity" | "compound" | "range" | "qualitative" | "na" | "empty" | "unparsed"
    comparator: str | None = None  # ">=", ">", "<=", "<", "==" or None when none is written
    quantities: tuple[Quantity, ...] = ()
    label: str | None = None  # the words of a qualitative value
    notes: tuple[str, ...] = ()  # why a person should look, in Chinese
    #: The notes that make the reading unsure (a negation or hedge it cannot read, OCR damage,
    #: a bound instead of a value): such a value must not be compared; it is a review item.
    doubts: tuple[str, ...] = ()

    @property
    def uncertain(self) -> bool:
        """True when the value must not be compared: unparsed, or read with a doubt."""
        return bool(self.doubts) or self.kind == "unparsed"

    @property
    def number(self) -> Decimal | None:
        return self.quantities[0].number if self.quantities else None

    @property
    def unit(self) -> str | None:
        return self.quantities[0].unit if self.quantities else None


class ValueParseError(ValueError):
    """Raised only when the input is not a str; any str yields a Value."""


#: Distinct cells remembered by parse_value. Cells repeat a lot ("≥95%", "100%", and every
#: target is read again for the target-table check); the bound keeps memory flat in long batches.
PARSE_CACHE_SIZE = 4096


def parse_value(text: str, notation: Notation | None = None, role: str | None = None) -> Value:
    """Parse one cell. Never raises for a str; see the module docstring for the grammar.
    `notation` (from `notation_for(pack.vocabulary)`) adds a pack's words; `role` ("target" or
    "actual") adds the doubts that depend on it. Pure, so results are memoized per distinct
    (text, notation, role) (Value is immutable)."""
    notation = DEFAULT_NOTATION if notation is None else notation
    if role not in ROLES:
        raise ValueParseError(f"parse_value: unknown role {role!r}")
    if type(text) is str:
        return _parse_cached(text, notation, role)
    if not isinstance(text, str):
        raise ValueParseError(f"parse_value expects str, got {type(text).__name__}")
    return _parse(text, notation, role)


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse_cached(text: str, notation: Notation, role: str | None) -> Value:
    return _parse(text, notation, role)


def _parse(text: str, notation: Notation, role: str | None) -> Value:
    norm = _normalize(text)
    start, end = _trim(norm)
    core = norm[start:end]
    if not core:
        leftover = "".join(ch for ch, seen in zip(text, norm) if seen != " ")
        notes = (f"单元格只有标点“{leftover}”",) if leftover else ()
        return Value(text, "empty", notes=notes)
    if _is_not_applicable(core, notation):
        return Value(text, "na")
    foreign = _foreign_digit(core)
    if foreign:
        return _unparsed(text, f"含无法识别的数字字符“{foreign}”")
    if not any(ch in _DIGITS for ch in core):
        return _parse_words(text, start, end, core, notation)
    try:
        parts = _Scanner(text, norm, start, end, notation).run()
        return _assemble(text, parts, notation, role)
    except _Unparsed as problem:
        return _unparsed(text, problem.note)


# --------------------------------------------------------------------------------------------
# Normalization and the cells without digits
# --------------------------------------------------------------------------------------------

_DIGITS = "0123456789"


def _build_char_map() -> dict[int, str]:
    """One character to one character, so positions survive normalization."""
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
    table.update({ord(ch): "≥" for ch in "≧⩾"})
    table.update({ord(ch): "≤" for ch in "≦⩽"})
    table.update({ord("﹦"): "=", ord("﹥"): ">", ord("﹤"): "<", ord("﹪"): "%"})
    table.update({ord(ch): "-" for ch in "‐‑‒–—―−─"})
    table.update({ord(ch): "~" for ch in "〜∼"})
    # zero-width characters are not str.isspace(); every other space is handled in _normalize
    table.update({ord(ch): " " for ch in "\u200b\u200c\u200d\u2060\ufeff"})
    return table


_CHAR_MAP = _build_char_map()


def _normalize(text: str) -> str:
    """Full-width and look-alike characters to one spelling; U+3000, NBSP, tabs to " "."""
    mapped = text.translate(_CHAR_MAP)
    return "".join(" " if ch.isspace() else ch for ch in mapped)


def _trim(norm: str) -> tuple[int, int]:
    start, end = 0, len(norm)
    while start < end and norm[start] in EDGE_NOISE:
        start += 1
    while end > start and norm[end - 1] in TRAILING_NOISE:
        end -= 1
    return start, end


def _is_not_applicable(core: str, notation: Notation) -> bool:
    return core.lower() in notation.na or all(ch in NA_CHARACTERS or ch == " " for ch in core)


def _foreign_digit(core: str) -> str | None:
    """A decimal digit of another script ("٣"), which Decimal would accept and we do not."""
    for ch in core:
        if ch not in _DIGITS and unicodedata.category(ch) == "Nd":
            return ch
    return None


def _parse_words(text: str, start: int, end: int, core: str, notation: Notation) -> Value:
    if PERCENT_PREFIX in core:
        return _unparsed(text, "“百分之”后不是阿拉伯数字（中文数字未解析）")
    label = text[start:end]
    if core.replace(" ", "") in notation.qualitative:
        return Value(text, "qualitative", label=label)
    notes = ["未识别的定性表述"]
    count = _CHINESE_COUNT.search(core)
    if count:
        notes.append(f"可能含中文数字“{count.group()}”，未按数值解析")
    return Value(text, "qualitative", label=label, notes=tuple(notes))


def _unparsed(text: str, note: str) -> Value:
    return Value(text, "unparsed", notes=(note,))


# --------------------------------------------------------------------------------------------
# Scanning a cell with digits into parts
# --------------------------------------------------------------------------------------------


def _by_length(words) -> tuple[str, ...]:
    """Longest first, so "不低于" wins over "低于" and "人次" over "人"."""
    return tuple(sorted(set(words), key=len, reverse=True))


_UNIT_WORDS = _by_length([*KNOWN_UNITS, *UNIT_ALIASES, *PERCENT_SUFFIXES])
_SIGN_OF = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_NUMBERISH = re.compile(r"[0-9][0-9.,]*")
_LETTERS = re.compile(r"[A-Za-z]+")
_OCR_GE_AS_TWO = re.compile(r"2([1-9][0-9]*(?:\.[0-9]+)?)")  # "290" = "2" + "90"
_IDEOGRAPH_CLASS = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"


# The two patterns with the ideograph ranges are compiled on first use, not at import: the
# charset of a wide range is built code point by code point (~1 ms each, every cold process).
@lru_cache(maxsize=None)
def _ideograph_pattern() -> re.Pattern:
    return re.compile(_IDEOGRAPH_CLASS)


@lru_cache(maxsize=None)
def _unknown_unit_pattern() -> re.Pattern:
    return re.compile(r"[A-Za-z]+|" + _IDEOGRAPH_CLASS)


_CHINESE_COUNT = re.compile(
    "[一二两三四五六七八九十]+(?:" + "|".join(re.escape(u) for u in _UNIT_WORDS) + ")"
)


class _Unparsed(Exception):
    """The text has digits but does not fit the grammar; `note` says what was not understood."""

    def __init__(self, note: str) -> None:
        super().__init__(note)
        self.note = note


@dataclass(frozen=True)
class _Number:
    number: Decimal  # as written, before unit conversion
    number_text: str  # normalized digits as written, e.g. "290", "12,000"
    unit: str  # normalized unit key: "%", "元", "月", "编", "" ...
    unit_known: bool
    written_unit: str  # slice of the original cell
    start: int
    end: int


@dataclass(frozen=True)
class _Comparator:
    op: str
    written: str


@dataclass(frozen=True)
class _Separator:
    written: str


@dataclass(frozen=True)
class _Word:
    start: int
    end: int


def _longest_match(norm: str, pos: int, end: int, words: tuple[str, ...]) -> str | None:
    """The first of `words` written at norm[pos:end]. Only the words that begin with the
    character at `pos` can match, so they are looked up by it (same order, same answer)."""
    index = _by_first_char(words)
    if index is None:  # a vocabulary with the empty word: try every word, as written
        return next((word for word in words if norm.startswith(word, pos, end)), None)
    if pos >= end or pos >= len(norm):
        return None
    for word in index.get(norm[pos], ()):
        if norm.startswith(word, pos, end):
            return word
    return None


_FIRST_CHAR_INDEX: dict[int, tuple[tuple[str, ...], dict[str, tuple[str, ...]] | None]] = {}


def _by_first_char(words: tuple[str, ...]) -> dict[str, tuple[str, ...]] | None:
    """words grouped by first character, each group in the order of `words`, computed once per
    vocabulary tuple (they are module constants); None when the empty word is among them."""
    entry = _FIRST_CHAR_INDEX.get(id(words))
    if entry is None or entry[0] is not words:
        index: dict[str, tuple[str, ...]] | None = None
        if "" not in words:
            groups: dict[str, list[str]] = {}
            for word in words:
                groups.setdefault(word[0], []).append(word)
            index = {first: tuple(group) for first, group in groups.items()}
        entry = _FIRST_CHAR_INDEX[id(words)] = (words, index)
    return entry[1]


class _Scanner:
    """Reads the trimmed cell left to right into _Number, _Comparator, _Separator, _Word."""

    def __init__(self, text: str, norm: str, start: int, end: int, notation: Notation) -> None:
        self.text, self.norm, self.start, self.end = text, norm, start, end
        self.n = notation
        self.pos = start
        self.parts: list[_Number | _Comparator | _Separator | _Word] = []

    def run(self) -> list[_Number | _Comparator | _Separator | _Word]:
        while True:
            self.pos = self._after_spaces(self.pos)
            if self.pos >= self.end:
                return self.parts
            self._step()

    # -- one step: exactly one part (or an _Unparsed) per call --------------------------------

    def _step(self) -> None:
        pos, norm = self.pos, self.norm
        if self._read_prefix_comparator(pos):
            return
        if norm.startswith(PERCENT_PREFIX, pos, self.end):
            digit_at = self._after_spaces(pos + len(PERCENT_PREFIX))
            if self._digit_at(digit_at):
                self._read_number(digit_at, percent_prefix_at=pos)
                return
        char = norm[pos]
        if char in _DIGITS:
            self._read_number(pos)
            return
        if self._read_range_separator(pos):
            return
        if char.isascii() and char.isalpha():
            self._read_letters(pos)
            return
        if unicodedata.category(char).startswith("S") or char in STRAY_PUNCTUATION:
            raise _Unparsed(f"无法理解的符号“{self.text[pos]}”")
        self.parts.append(_Word(pos, pos + 1))
        self.pos = pos + 1

    def _read_prefix_comparator(self, pos: int) -> bool:
        if pos == self.start:
            self._reject_ocr_comparator(pos)
        word = _longest_match(self.norm, pos, self.end, self.n.prefix_words)
        if word is None:
            return False
        written = self.text[pos : pos + len(word)]
        if not self._number_at(self._after_spaces(pos + len(word))):
            if not word[0].isalpha():  # a loose symbol such as "≥"; a loose word is just a word
                raise _Unparsed(f"比较符“{written}”后面没有数值")
            if not self._number_after_gap(pos + len(word)):
                return False
        self.parts.append(_Comparator(self.n.prefix[word], written))
        self.pos = pos + len(word)
        return True

    def _number_after_gap(self, pos: int) -> bool:
        """"至少开展3次培训": a comparator word, a few ideographs (what is counted), the number.
        The words in between are read as words (and noted); the comparator is kept."""
        for gap in range(1, self.n.comparator_gap + 1):
            at = pos + gap - 1
            if at >= self.end or not _is_ideograph(self.norm[at]):
                return False
            if _longest_match(self.norm, at, self.end, self.n.prefix_words):
                return False  # another comparator: let it be read on its own
            if self._number_at(self._after_spaces(at + 1)):
                return True
        return False

    def _reject_ocr_comparator(self, pos: int) -> None:
        """"W100%" or "至0" at the start of a cell: a comparator misread by OCR, not a value."""
        word = _longest_match(self.norm, pos, self.end, self.n.ocr_words)
        if word is None or self.norm.startswith(tuple(self.n.prefix_words), pos):
            return
        number_at = self._after_spaces(pos + len(word))
        if not self._digit_at(number_at):
            return
        stop = _NUMBERISH.match(self.norm, number_at, self.end).end()
        if self.norm.startswith("%", stop, self.end):
            stop += 1
        symbol = _SIGN_OF[self.n.ocr[word]]
        raise _Unparsed(f"“{self.text[pos:stop]}”可能是“{symbol}{self.text[number_at:stop]}”的OCR误读，请核对")

    def _read_range_separator(self, pos: int) -> bool:
        word = _longest_match(self.norm, pos, self.end, RANGE_SEPARATORS)
        if word is None:
            return False
        follows_number = bool(self.parts) and isinstance(self.parts[-1], _Number)
        if follows_number and self._number_at(self._after_spaces(pos + len(word))):
            self.parts.append(_Separator(self.text[pos : pos + len(word)]))
            self.pos = pos + len(word)
            return True
        return False  # "至"/"到" are then words; a loose "-" or "~" is a stray symbol

    def _read_letters(self, pos: int) -> None:
        self._reject_ocr_comparator(pos)
        letters = _LETTERS.match(self.norm, pos, self.end)
        after = self._after_spaces(letters.end())
        if self._digit_at(after):
            raise _Unparsed(self._letters_before_number_note(pos, letters.group(), after))
        self.parts.append(_Word(pos, letters.end()))
        self.pos = letters.end()

    def _letters_before_number_note(self, pos: int, letters: str, number_at: int) -> str:
        number = _NUMBERISH.match(self.norm, number_at, self.end)
        stop = number.end()
        if self.norm.startswith("%", stop, self.end):
            stop += 1
        shown = self.text[pos:stop]
        return f"“{shown}”中数字前的字母“{letters}”无法理解"

    # -- a number, its unit and what may follow them -------------------------------------------

    def _read_number(self, pos: int, percent_prefix_at: int | None = None) -> None:
        number_start = pos if percent_prefix_at is None else percent_prefix_at
        self._reject_approx_before(number_start)
        match = _NUMBER.match(self.norm, pos, self.end)
        after = match.end()
        self._reject_malformed(pos, after)
        number = _decimal_within_limits(match.group(), self.text[pos:after])
        self._reject_approx_after(after)
        if percent_prefix_at is None:
            unit, known, written, after = self._read_unit(after)
            if _LETTERS.fullmatch(unit) and self._digit_at(after):  # "1e5", "2x3"
                shown = _NUMBERISH.match(self.norm, after, self.end).end()
                raise _Unparsed(f"“{self.text[number_start:shown]}”中字母与数字相连，无法理解")
        else:
            unit, known = PERCENT_UNIT, True
            written = self.text[percent_prefix_at : percent_prefix_at + len(PERCENT_PREFIX)]
            extra = _longest_match(self.norm, self._after_spaces(after), self.end, self.n.unit_words)
            if extra:
                raise _Unparsed(f"“百分之”后的数字又带了单位“{extra}”")
        if written:
            self._reject_approx_after(self._after_spaces(after))
        self.parts.append(
            _Number(number, match.group(), unit, known, written, number_start, after)
        )
        self.pos = after
        self._read_suffix_comparator(unit)

    def _read_unit(self, pos: int) -> tuple[str, bool, str, int]:
        """(normalized unit, known, unit as written, position after it); ("", True, "", pos)
        when no unit is written."""
        at = self._after_spaces(pos)
        word = _longest_match(self.norm, at, self.end, self.n.unit_words)
        if at < self.end and self.norm[at] in UNIT_MULTIPLIERS and (word is None or len(word) == 1):
            # "3万亩" is 万 × 亩, even where a pack reads a lone "万" as 万元 ("350.6万")
            base = _longest_match(self.norm, at + 1, self.end, self.n.unit_words)
            if base and base not in self.n.money and base not in PERCENT_SUFFIXES:
                word = self.norm[at] + base
        if word is not None:
            unit, known, stop = _canonical_unit(word, self.n), True, at + len(word)
        else:
            at = pos  # an unknown unit must touch the number: "2编", not "2 企业"
            unknown = self._unknown_unit(at)
            if unknown is None:
                return "", True, "", pos
            unit, known, stop = unknown, False, at + len(unknown)
        # "500元/人": a rate; kept as written, not converted, flagged as unknown
        if self.norm.startswith("/", stop, self.end):
            per = _longest_match(self.norm, stop + 1, self.end, self.n.unit_words) or self._unknown_unit(
                stop + 1
            )
            if per:
                stop = stop + 1 + len(per)
                unit, known = self.norm[at:stop], False
        return unit, known, self.text[at:stop], stop

    def _unknown_unit(self, pos: int) -> str | None:
        if pos >= self.end or _longest_match(self.norm, pos, self.end, self.n.not_a_unit):
            return None
        if self.norm[pos] in UNIT_SYMBOLS:
            return self.norm[pos]
        match = _unknown_unit_pattern().match(self.norm, pos, self.end)
        return match.group() if match else None

    def _read_suffix_comparator(self, unit: str) -> None:
        at = self._after_spaces(self.pos)
        table, words = (
            (self.n.time_suffixes, self.n.time_suffix_words)
            if unit in TIME_UNITS
            else (self.n.suffix, self.n.suffix_words)
        )
        word = _longest_match(self.norm, at, self.end, words)
        if word:
            self.parts.append(_Comparator(table[word], self.text[at : at + len(word)]))
            self.pos = at + len(word)

    # -- rejections -----------------------------------------------------------------------------

    def _reject_malformed(self, pos: int, after: int) -> None:
        """"1.2.3", "1,23" (a comma that is not a thousands separator), "1 234"."""
        norm = self.norm
        if after < self.end and norm[after] in ".," and self._digit_at(after + 1):
            shown = _NUMBERISH.match(norm, pos, self.end).end()
            raise _Unparsed(f"数字“{self.text[pos:shown]}”格式无法识别")
        gap_end = self._after_spaces(after)
        if gap_end > after and self._digit_at(gap_end):
            shown = _NUMBERISH.match(norm, gap_end, self.end).end()
            raise _Unparsed(f"“{self.text[pos:shown]}”数字之间只有空格，无法判断")

    def _reject_approx_before(self, number_start: int) -> None:
        before = self.norm[self.start : number_start].rstrip(" ")
        for word in APPROX_BEFORE:
            # a whole word only: "约95%" and "大约95%", but not "节约5万元"
            if before.endswith(word) and not _is_ideograph(before[: -len(word)][-1:]):
                raise _Unparsed(f"含约数表述“{word}”，无法精确比较")

    def _reject_approx_after(self, pos: int) -> None:
        word = _longest_match(self.norm, pos, self.end, APPROX_AFTER)
        if word:
            raise _Unparsed(f"含约数表述“{word}”，无法精确比较")

    # -- small helpers --------------------------------------------------------------------------

    def _after_spaces(self, pos: int) -> int:
        while pos < self.end and self.norm[pos] == " ":
            pos += 1
        return pos

    def _digit_at(self, pos: int) -> bool:
        return pos < self.end and self.norm[pos] in _DIGITS

    def _number_at(self, pos: int) -> bool:
        if self._digit_at(pos):
            return True
        return self.norm.startswith(PERCENT_PREFIX, pos, self.end) and self._digit_at(
            self._after_spaces(pos + len(PERCENT_PREFIX))
        )


def _is_ideograph(char: str) -> bool:
    return bool(char) and _ideograph_pattern().fullmatch(char) is not None


def _canonical_unit(word: str, notation: Notation) -> str:
    if word in PERCENT_SUFFIXES:
        return PERCENT_UNIT
    return notation.aliases.get(word, word)


def _decimal_within_limits(number_text: str, written: str) -> Decimal:
    digits = number_text.replace(",", "").replace(".", "")
    if len(digits) > MAX_DIGITS:
        raise _Unparsed(f"数值“{written}”位数过多（超过{MAX_DIGITS}位），不予解析")
    number = Decimal(number_text.replace(",", ""))
    if number > MAX_MAGNITUDE:
        raise _Unparsed(f"数值“{written}”过大（超过10的15次方），不予解析")
    return number


# --------------------------------------------------------------------------------------------
# Assembling parts into a Value
# --------------------------------------------------------------------------------------------


def _assemble(text: str, parts: list, notation: Notation, role: str | None) -> Value:
    numbers = [p for p in parts if isinstance(p, _Number)]
    if not numbers:  # defensive: every digit starts a number or raises while scanning
        raise _Unparsed("没有可解析的数值")
    comparator = _single_comparator([p for p in parts if isinstance(p, _Comparator)])
    if any(isinstance(p, _Separator) for p in parts):
        value = _assemble_range(text, parts, comparator, notation)
    else:
        words = _ignored_words(text, parts, notation)
        if len(numbers) == 1:
            value = _assemble_quantity(text, numbers[0], comparator, words, notation, role)
        else:
            for number in numbers:
                if not number.written_unit:
                    raise _Unparsed(f"复合值中的数字“{text[number.start:number.end]}”没有单位")
            quantities = tuple(_quantity(n, notation) for n in numbers)
            value = Value(text, "compound", comparator, quantities, notes=_unit_notes(quantities))
    doubts = _word_doubts(_ignored_words(text, parts, notation, keep_filler=True), value, notation, role)
    stray = _stray_leading_character(text, parts, notation)
    if stray:
        doubts.append(stray)
    if not doubts:
        return value
    return Value(value.text, value.kind, value.comparator, value.quantities, value.label,
                 tuple(dict.fromkeys((*value.notes, *doubts))), tuple(dict.fromkeys((*value.doubts, *doubts))))


_WORD_EDGES = " ,，;；、。:：()（）[]【】"


def _word_doubts(words: list[str], value: Value, notation: Notation, role: str | None) -> list[str]:
    """The ignored words that may change what the number means: a negation the notation does
    not read ("不可超过": "不可" would reverse "超过"), and in an actual a hedge ("预计95%")."""
    doubts = []
    zero = value.kind == "quantity" and value.number == 0
    for word in words:
        plain = _normalize(word).replace(" ", "")
        if zero:
            for restated in notation.zero_words:  # "杜绝安全事故，0起" restates the zero
                plain = plain.replace(restated, "")
        negation = next((w for w in notation.negations if w in plain), None)
        if negation:
            doubts.append(f"数值旁的文字“{word.strip(_WORD_EDGES)}”含否定词“{negation}”，可能改变比较关系，需人工复核")
            continue
        if role == "actual":
            hedge = next((w for w in notation.hedges if w in plain), None)
            if hedge:
                bare = word.strip(_WORD_EDGES)
                shown = f"“{hedge}”" if bare == hedge else f"“{hedge}”（“{bare}”）"
                doubts.append(f"含{shown}，不是确定的完成值，需人工复核")
    return doubts


def _stray_leading_character(text: str, parts: list, notation: Notation) -> str | None:
    """A single ideograph that opens the cell, before its number and known to no table
    ("到0次", where the form had a comparator or more words): the character that made the value
    cannot be told from a misread one, so the number is not read as the value (a doubt). Longer
    words ("帮扶28个村", "节约5万元") are only noted: they name what is counted."""
    if len(parts) < 2 or not isinstance(parts[0], _Word) or not isinstance(parts[1], _Number):
        return None
    word = parts[0]
    if word.end - word.start != 1 or not _is_ideograph(text[word.start]):
        return None
    char = _normalize(text[word.start])
    if char in notation.filler or char in notation.zero_words:
        return None
    return f"数值前的单字“{text[word.start]}”无法理解（可能是识别错误的比较符或缺字），需人工复核"


def _assemble_quantity(
    text: str, number: _Number, comparator: str | None, words: list[str], notation: Notation,
    role: str | None,
) -> Value:
    quantity = _quantity(number, notation)
    notes = list(_unit_notes((quantity,)))
    ocr = _ocr_comparator_note(text, number, comparator)
    if ocr:
        notes.append(ocr)  # a doubt only against a target it may copy (see comparison_doubts)
    if words:
        notes.append(_ignored_words_note(words))
    if comparator is None and role == "target" and quantity.number == 0 and notation.zero_target:
        comparator = notation.zero_target
        notes.append(f"指标值为 0 且未写比较符，按“{_SIGN_OF[comparator]}0”（不得发生）理解")
    return Value(text, "quantity", comparator, (quantity,), notes=tuple(notes))


def _assemble_range(text: str, parts: list, comparator: str | None, notation: Notation) -> Value:
    if comparator is not None:
        raise _Unparsed("区间不能同时带比较符")
    shape = [p for p in parts if isinstance(p, (_Number, _Separator))]
    if not (
        len(shape) == 3
        and isinstance(shape[0], _Number)
        and isinstance(shape[1], _Separator)
        and isinstance(shape[2], _Number)
    ):
        separator = next(p for p in parts if isinstance(p, _Separator))
        raise _Unparsed(f"“{separator.written}”的用法无法理解（只能连接两个数值组成区间）")
    low, high = _share_range_unit(shape[0], shape[2])
    quantities = (_quantity(low, notation), _quantity(high, notation))
    notes = list(_unit_notes(quantities))
    if quantities[0].unit != quantities[1].unit:
        notes.append("区间两端单位不一致")
    elif quantities[0].number > quantities[1].number:
        notes.append("区间下限大于上限")
    words = _ignored_words(text, parts, notation)
    if words:
        notes.append(_ignored_words_note(words))
    return Value(text, "range", None, quantities, notes=tuple(notes))


def _share_range_unit(low: _Number, high: _Number) -> tuple[_Number, _Number]:
    """"1-12月": the unit written once applies to both ends."""
    if not low.written_unit and high.written_unit:
        low = _with_unit_of(low, high)
    elif low.written_unit and not high.written_unit:
        high = _with_unit_of(high, low)
    return low, high


def _with_unit_of(target: _Number, source: _Number) -> _Number:
    return _Number(
        target.number, target.number_text, source.unit, source.unit_known,
        source.written_unit, target.start, target.end,
    )


def _single_comparator(comparators: list[_Comparator]) -> str | None:
    ops = list(dict.fromkeys(c.op for c in comparators))
    if len(ops) > 1:
        written = "”与“".join(dict.fromkeys(c.written for c in comparators))
        raise _Unparsed(f"比较符相互矛盾：“{written}”")
    return ops[0] if ops else None


def _quantity(number: _Number, notation: Notation) -> Quantity:
    """Normalize the unit: money to 万元, every percent spelling to "%"."""
    if number.unit in notation.money:
        in_wan = _shift_point(number.number, notation.money[number.unit])
        if in_wan > MAX_MAGNITUDE:
            raise _Unparsed(f"数值“{number.number_text}{number.written_unit}”过大，不予解析")
        return Quantity(in_wan, MONEY_UNIT, True, number.written_unit)
    return Quantity(number.number, number.unit, number.unit_known, number.written_unit)


def _shift_point(number: Decimal, exponent: int) -> Decimal:
    """number × 10**exponent, exactly and without a context: 12000 元 -> 1.2000 万元."""
    sign, digits, exp = number.as_tuple()
    exp += exponent
    if exp > 0:  # keep plain notation: 1.5 亿元 -> 15000, not 1.5E+4
        digits, exp = digits + (0,) * exp, 0
    return Decimal((sign, digits, exp))


def _unit_notes(quantities: tuple[Quantity, ...]) -> tuple[str, ...]:
    notes = (f"单位“{q.written_unit}”不在已知单位表中" for q in quantities if not q.unit_known)
    return tuple(dict.fromkeys(notes))


def _ocr_comparator_note(text: str, number: _Number, comparator: str | None) -> str | None:
    """"290%" may be "≥90%" with the "≥" read as "2". Only a note: the value stays 290."""
    written_after = number.written_unit != PERCENT_PREFIX  # "百分之290" has no "≥" to misread
    if comparator is not None or number.unit != PERCENT_UNIT or not written_after:
        return None
    match = _OCR_GE_AS_TWO.fullmatch(number.number_text)
    if not match or Decimal(match.group(1)) > 100:
        return None
    shown = text[number.start : number.end]
    return f"“{shown}”可能是“≥{match.group(1)}{number.written_unit}”的OCR误读，请核对"


def _ignored_words(text: str, parts: list, notation: Notation, keep_filler: bool = False) -> list[str]:
    """The word runs between the other parts, minus filler words such as "完成" (unless
    `keep_filler`: "尚未完成" must still be seen by the doubts)."""
    runs: list[str] = []
    run_start = run_end = None
    for part in [*parts, None]:
        if isinstance(part, _Word):
            run_start = part.start if run_start is None else run_start
            run_end = part.end
            continue
        if run_start is not None:
            runs.append(text[run_start:run_end].strip())
            run_start = None
    return [w for w in runs if w and (keep_filler or _normalize(w).replace(" ", "") not in notation.filler)]


def _ignored_words_note(words: list[str]) -> str:
    return "忽略了数值以外的文字“" + "”“".join(words) + "”，请核对"


# --------------------------------------------------------------------------------------------
# Comparing a target with an actual (used by the facts stage)
# --------------------------------------------------------------------------------------------


def comparable_numbers(target: Quantity, actual: Quantity, notation: Notation) -> tuple[Decimal, Decimal] | None:
    """The two numbers in one unit, or None when their units cannot be compared. A unit on one
    side only ("≥50个" vs "50") is the same unit; "26300米" vs "≥25公里" converts by the pack's
    table (both to the dimension's base unit, by multiplication: exact in Decimal)."""
    if not target.unit or not actual.unit or target.unit == actual.unit:
        return target.number, actual.number
    t, a = notation.conversions.get(target.unit), notation.conversions.get(actual.unit)
    if t is None or a is None or t[0] != a[0]:
        return None
    return target.number * t[1], actual.number * a[1]


def in_base_unit(quantity: Quantity, notation: Notation) -> tuple[str, Decimal]:
    """(dimension, number in its base unit) by the pack's table; (unit, number) for a unit the
    table does not list. Two quantities add up when their first items are equal."""
    conversion = notation.conversions.get(quantity.unit)
    if conversion is None:
        return quantity.unit, quantity.number
    return conversion[0], quantity.number * conversion[1]


#: An actual written with a comparator gives a bound. The bound is a safe value to score with
#: only when the true value lies on the side that cannot overstate the result (an "equal" target
#: is scored like a positive one).
_SAFE_ACTUAL_BOUND = {"positive": (">=", ">", "=="), "equal": (">=", ">", "=="), "reverse": ("<=", "<", "==")}


def comparison_doubts(target: Value, actual: Value, direction: str) -> tuple[str, ...]:
    """Doubts that need both cells: a bound written as the actual (`bound_doubt`), and an actual
    such as "285%" against a target of at most 100 % ("≥85%"): the "2" is likely a misread "≥"
    (as a value it would be far above anything the target asks); likewise a target "290%"
    against an actual of at most 100 % (the form's "≥90%")."""
    out = []
    bound = bound_doubt(actual, direction)
    if bound:
        out.append(bound)
    if (actual.kind == "quantity" and actual.comparator is None and actual.unit == PERCENT_UNIT
            and target.kind == "quantity" and target.unit == PERCENT_UNIT and target.number <= _HUNDRED
            and actual.number > _HUNDRED):
        ocr = next((n for n in actual.notes if "OCR" in n), None)
        if ocr:
            out.append(ocr)
    # the other way round: a target "290%" (≥90% misread) against an actual of at most 100 %
    if (target.kind == "quantity" and target.comparator is None and target.unit == PERCENT_UNIT
            and target.number > _HUNDRED and actual.kind == "quantity" and actual.unit == PERCENT_UNIT
            and actual.number <= _HUNDRED):
        ocr = next((n for n in target.notes if "OCR" in n), None)
        if ocr:
            out.append(ocr)
    # a share written as a decimal fraction on one side ("0.95", an Excel cell formatted as a
    # number) against a percentage on the other ("≥95%"): read as 0.95 % it would lose nearly all
    # the points, read as 95 % it would be a guess; either way a person decides
    for bare, other, label in ((actual, target, "实际完成值"), (target, actual, "指标值")):
        if (bare.kind == "quantity" and other.kind == "quantity" and len(bare.quantities) == 1
                and not bare.unit and other.unit == PERCENT_UNIT
                and 0 < bare.number <= 1 < other.number):
            shown = bare.text.strip()
            out.append(f"{label}“{shown}”没有单位，另一栏是百分数：可能是小数写法的百分比"
                       f"（{shown} 即 {fmt(bare.number * _HUNDRED)}%），请核对")
    return tuple(out)


_HUNDRED = Decimal(100)


def bound_doubt(actual: Value, direction: str) -> str | None:
    """"不足95%" or "<95%" as the actual of a "≥" target says only that it is below 95: scoring it
    as 95 would overstate it. A doubt in Chinese, or None when the bound is safe to use."""
    if actual.comparator is None or direction not in _SAFE_ACTUAL_BOUND:
        return None
    if actual.comparator in _SAFE_ACTUAL_BOUND[direction]:
        return None
    return f"实际完成值“{actual.text.strip()}”只给出范围（{_SIGN_OF[actual.comparator]}），不是确定的完成值，需人工复核"


#: The order of a date's parts: a date is a year, then optionally a month, then optionally a day.
_DATE_PARTS = ("year", "month", "day")


def date_span(value: Value, units: dict) -> tuple:
    """The first and last day a date cell can mean, as two `datetime.date`s, or () when the
    cell is not a plain date. `units` (the pack's `date_units`) names the unit of each part:
    {年: year, 月: month, 日: day}. "2023年10月" is 2023-10-01 … 2023-10-31, "2023年底前" (a year
    alone) the whole year, "2022年12月30日" one day. The cell must read for sure (no doubt, no
    ignored words), start with a year of four digits and give whole numbers in year-month-day
    order; anything else is not a date here."""
    import calendar
    from datetime import date

    if not units or value.kind not in ("quantity", "compound") or value.uncertain or value.notes:
        return ()
    parts = [units.get(q.unit) for q in value.quantities]
    if not parts or parts != list(_DATE_PARTS[:len(parts)]):
        return ()
    numbers = [q.number for q in value.quantities]
    if any(n != n.to_integral_value() for n in numbers):
        return ()
    year, month, day = (int(n) for n in (*numbers, 0, 0)[:3])
    if not 1900 <= year <= 2100 or len(parts) > 1 and not 1 <= month <= 12:
        return ()
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    last = calendar.monthrange(year, month)[1]
    if len(parts) == 2:
        return date(year, month, 1), date(year, month, last)
    if not 1 <= day <= last:
        return ()
    return date(year, month, day), date(year, month, day)


#: The parser's own tables, without a pack (importers, and packs that add nothing).
DEFAULT_NOTATION = _default_notation()
