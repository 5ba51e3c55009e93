"""Seeded generator of realistic synthetic 绩效自评 case files, for the benchmark.

Each case is one unit's filing for one year, shaped like `cases/2022/lukou-gsl.yaml` and valid
against `schemas/case.schema.json`: a target table, a self-evaluation table with 20–40 indicator
rows and a narrative report with money claims ("工资福利支出107.57万元，占总支出的67.03%").
The cells use every notation of the domain guide §5 (comparators in all their spellings,
full-width digits, thousands separators, % ％ 百分比 百分之, units, a unit on the target only,
compound values, qualitative words, deadlines and periods, OCR damage), and a share of the cases
is deliberately inconsistent (sums that do not add up, wrong shares and rates, a target table
dated late or differing from the self-evaluation, self scores that disagree with the rules,
deductions without a reason, actuals written as expressions or copied from the target, units
that differ, vague targets, 100% satisfaction without a survey).

The same (seed, index) always gives the same text, so `benchmarks/run.py` can reuse a generated
folder. The YAML is written by hand (strings double-quoted, JSON-escaped, which is valid YAML)
because PyYAML's pure-Python emitter would make generation slower than scoring.

    python benchmarks/generate.py --count 1000 --seed 1 --out /tmp/cases
"""

from __future__ import annotations

import json
import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

GENERATOR_VERSION = 1

