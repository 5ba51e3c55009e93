"""The rule grade as each output shows it: a case of which nothing could be scored has no grade,
not even a provisional one (the table said "暂不定级（已计分部分为“差”）" for a report whose
nothing was scored, while markdown and HTML said 未评分)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from engine.api import score_file
from engine.report import render
from engine.report.table import render as render_table

ROOT = Path(__file__).resolve().parents[1]


def _rule_line(text: str) -> str:
    return next(line for line in text.splitlines() if "规则计算" in line)


@pytest.mark.parametrize("example", ["v2-narrative.yaml", "v2-no-self-evaluation.yaml"])
def test_nothing_scored_reads_not_scored_in_every_output(example):
    result = score_file(str(ROOT / "cases" / "examples" / example))
    assert result.nothing_scored
    line = _rule_line(render_table(result))
    assert "未评分" in line and "差" not in line and "暂不定级" not in line
    for fmt in ("markdown", "html"):
        text = render(result, fmt, datetime.date(2025, 1, 31))
        assert "未评分" in text
        assert "已计分部分为“差”" not in text


def test_a_withheld_grade_still_names_the_scored_part():
    result = score_file(str(ROOT / "cases" / "examples" / "v2-unreadable.yaml"))
    assert result.grade_withheld and not result.nothing_scored
    assert "暂不定级（已计分部分为“差”）" in _rule_line(render_table(result))
