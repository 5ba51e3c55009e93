"""Earlier results for the year-over-year comparison (`--previous DIR`): an edge.

DIR is a folder of result files (`jixiao batch --out` writes them under results/; any *.json
under DIR is read). Each is indexed by (unit, project, form, year); a case of year Y is compared
with the same unit's latest result before Y. A file that is not a jixiao result is skipped and
named (never silently: `skipped` lists it); an unreadable folder is exit 2.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from .errors import JixiaoError
from .result import Result
from .yoy import compare

MAX_FILE = 16 << 20  # a result file larger than this is not one jixiao wrote


@dataclasses.dataclass
class Previous:
    folder: str
    by_key: dict = dataclasses.field(default_factory=dict)  # (unit, project, form) -> {year: (data, file)}
    skipped: list = dataclasses.field(default_factory=list)  # (file, why)

    @classmethod
    def load(cls, folder: str | Path) -> "Previous":
        root = Path(folder)
        if not root.is_dir():
            raise JixiaoError.single("E-PREVIOUS", "上年结果目录不存在或不是目录", file=str(folder),
                                     hint="给出上年 jixiao batch 的 --out 目录，或存放上年结果 JSON 的目录")
        found = cls(str(root))
        for path in sorted(root.rglob("*.json")):
            if not path.is_file() or path.stat().st_size > MAX_FILE:
                found.skipped.append((str(path), "不是普通文件或过大"))
                continue
            try:
                found.add(json.loads(path.read_text(encoding="utf-8")), str(path))
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
                found.skipped.append((str(path), "不是 jixiao 评分结果"))
                continue
        return found

    def add(self, data: dict, source: str) -> None:
        """Index one result's data (as its JSON reads); KeyError, TypeError or ValueError when it
        is not a jixiao result. A later `add` for the same unit, project, form and year wins."""
        case = data["case"]
        key = (case["unit"], case.get("project") or "", case["form"])
        year = int(case["year"])
        data["total"]["score"], data["total"]["grade"]
        self.by_key.setdefault(key, {})[year] = (data, source)

    def latest_before(self, unit: str, project: str, form: str, year: int | None) -> tuple[dict, str] | None:
        """The same unit's (and project's, and form's) latest result of a year before `year`:
        (its data, where it came from); None if there is none."""
        years = self.by_key.get((unit, project or "", form), {})
        earlier = [y for y in years if year is not None and y < year]
        return years[max(earlier)] if earlier else None

    def attach(self, result: Result) -> Result:
        """`result` with the comparison to the same unit's latest earlier result, if there is one."""
        found = self.latest_before(result.unit, result.project, result.form, result.year)
        if found is None:
            return result
        data, source = found
        titles = tuple(a.title for a in result.actions)
        return dataclasses.replace(result, previous=compare(titles, result.total, data, source))
