"""Case data -> YAML text in the style of the hand-made cases (cases/2022/lukou-gsl.yaml).

Block style for the structure, one flow mapping per table row (`- {name: 人员保障, target: 7人,
…}`), literal blocks for multi-line text, Decimal written as the plain number it is (so
engine/load.py reads it back as the same Decimal), keys in the case format's order. Built on
yaml.safe_dump's machinery: only the representers below are added.
"""

from __future__ import annotations

from decimal import Decimal

import yaml

from ..decimals import fmt

#: Top-level parts, each under a banner comment; the keys before them form the header.
PARTS = (
    ("review", "待核对 (cells the importer was unsure of: check, correct, then delete the entry)"),
    ("target_table", "一、绩效目标表"),
    ("self_evaluation", "二、绩效自评表"),
    ("report", "三、自评报告"),
)
FLOW_MAX_CHARS = 400


class _Flow(dict):
    """A mapping written on one line."""


class _FlowList(list):
    """A list written on one line."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # every row is written out, never as *alias
        return True


def _decimal(dumper: yaml.SafeDumper, value: Decimal):
    text = fmt(value)
    if "." in text:
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)
    return dumper.represent_scalar("tag:yaml.org,2002:int", text)


def _str(dumper: yaml.SafeDumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def _scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, Decimal, bool))


def _styled(node, in_list: bool = False):
    """Wrap the leaf rows of tables (short mappings of scalars inside lists) for flow style."""
    if isinstance(node, dict):
        leaf = all(_scalar(v) or (isinstance(v, list) and all(_scalar(x) for x in v)) for v in node.values())
        if (
            in_list
            and leaf
            and "heading" not in node
            and not any(isinstance(v, str) and "\n" in v for v in node.values())
            and sum(len(str(v)) for v in node.values()) <= FLOW_MAX_CHARS
        ):
            return _Flow((k, _FlowList(v) if isinstance(v, list) else v) for k, v in node.items())
        return {k: _styled(v) for k, v in node.items()}
    if isinstance(node, list):
        if node and all(_scalar(x) for x in node):
            return _FlowList(node)
        return [_styled(x, in_list=True) for x in node]
    return node


def _dump(data: dict) -> str:
    return yaml.dump(
        _styled(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000,
        default_flow_style=False, indent=2,
    )


def dump_case(case: dict, comments: list[str] = ()) -> str:
    """The case as YAML text, with `comments` as leading `#` lines."""
    out = [f"# {line}" if line else "#" for line in comments]
    part_keys = {key for key, _ in PARTS}
    header = {k: v for k, v in case.items() if k not in part_keys}
    out.append(_dump(header).rstrip("\n"))
    for key, banner in PARTS:
        if key not in case:
            continue
        out.append("")
        out.append(f"# ──────────────── {banner} ────────────────")
        out.append(_dump({key: case[key]}).rstrip("\n"))
    return "\n".join(out) + "\n"
