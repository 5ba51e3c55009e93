"""Which rule pack applies to a case: chosen by fiscal year, form kind, layout and region.

Every pack declares what it is for in its pack.yaml:

    pack:
      applies_to:
        years: {from: 2023, to: 2025}   # fiscal years, both ends included; either may be left out
        forms: [department, project]    # left out: every form kind
        regions: [湖北省]                # left out: every region (a national pack)
        layouts: [20+80]                # left out: every layout (the case's `layout`)

A region applies to a case whose `region` starts with it, so 湖北省 covers 湖北省武汉市. When
`jixiao score` is given no `--rules`, every pack folder under rules/ (names starting with `_`
are drafts and are skipped) is a candidate; those whose years, forms and regions admit the case
remain, and the most specific wins: a pack naming the case's layout before one that names none
(the layout says how the form is to be read), then the longest matching region, a national pack
last. A pack that names layouts applies only to cases of those layouts. A case that states no
year is admitted by every year range (its result is provisional until the year is given) and is
read under the current rules: of the packs that admit it, only those whose years reach furthest
are candidates (scoresheet, not scoresheet-2013, however specific the older one is). Two equally
specific packs, or none, is an error that lists the candidates. A pack without
`applies_to` is never chosen on its own (name it with --rules), and a pack does not inherit its
parent's `applies_to`: a provincial pack says for itself where and when it applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .case import Case
from .errors import JixiaoError, Problem, tr
from .load import load_file, shown_path
from .rulepack import PACK_FILE, RULES_DIR, pack_folders
from .validate import schema_problems


@dataclass(frozen=True)
class Candidate:
    directory: Path
    id: str
    version: str
    applies_to: dict  # as written under pack.applies_to ({} when absent)

    def scope(self) -> str:
        """适用范围 in words: '2020–2030 年，department/project，全国'."""
        years = self.applies_to.get("years") or {}
        first, last = years.get("from"), years.get("to")
        span = (f"{first} 年" if first is not None and first == last else f"{first or '…'}–{last or '…'} 年") if years else "不限年度"
        forms = "/".join(self.applies_to.get("forms") or ()) or "各类表式"
        regions = "、".join(self.applies_to.get("regions") or ()) or "全国"
        layouts = self.applies_to.get("layouts")
        return f"{span}，{forms}，{regions}" + (f"，版式 {'/'.join(layouts)}" if layouts else "")

    def admits(self, year: int | None, form: str, region: str | None,
               layout: str | None = None) -> tuple[int, int] | None:
        """How specifically this pack applies to the case ((1 if it names the case's layout,
        the length of the matching region): 0 for a pack without layouts or regions), or None
        when it does not apply."""
        if not self.applies_to:
            return None
        years = self.applies_to.get("years") or {}
        if year is not None and ("from" in years and year < years["from"] or "to" in years and year > years["to"]):
            return None
        forms = self.applies_to.get("forms")
        if forms and form not in forms:
            return None
        layouts = self.applies_to.get("layouts")
        if layouts and layout not in layouts:
            return None
        regions = self.applies_to.get("regions")
        if not regions:
            return (1 if layouts else 0, 0)
        region = region_key(region)
        matching = [len(key) for key in map(region_key, regions) if region and key and region.startswith(key)]
        return (1 if layouts else 0, max(matching)) if matching else None


def region_key(text: str | None) -> str:
    """A region as compared: NFKC (full-width forms), without invisible format characters
    (zero-width space and joiners, BOM, soft hyphen: Unicode category Cf) or white space, which a
    copy from Word or a web page carries: "湖\u200b北省" is 湖北省, never silently another pack's
    region."""
    if not text:
        return ""
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


@dataclass(frozen=True)
class Selection:
    candidate: Candidate
    year: int | None
    form: str
    region: str | None
    layout: str | None = None

    @property
    def directory(self) -> Path:
        return self.candidate.directory

    def describe(self) -> str:
        c = self.candidate
        where = f"、地区 {self.region}" if self.region else ""
        where += f"、版式 {self.layout}" if self.layout else ""
        year = f"年度 {self.year}" if self.year is not None else "年度（未填写）"
        return (f"按案卷{year}、表式 {self.form}{where}，选用规则包 {c.id} v{c.version}"
                f"（{shown_path(c.directory)}，适用 {c.scope()}）")


def read_candidates(rules_dir: Path = RULES_DIR) -> list[Candidate]:
    """Every pack folder under `rules_dir`, with what its pack.yaml says it applies to (from
    the on-disk cache when no pack.yaml changed: engine/packcache.py)."""
    from . import packcache

    folders = pack_folders(rules_dir)
    rows = packcache.cached_candidates(str(rules_dir), folders)
    if rows is not None:
        return [Candidate(folder, *row[1:]) for folder, row in zip(folders, rows)]
    out = []
    files = []
    problems: list[Problem] = []
    for folder in folders:
        doc = load_file(folder / PACK_FILE)
        files.append((doc.path, doc.sha256))
        found = schema_problems(doc, "rulepack.schema.json")
        if found:
            problems.extend(found)
            continue
        meta = (doc.data or {}).get("pack") or {}
        out.append(Candidate(folder, meta.get("id", folder.name), str(meta.get("version", "")), meta.get("applies_to") or {}))
    if problems:
        raise JixiaoError(problems)
    packcache.store_candidates(str(rules_dir), files, [[str(c.directory), c.id, c.version, c.applies_to] for c in out])
    return out


def choose(year: int | None, form: str, region: str | None, candidates: list[Candidate],
           layout: str | None = None) -> Selection:
    """The most specific candidate that applies; JixiaoError when none does or two tie."""
    scored = [(c, s) for c in candidates if (s := c.admits(year, form, region, layout)) is not None]
    listing = "; ".join(f"{c.id}（{c.scope()}）" if c.applies_to else f"{c.id}（未声明 applies_to，不自动选用）"
                        for c in candidates) or "none"
    about = (f"{year} 年度 {form}" if year is not None else f"未写年度 {form}") + (f"、地区 {region}" if region else "、未写地区")
    about += f"、版式 {layout}" if layout else ""
    if not scored:
        raise JixiaoError.single(
            "E-PACK-SELECT", tr(f"没有适用于这份案卷（{about}）的规则包；现有规则包：{listing}",
                                f"no rule pack applies to this case ({about}); packs: {listing}"), stage="load",
            hint=tr("核对案卷的年度、表式和地区，或用 --rules 指定规则包",
                    "check the case's year, form and region, or name a pack with --rules"),
        )
    if year is None:
        # no year stated: the current rules apply (a pack for past years only is not a candidate)
        latest = max(_last_year(c) for c, _s in scored)
        scored = [(c, s) for c, s in scored if _last_year(c) == latest]
    best = max(s for _c, s in scored)
    top = [c for c, s in scored if s == best]
    if len(top) > 1:
        names = " and ".join(f"{c.id}（{shown_path(c.directory)}，{c.scope()}）" for c in top)
        raise JixiaoError.single(
            "E-PACK-SELECT", tr(f"有 {len(top)} 个规则包同样适用于这份案卷（{about}）：{names}",
                                f"{len(top)} rule packs apply equally to this case ({about}): {names}"), stage="load",
            hint=tr("收窄其中一个规则包的 applies_to（年度、表式、地区、版式），给出案卷的年度（--year），或用 --rules 指定规则包",
                    "narrow one pack's applies_to (years, forms, regions, layouts), give the case's year "
                    "(--year), or name a pack with --rules"),
        )
    return Selection(top[0], year, form, region, layout)


def _last_year(candidate: Candidate) -> float:
    """The last fiscal year a pack applies to (open-ended: infinity)."""
    last = (candidate.applies_to.get("years") or {}).get("to")
    return float("inf") if last is None else float(last)


def select_pack(case: Case, rules_dir: Path = RULES_DIR) -> Selection:
    """The pack under `rules_dir` that applies to the case's year, form, layout and region."""
    return choose(case.year, case.form, case.region, read_candidates(rules_dir), case.layout)