# City -> a few of its districts and counties (湖南省), so a unit's name is a real place.
PLACES = {
    "长沙市": ["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区", "望城区", "浏阳市", "宁乡市"],
    "株洲市": ["荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "醴陵市", "攸县", "茶陵县", "炎陵县"],
    "湘潭市": ["雨湖区", "岳塘区", "湘乡市", "韶山市", "湘潭县"],
    "衡阳市": ["珠晖区", "雁峰区", "石鼓区", "蒸湘区", "南岳区", "衡阳县", "耒阳市"],
    "邵阳市": ["双清区", "大祥区", "北塔区", "邵东市", "新邵县"],
    "岳阳市": ["岳阳楼区", "云溪区", "君山区", "汨罗市", "临湘市", "华容县"],
    "常德市": ["武陵区", "鼎城区", "津市市", "汉寿县", "桃源县"],
    "益阳市": ["资阳区", "赫山区", "沅江市", "南县", "桃江县"],
    "郴州市": ["北湖区", "苏仙区", "资兴市", "桂阳县", "宜章县"],
    "永州市": ["零陵区", "冷水滩区", "祁阳市", "东安县", "道县"],
    "怀化市": ["鹤城区", "洪江市", "中方县", "沅陵县", "辰溪县"],
    "娄底市": ["娄星区", "冷水江市", "涟源市", "双峰县", "新化县"],
}
DEPARTMENTS = ["工商业联合会", "教育局", "卫生健康局", "农业农村局", "民政局", "司法局", "财政局",
               "人力资源和社会保障局", "自然资源局", "住房和城乡建设局", "交通运输局", "水利局", "文化旅游广电体育局",
               "市场监督管理局", "应急管理局", "退役军人事务局", "统计局", "医疗保障局", "林业局", "城市管理局",
               "档案馆", "机关事务中心", "妇女联合会", "共青团委员会", "科学技术协会", "残疾人联合会", "供销合作社"]
PEOPLE = ["刘水良", "王建国", "李红梅", "张志强", "陈晓燕", "杨帆", "赵丽娟", "黄海涛", "周敏", "吴伟",
          "徐静", "孙立新", "胡小军", "朱丽华", "郭峰", "何芳", "罗斌", "谭湘平", "彭娟", "曾国平"]

# Count indicators: (name, unit, usual targets). Units from domain guide §5.
QUANTITY_ROWS = [
    ("开展政策宣讲", "场", [6, 10, 12, 20]), ("走访服务企业", "家", [30, 50, 58, 100, 120]),
    ("培训基层人员", "人次", [200, 500, 1200, 3000]), ("组织专题调研", "次", [2, 3, 4, 6]),
    ("印发宣传资料", "份", [1000, 2000, 5000, 12000]), ("发放困难群众补助", "户", [80, 150, 320, 1200]),
    ("建设示范基地", "个", [1, 2, 3, 5]), ("完成项目验收", "个", [3, 5, 8, 12]),
    ("开展执法检查", "批次", [6, 10, 12, 24]), ("受理群众来信来访", "件", [50, 100, 200]),
    ("组织应急演练", "次", [2, 4, 6]), ("新增就业岗位", "个", [100, 200, 500]),
    ("改造农村道路", "米", [1500, 3000, 12000]), ("建成高标准农田", "亩", [500, 1200, 3000, 10000]),
    ("清运生活垃圾", "吨", [800, 1500, 3600]), ("开展文化下乡活动", "场", [12, 20, 36]),
    ("办理法律援助案件", "件", [30, 60, 120]), ("开展义诊活动", "次", [4, 6, 12]),
    ("撰写调研报告", "篇", [2, 3, 5]), ("联系非公人士", "人", [30, 58, 80]), ("保障在职人员", "人", [7, 12, 25, 40]),
    ("完成档案数字化", "份", [5000, 12000, 20000]), ("督查整改问题", "个", [10, 20, 35]),
    ("组织技能培训", "期", [2, 4, 6]), ("发放宣传手册", "册", [500, 1000, 3000]),
]
UNITS_COUNT = sorted({unit for _, unit, _ in QUANTITY_ROWS})
# A cell's unit typed differently on the two tables, as on real forms ("2篇" -> "2编").
UNIT_TYPOS = {"篇": "编", "人次": "人", "个": "各", "批次": "批", "份": "分", "家": "户"}

QUALITY_NAMES = ["上级安排的工作任务完成率", "项目验收合格率", "政策知晓率", "资金拨付准确率", "案件办结率",
                 "档案整理合格率", "培训合格率", "设施完好率", "信息公开及时率", "问题整改完成率"]
TIME_NAMES = ["年内完成各项工作", "资金拨付及时性", "项目完工时间", "报告报送时限", "任务完成时限"]
COST_CATEGORIES = [("人员经费", "工资福利支出"), ("办公经费", "商品和服务支出"), ("业务工作经费", "商品和服务支出"),
                   ("对退休人员的补助", "对个人和家庭的补助支出")]
ECONOMIC_NAMES = ["带动相关产业增收", "促进区域经济发展", "服务民营企业发展", "降低企业运行成本", "增加农民收入"]
SOCIAL_NAMES = ["营造良好营商环境", "提升群众获得感", "保障困难群众基本生活", "维护社会和谐稳定", "提高公共服务水平",
                "促进就业创业"]
ECOLOGY_NAMES = ["改善生态环境质量", "减少污染物排放", "提升绿化覆盖率"]
SUSTAIN_NAMES = ["长效管理机制建立健全", "引导社会力量参与", "工作机制持续运行", "干部队伍能力提升"]
SATISFACTION_NAMES = ["服务对象满意度", "基层单位对工作的认可度", "群众满意度", "企业满意度", "受益对象满意度"]
LEVEL2 = {"数量": "数量指标", "质量": "质量指标", "时效": "时效指标", "成本": "成本指标",
          "经济": "经济效益指标", "社会": "社会效益指标", "生态": "生态效益指标", "可持续": "可持续影响指标",
          "满意度": "服务对象满意度指标"}

# Comparators in every spelling of domain guide §5: (before, after) the number.
GE = [("≥", ""), ("≧", ""), (">=", ""), ("＞=", ""), ("不低于", ""), ("不少于", ""), ("", "以上"), ("至少", ""),
      ("达到", "")]
GT = [("＞", ""), (">", ""), ("高于", "")]
LE = [("≤", ""), ("≦", ""), ("<=", ""), ("＜=", ""), ("不超过", ""), ("不高于", ""), ("", "以内"), ("", "以下"),
      ("控制在", "以内"), ("控制在", "内")]
LT = [("＜", ""), ("<", "")]
EQ = [("＝", ""), ("=", ""), ("﹦", ""), ("等于", "")]
QUAL_TARGETS = ["好", "完成情况好", "达成预期指标", "效果明显", "显著提升", "完成"]
QUAL_MET = ["好", "完成情况好", "达成预期指标", "效果明显", "显著提升", "完成", "较好", "良好", "全部完成", "达成年度指标"]
QUAL_PARTIAL = ["基本完成", "部分达成", "有所提升", "基本达成", "一般"]
QUAL_MISSED = ["未完成", "较差", "未达成"]
VAGUE_TARGETS = ["不断提升", "逐步提高", "有所提升", "持续提升"]
BOILERPLATE_REASONS = ["", "", "", "无", "暂无", "/", "无偏差"]
REASONS = ["受疫情影响，部分活动延期举办，下一步将加强统筹，确保按期完成。",
           "部分项目因审批流程较长推迟实施，已督促加快进度。",
           "年中政策调整，目标值未同步调整，明年编制目标时将充分论证。",
           "服务对象数量较上年增加，超额完成，明年将合理设定指标值。",
           "因人员调整，工作有所滞后，已补充力量，加强过程监控。",
           "资金到位较晚，影响了项目进度，下一步将提前谋划。"]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _q(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return _q(Decimal(str(round(rng.uniform(low, high), 2))))


def _num_text(n: Decimal) -> str:
    text = format(n.normalize(), "f") if n != n.to_integral_value() else str(int(n))
    return text


def _styled_number(rng: random.Random, n: Decimal, allow_style: bool = True) -> str:
    """A number as people type it: plain, with thousands separators, or in full-width digits."""
    text = _num_text(n)
    if not allow_style:
        return text
    roll = rng.random()
    if roll < 0.08:
        return text.translate(FULLWIDTH)
    if roll < 0.16 and n >= 1000 and n == n.to_integral_value():
        return f"{int(n):,}"
    return text


def _percent(rng: random.Random, n: Decimal, allow_style: bool = True) -> str:
    number = _styled_number(rng, n, allow_style)
    if not allow_style:
        return f"{number}%"
    roll = rng.random()
    if roll < 0.75:
        return f"{number}%"
    if roll < 0.88:
        return f"{number}％"
    if roll < 0.94:
        return f"{number}百分比"
    return f"百分之{number}"


def _with_comparator(rng: random.Random, body: str, table: list[tuple[str, str]]) -> str:
    before, after = rng.choice(table)
    return f"{before}{body}{after}"


class _Row:
    """One indicator row as generated: cells, and what the generator knows about it."""

    def __init__(self, name: str, target: str, actual: str, *, met: bool | None, ratio: Decimal | None = None,
                 qualitative_band: str | None = None, table_target: str | None = None, na: bool = False):
        self.name, self.target, self.actual = name, target, actual
        self.met, self.ratio, self.qual_band, self.na = met, ratio, qualitative_band, na
        self.table_target = target if table_target is None else table_target
        self.weight: Decimal | None = None
        self.score: Decimal | None = None
        self.reason = ""


class CaseGenerator:
    """Generates one case; every random choice comes from the seeded `rng`."""

    def __init__(self, rng: random.Random, index: int):
        self.rng = rng
        self.index = index
        self.flaws = rng.random() < 0.35  # a third of the cases carry deliberate inconsistencies
        self.rosy = not self.flaws and rng.random() < 0.1  # full marks everywhere, no deviation text

    def flaw(self, p: float) -> bool:
        return self.flaws and self.rng.random() < p

    # ------------------------------------------------------------------ indicator rows

    def quantity_row(self, spec: tuple[str, str, list[int]]) -> _Row:
        rng = self.rng
        name, unit, usual = spec
        target = Decimal(rng.choice(usual))
        table = GE if rng.random() < 0.6 else rng.choice([GT, EQ])
        written = f"{_styled_number(rng, target)}{unit}"
        target_text = _with_comparator(rng, written, table) if rng.random() < 0.7 else written
        roll = rng.random()
        if roll < 0.7:
            actual = target + (Decimal(rng.randint(0, 3)) if rng.random() < 0.5 else 0)
        elif roll < 0.92:
            actual = _q(target * Decimal(str(rng.uniform(0.6, 0.99))), "1")
        else:
            actual = _q(target * Decimal(str(rng.uniform(1.3, 2.5))), "1")  # far over: target set too low
        actual_unit = unit if rng.random() < 0.85 else ""  # "≥50个" vs "50": the unit on the target only
        actual_text = f"{_num_text(actual)}{actual_unit}"
        table_target = None
        if self.flaw(0.15) and unit in UNIT_TYPOS:
            typo = UNIT_TYPOS[unit]  # the self-evaluation says "2编" where the target table says "2篇"
            table_target = target_text
            target_text = target_text.replace(unit, typo)
            actual_text = actual_text.replace(unit, typo) if actual_unit else actual_text
        if self.flaw(0.08):
            actual_text = f"{_num_text(actual)}{rng.choice([u for u in UNITS_COUNT if u != unit])}"  # units differ
        return _Row(name, target_text, actual_text, met=actual >= target, ratio=actual / target,
                    table_target=table_target)

    def rate_row(self, name: str, direction: str = "ge") -> _Row:
        rng = self.rng
        target = Decimal(rng.choice([80, 85, 90, 92, 95, 95, 98, 100, 100]))
        table = {"ge": GE, "gt": GT, "eq": EQ}[direction]
        target_text = _with_comparator(rng, _percent(rng, target), table) if rng.random() < 0.85 else _percent(rng, target)
        roll = rng.random()
        if roll < 0.65:
            actual = target if target == 100 else min(HUNDRED, target + Decimal(rng.randint(0, 5)))
        else:
            actual = target - Decimal(rng.choice([1, 2, 3, 5, "0.5", "2.5", 8]))
        actual_text = _percent(rng, actual, allow_style=rng.random() < 0.3)
        if self.flaw(0.12):
            actual_text = "≧" + actual_text  # the actual written as an expression ("≧92%")
        elif self.flaw(0.06):
            actual_text = target_text  # copied from the target
            actual = target
        elif rng.random() < 0.01 and target < 100:
            actual_text = f"2{_num_text(target)}%"  # OCR: "≥90%" read as "290%"
            actual = Decimal(f"2{_num_text(target)}")
        return _Row(name, target_text, actual_text, met=actual >= target, ratio=actual / target)

    def time_row(self, name: str) -> _Row:
        rng = self.rng
        kind = rng.randrange(6)
        if kind == 0:
            month = rng.choice([6, 9, 10, 11, 12])
            return _Row(name, f"{month}月前", f"{month if rng.random() < 0.8 else month + 1 if month < 12 else month}月",
                        met=True)
        if kind == 1:
            return _Row(name, "12月底之前完成", rng.choice(["12月底前完成", "12月", "11月", "按时完成"]), met=True)
        if kind == 2:
            return _Row(name, "1-12月", rng.choice(["1-12月", "全年", "12月"]), met=None)
        if kind == 3:
            days = rng.choice([2, 3, 5, 7, 15, 30])
            return _Row(name, _with_comparator(rng, f"{days}天", [("", "以内"), ("≤", ""), ("不超过", "")]),
                        f"{max(1, days - rng.randint(0, 1))}天", met=True)
        if kind == 4 and rng.random() < 0.3:
            return _Row(name, "W100%", "100%", met=None)  # OCR: "≤100%" read as "W100%"
        return self.rate_row(name)

    def cost_row(self, name: str, amount: Decimal) -> _Row:
        """A cost indicator whose actual is a spending amount in 万元 (they add up to 全年执行数)."""
        rng = self.rng
        if rng.random() < 0.15:
            target = _q(amount * Decimal(str(rng.uniform(0.85, 0.98))))  # overspent: reverse scoring deducts
        else:
            target = _q(amount * Decimal(str(rng.uniform(1.0, 1.15)))) if rng.random() < 0.5 else amount
        roll = rng.random()
        if roll < 0.3:
            target_text = f"{_num_text(target)}万元"  # no comparator: 成本指标 implies "≤"
        elif roll < 0.45 and target < 100:
            yuan = _q(target * 10000, "1")
            target_text = _with_comparator(rng, f"{int(yuan):,}元", [("不超过", ""), ("≤", ""), ("控制在", "以内")])
        else:
            target_text = _with_comparator(rng, f"{_num_text(target)}万元", LE + LT)
        return _Row(name, target_text, f"{_num_text(amount)}万元", met=amount <= target,
                    ratio=amount / target if target else None)

    def qualitative_row(self, name: str) -> _Row:
        rng = self.rng
        roll = rng.random()
        band, actual = ("达成", rng.choice(QUAL_MET)) if roll < 0.8 else \
            ("部分达成", rng.choice(QUAL_PARTIAL)) if roll < 0.95 else ("未达成", rng.choice(QUAL_MISSED))
        return _Row(name, rng.choice(QUAL_TARGETS), actual, met=band == "达成", qualitative_band=band)

    def compound_row(self) -> _Row:
        rng = self.rng
        if rng.random() < 0.5:
            a, b = rng.choice([12, 20, 28, 35]), rng.choice([10, 20, 28, 30])
            done = a if rng.random() < 0.8 else a - rng.randint(1, 3)
            return _Row("助力乡村振兴开展“万企帮万村”行动", f"{a}家企业帮扶{b}个村", f"{done}家企业帮扶{b}个村",
                        met=done >= a, ratio=Decimal(done) / a)
        sheep, pigs = rng.choice([100, 150, 180, 240]), rng.choice([8, 12, 20])
        got = sheep if rng.random() < 0.8 else sheep - rng.randint(5, 30)
        return _Row("产业扶贫发放牲畜", f"{sheep}只羊、{pigs}头猪", f"{got}只羊、{pigs}头猪", met=got >= sheep,
                    ratio=Decimal(got) / sheep)

    def vague_row(self, name: str) -> _Row:
        return _Row(name, self.rng.choice(VAGUE_TARGETS), self.rng.choice(QUAL_MET), met=True, qualitative_band="达成")

    def satisfaction_row(self, name: str) -> _Row:
        rng = self.rng
        direction = rng.choice(["ge", "ge", "ge", "gt", "eq"])
        row = self.rate_row(name, direction)
        if rng.random() < 0.2:
            row.actual, row.met = "100%", True  # 100% satisfaction (a survey may or may not be mentioned)
        return row

    # ------------------------------------------------------------------ weights and self scores

    @staticmethod
    def split_weights(points: int, rows: list[_Row]) -> None:
        scored = [r for r in rows if not r.na]
        units = points * 2  # weights in halves of a point, summing to the section's points
        each, extra = divmod(units, len(scored))
        for i, row in enumerate(scored):
            row.weight = Decimal(each + (1 if i < extra else 0)) / 2

    def self_score(self, row: _Row) -> None:
        rng = self.rng
        if row.na:
            return
        weight = row.weight
        if row.qual_band:
            share = {"达成": rng.choice(["1", "0.9", "0.8"]), "部分达成": rng.choice(["0.7", "0.6"]),
                     "未达成": rng.choice(["0.5", "0.3"])}[row.qual_band]
            score = _q(weight * Decimal(share), "0.1")
        elif row.met is False and row.ratio is not None:
            score = _q(weight * min(row.ratio, Decimal(1)), "0.01" if rng.random() < 0.5 else "0.1")
        else:
            score = weight
        if self.flaw(0.1) or self.rosy:
            score = weight  # full marks on a missed row
        elif self.flaw(0.08):
            score = max(Decimal(0), weight - 1)  # points deducted on a met row
        elif self.flaw(0.02):
            score = weight + 1  # more than the weight
        row.score = score
        if self.rosy:
            return
        if score < weight:
            row.reason = rng.choice(REASONS) if rng.random() < 0.45 else rng.choice(BOILERPLATE_REASONS)
        elif row.ratio is not None and row.ratio >= Decimal("1.3") and rng.random() < 0.5:
            row.reason = REASONS[3]

    # ------------------------------------------------------------------ the case

    def indicator_blocks(self, spending: dict[str, Decimal]) -> list[tuple[str, str, int, list[tuple[str, list[_Row]]]]]:
        rng = self.rng
        total_rows = rng.randint(20, 40)
        n_satisfaction = rng.randint(1, 3)
        n_benefit = max(4, round(total_rows * rng.uniform(0.2, 0.3)))
        cost_rows = [self.cost_row(name, amount) for name, amount in spending.items()]
        n_output = total_rows - n_satisfaction - n_benefit - len(cost_rows)
        n_time = rng.randint(1, 3)
        n_quality = (n_output - n_time) // 2
        n_quantity = n_output - n_time - n_quality

        def names(pool: list, n: int) -> list:
            """n distinct entries of pool; past its size, repeats get a “（二）”-style suffix."""
            picked = rng.sample(pool, min(n, len(pool)))
            while len(picked) < n:
                extra = rng.choice(pool)
                suffix = f"（{'二三四五六七八九'[min(7, len(picked) // len(pool))]}）"
                picked.append((extra[0] + suffix, *extra[1:]) if isinstance(extra, tuple) else extra + suffix)
            return picked

        quantity = [self.vague_row(spec[0]) if self.flaw(0.05) else self.quantity_row(spec)
                    for spec in names(QUANTITY_ROWS, n_quantity)]
        if rng.random() < 0.25:
            quantity[rng.randrange(len(quantity))] = self.compound_row()
        quality = [self.qualitative_row(n) if rng.random() < 0.1 else self.rate_row(n, rng.choice(["ge", "ge", "eq"]))
                   for n in names(QUALITY_NAMES, n_quality)]
        timely = [self.time_row(n) for n in names(TIME_NAMES, n_time)]
        benefit_groups = []
        pools = (("经济", ECONOMIC_NAMES), ("社会", SOCIAL_NAMES), ("生态", ECOLOGY_NAMES), ("可持续", SUSTAIN_NAMES))
        for i, (key, pool) in enumerate(pools):
            count = n_benefit // 4 + (1 if i < n_benefit % 4 else 0)
            if key == "生态" and rng.random() < 0.3:
                # "无": no ecological indicator; the row is on the form but carries no weight
                benefit_groups.append((LEVEL2[key], [_Row("无", rng.choice(["", "/"]), rng.choice(["", "/"]),
                                                          met=None, na=True)]))
                continue
            rows = [self.qualitative_row(n) if rng.random() < 0.45 else self.rate_row(n) for n in names(pool, count)]
            benefit_groups.append((LEVEL2[key], rows))
        satisfaction = [self.satisfaction_row(n) for n in names(SATISFACTION_NAMES, n_satisfaction)]
        output_groups = [(LEVEL2["数量"], quantity), (LEVEL2["质量"], quality), (LEVEL2["时效"], timely),
                         (LEVEL2["成本"], cost_rows)]
        if rng.random() < 0.3:
            output_groups[2], output_groups[3] = output_groups[3], output_groups[2]  # 成本 before 时效
        blocks = [("产出指标", rng.choice(["产出指标(50分)", "产出指标（50分）"]), 50, output_groups),
                  ("效益指标", rng.choice(["效益指标（30分）", "效益指标(30分)"]), 30, benefit_groups),
                  ("满意度指标", "满意度指标（10分）", 10, [(LEVEL2["满意度"], satisfaction)])]
        for _level1, _label, points, groups in blocks:
            rows = [r for _, rs in groups for r in rs]
            self.split_weights(points, rows)
            if self.flaw(0.1):
                scored = [r for r in rows if not r.na]
                scored[0].weight += Decimal("0.5")  # the section's weights no longer add up to its points
            for row in rows:
                self.self_score(row)
        return blocks

    def build(self) -> dict:
        rng = self.rng
        year = rng.choice([2021, 2022, 2023, 2024])
        city = rng.choice(sorted(PLACES))
        district, dept = rng.choice(PLACES[city]), rng.choice(DEPARTMENTS)
        unit = f"{city}{district}{dept}"
        form = "department" if rng.random() < 0.8 else "project"

        full_year = _money(rng, 60, 3000)
        initial = full_year if rng.random() < 0.4 else _q(full_year * Decimal(str(rng.uniform(0.7, 0.99))))
        if self.flaw(0.1):
            executed = _q(full_year * Decimal(str(rng.uniform(1.01, 1.1))))  # executed more than the budget
        elif rng.random() < 0.5:
            executed = full_year
        else:
            executed = _q(full_year * Decimal(str(rng.uniform(0.85, 0.995))))
        rate = _q(executed / full_year * HUNDRED)
        rate_text = "100%" if rate == HUNDRED else f"{rate}%"
        if self.flaw(0.15):
            rate_text = f"{_q(rate + Decimal(rng.choice(['1.5', '-2', '3.25'])))}%"  # stated rate is not B/A

        # Spending by economic class: the cost indicators' actuals add up to 全年执行数.
        salary = _q(executed * Decimal(str(rng.uniform(0.5, 0.7))))
        retired = _q(executed * Decimal(str(rng.uniform(0.01, 0.05))))
        office = _q((executed - salary - retired) * Decimal(str(rng.uniform(0.3, 0.7))))
        business = executed - salary - retired - office
        spending = {"人员经费": salary, "办公经费": office, "业务工作经费": business, "对退休人员的补助": retired}
        goods = office + business

        blocks = self.indicator_blocks(spending)
        rows_all = [r for _, _, _, groups in blocks for _, rows in groups for r in rows]
        budget_self = _q(min(executed / full_year, Decimal(1)) * 10, "0.1")
        stated_total = budget_self + sum((r.score for r in rows_all if r.score is not None), Decimal(0))
        if self.flaw(0.15):
            stated_total += Decimal(rng.choice([-3, -1, 2]))  # 总分 is not the sum of the item scores
        survey = rng.random() < 0.3

        target_total = initial if not self.flaw(0.3) else full_year
        tt_general = target_total
        target_table = {
            "title": f"{year}年{'部门整体支出' if form == 'department' else '项目支出'}绩效目标表",
            "filing_unit": unit,
            "unit": unit,
            "budget": {
                "total": target_total,
                "by_income": [{"name": "一般公共预算", "amount": tt_general},
                              {"name": "政府性基金拨款", "amount": None},
                              {"name": "纳入专户管理的非税收入拨款", "amount": None},
                              {"name": "其他资金", "amount": None}],
                "by_spending": [{"name": "基本支出", "amount": target_total if form == "department" else None},
                                {"name": "项目支出", "amount": None if form == "department" else target_total}],
            },
            "functions": self.functions_text(dept),
            "goal": rng.choice(["保障机关正常运转，全面完成年度各项工作任务。", "保机关人员工资及机关正常运转，做好本部门职责范围内各项工作。",
                                "围绕中心工作，提升服务水平，推动事业高质量发展。"]),
            "indicators": [
                {"level1": level1, "groups": [
                    {"level2": level2, "rows": [{"name": r.name, "target": r.table_target} for i, r in enumerate(rows)
                                                if i == 0 or not self.flaw(0.03)]}  # a row missing from the table
                    for level2, rows in groups]}
                for level1, _label, _points, groups in blocks
            ],
            "filled_by": rng.choice(PEOPLE),
            "phone": f"0731{rng.randint(1000000, 9999999)}",
            "date": (f"{year - 1}年{rng.randint(9, 12)}月{rng.randint(1, 28)}日" if not self.flaw(0.3)
                     else f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"),
            "head_signature": "",
        }
        if rng.random() < 0.5:
            target_table.pop("filing_unit")
        funding_general = full_year if not self.flaw(0.15) else _q(full_year - Decimal(rng.choice(["0.5", "1.2", "10"])))
        self_evaluation = {
            "title": "部门整体支出绩效自评表" if form == "department" else "项目支出绩效自评表",
            "period": f"{year}年度",
            "unit": unit,
            "budget": {"label": "年度资金总额", "initial": initial, "full_year": full_year, "executed": executed,
                       "weight": Decimal(10), "rate": rate_text, "self_score": budget_self},
            "funding": {
                "by_income": [{"name": "一般公共预算", "amount": funding_general},
                              {"name": "政府性基金拨款", "amount": None},
                              {"name": "其他资金", "amount": None}],
                "by_spending": [{"name": "基本支出", "amount": full_year if form == "department" else None},
                                {"name": "项目支出", "amount": None if form == "department" else full_year}],
            },
            "goal": {"expected": target_table["goal"], "actual": rng.choice(["完成情况好", "全面完成年度目标", "基本完成年度目标"])},
            "indicators": [
                {"level1": level1, "label": label, "points": Decimal(points), "groups": [
                    {"level2": level2, "rows": [
                        {"name": r.name, "target": r.target, "actual": r.actual, "weight": r.weight, "score": r.score,
                         "reason": r.reason} for r in rows]}
                    for level2, rows in groups]}
                for level1, label, points, groups in blocks
            ],
            "total": {"weight": Decimal(100), "score": stated_total},
        }
        report = self.report(year, unit, dept, initial, full_year, executed, salary, goods, retired, stated_total,
                             rate, survey)
        return {
            "format": "jixiao-case/1",
            "unit": unit,
            "year": year,
            "form": form,
            "region": f"湖南省{city}{district}",
            "source": f"benchmarks/generate.py v{GENERATOR_VERSION}, case {self.index}",
            "target_table": target_table,
            "self_evaluation": self_evaluation,
            "report": report,
        }

    # ------------------------------------------------------------------ the report

    def functions_text(self, dept: str) -> str:
        rng = self.rng
        duties = ["贯彻执行国家和省、市有关方针政策和法律法规", "拟订本行业发展规划和年度计划并组织实施",
                  "负责本系统财务、资产和统计管理工作", "指导和监督下属单位业务工作", "承担本领域的公共服务和社会管理职能",
                  "组织开展调查研究，提出政策建议", "负责本系统安全生产和应急管理工作", "完成区委、区政府交办的其他工作"]
        picked = rng.sample(duties, rng.randint(4, 7))
        numerals = "一二三四五六七八"
        return f"本部门（{dept}）主要职责是：" + "；".join(f"（{numerals[i]}）{d}" for i, d in enumerate(picked)) + "。"

    def report(self, year, unit, dept, initial, full_year, executed, salary, goods, retired, stated_total, rate,
               survey) -> dict:
        rng = self.rng
        public = _q(initial * Decimal(str(rng.uniform(0.7, 0.85))))
        social = _q((initial - public) * Decimal(str(rng.uniform(0.4, 0.7))))
        housing = initial - public - social
        if self.flaw(0.15):
            housing += Decimal(rng.choice(["0.01", "1", "5.5"]))  # the parts do not add up to the total
        initial_quote = (f"{year}年年初预算{_num_text(initial)}万元，其中，一般公共服务支出{_num_text(public)}万元，"
                         f"社会保障和就业支出{_num_text(social)}万元，住房保障支出{_num_text(housing)}万元，项目支出0万元。")
        parts = [("工资福利支出", salary), ("商品和服务支出", goods), ("对个人和家庭的补助支出", retired)]
        shares = [_q(amount / executed * HUNDRED) for _, amount in parts]
        if self.flaw(0.2):
            i = rng.randrange(3)
            shares[i] = _q(shares[i] + Decimal(rng.choice(["0.27", "-1.1", "0.3"])))  # a wrong share
        items = []
        for (name, amount), share in zip(parts, shares):
            item = {"name": name, "amount": amount, "share": f"{share}%"}
            if name == "商品和服务支出":
                item["includes"] = ["办公经费", "业务工作经费"]
            items.append(item)
        items.append({"name": "项目支出", "amount": Decimal(0), "share": "0%"})
        spend_quote = (f"{year}年度总支出{_num_text(executed)}万元；其中：" +
                       "，".join(f"{n}{_num_text(a)}万元，占总支出的{s}%" for (n, a), s in zip(parts, shares)) +
                       "；项目支出0万元，占总支出的0%。")
        execution_rate = None
        if rng.random() < 0.4:
            stated = rate if not self.flaw(0.3) else _q(rate - Decimal("1.5"))
            execution_rate = "100%" if stated == HUNDRED else f"{stated}%"
        staff = rng.randint(5, 60)
        actual_staff = staff + rng.randint(-3, 4)
        staffing_quote = f"{unit}共有编制人数{staff}人，实有人数{actual_staff}人。"
        survey_text = ("通过发放问卷调查，服务对象满意度较高。" if survey else "服务对象对我单位工作总体认可。")
        return {
            "title": "部门整体支出绩效自评报告",
            "statements": [
                {"topic": "年初预算", "quote": initial_quote, "total": initial,
                 "items": [{"name": "一般公共服务支出", "amount": public}, {"name": "社会保障和就业支出", "amount": social},
                           {"name": "住房保障支出", "amount": housing}, {"name": "项目支出", "amount": Decimal(0)}]},
                {"topic": "总支出", "quote": spend_quote, "total": executed, "items": items},
            ],
            "execution_rate": execution_rate,
            "self_score": {"score": stated_total,
                           "quote": f"对照考核评分表，{dept}逐项进行自评，得{_num_text(stated_total)}分。"},
            "staffing": {"authorized": Decimal(staff), "actual": Decimal(actual_staff), "quote": staffing_quote},
            "sections": [
                {"heading": "预算单位基本情况",
                 "text": staffing_quote + f"内设办公室等{rng.randint(2, 8)}个股室。{year}年部门预算编报范围为本机关。"},
                {"heading": "二、一般公共预算支出情况", "text": "", "subsections": [
                    {"heading": "（一）基本支出情况", "text": initial_quote},
                    {"heading": "（二）项目支出情况", "text": "本单位无项目支出。" if rng.random() < 0.6 else
                     "项目支出按计划实施，资金使用规范。"}]},
                {"heading": "三、部门整体支出绩效情况", "text": "", "subsections": [
                    {"heading": "1.绩效目标的实现情况。", "text": spend_quote + "完成了各项工作任务。"},
                    {"heading": "2.经济效益。", "text": "紧紧围绕全区中心工作，服务经济社会发展大局，取得了较好成效。"},
                    {"heading": "3.社会效益。", "text": survey_text}]},
                {"heading": "四、存在的问题及原因分析",
                 "text": rng.choice(["绩效目标设定不够细化，部分指标难以量化考核。", "预算执行进度不够均衡，年底支出较为集中。",
                                     "绩效管理意识有待进一步增强。"])},
                {"heading": "五、下一步改进措施",
                 "text": "一是完善绩效评价工作制度。\n二是加强业务培训，提升业务能力。\n三是加大学习力度，树立绩效管理理念。"},
                {"heading": "六、绩效自评结果拟应用和公开情况",
                 "text": f"对照考核评分表逐项进行自评，得{_num_text(stated_total)}分，自评结果将在政府网站公开。"},
            ],
        }


# ---------------------------------------------------------------------------------- YAML text


_quoted = json.encoder.encode_basestring  # JSON string syntax is YAML's double-quoted scalar


def _scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text if "." in text else text  # an integer Decimal is a YAML int: the schema's "number"
    if isinstance(value, int):
        return str(value)
    return _quoted(value)


def _flow(mapping: dict) -> str:
    return "{" + ", ".join(f"{k}: {_flow_list(v) if isinstance(v, list) else _scalar(v)}" for k, v in mapping.items()) + "}"


def _flow_list(items: list) -> str:
    return "[" + ", ".join(_scalar(v) for v in items) + "]"


def _is_flat(mapping: dict) -> bool:
    return all(not isinstance(v, dict) and not (isinstance(v, list) and any(isinstance(i, (dict, list)) for i in v))
               for v in mapping.values())


def _emit(value, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) and item:
                out.append(f"{pad}{key}:")
                _emit(item, indent + 2, out)
            elif isinstance(item, list) and item:
                out.append(f"{pad}{key}:")
                _emit(item, indent + 2, out)
            elif isinstance(item, str) and "\n" in item:
                out.append(f"{pad}{key}: |-")
                out.extend(f"{pad}  {line}" for line in item.split("\n"))
            else:
                out.append(f"{pad}{key}: {'[]' if item == [] else _scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and _is_flat(item):
                out.append(f"{pad}- {_flow(item)}")
            elif isinstance(item, dict):
                inner: list[str] = []
                _emit(item, indent + 2, inner)
                inner[0] = f"{pad}- {inner[0][indent + 2:]}"
                out.extend(inner)
            else:
                out.append(f"{pad}- {_scalar(item)}")


def to_yaml(case: dict) -> str:
    out = ["# yaml-language-server: $schema=../../schemas/case.schema.json",
           "# Synthetic case from benchmarks/generate.py: realistic, not a real filing."]
    _emit(case, 0, out)
    return "\n".join(out) + "\n"


def case_text(seed: int, index: int) -> str:
    """The YAML text of case `index` of the set `seed`."""
    rng = random.Random(f"jixiao-bench/{GENERATOR_VERSION}/{seed}/{index}")
    return to_yaml(CaseGenerator(rng, index).build())


def file_name(index: int) -> str:
    return f"case-{index:06d}.yaml"


def generate(out_dir: str | Path, count: int, seed: int = 1, start: int = 0) -> list[Path]:
    """Write cases start..start+count-1 of set `seed` into out_dir; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(start, start + count):
        path = out / file_name(index)
        path.write_text(case_text(seed, index), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    paths = generate(args.out, args.count, args.seed)
    print(f"wrote {len(paths)} cases to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
