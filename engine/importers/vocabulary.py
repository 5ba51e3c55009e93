"""The import vocabulary (`vocabulary.yaml`): labels, header variants, layout families, OCR damage
patterns and review actions, loaded once. Data, not code paths: see the YAML's comments."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

PATH = Path(__file__).with_name("vocabulary.yaml")


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    for entry in data["ocr_damage"]:
        entry["regex"] = re.compile(entry["pattern"])
    for entry in data["layouts"]:
        if "heading" in entry:
            entry["heading_re"] = re.compile(entry["heading"])
    return data


#: The pack whose vocabulary holds the defaults every pack inherits (the importer reads a filing
#: before any pack is chosen for it).
ROOT_PACK = "national-2020"


@lru_cache(maxsize=1)
def cell_notation():
    """How the importer reads a cell's notation: the parser's tables plus the root pack's
    `filler_words` ("完成10个" is 10个 without a note). Only those: the importer's notes about a
    cell must not depend on a pack's scoring words."""
    from ..rulepack import PACK_FILE, RULES_DIR
    from ..values import notation_for

    data = yaml.safe_load((RULES_DIR / ROOT_PACK / PACK_FILE).read_text(encoding="utf-8")) or {}
    words = ((data.get("vocabulary") or {}).get("filler_words")) or []
    return notation_for({"filler_words": list(words)})


def columns(name: str) -> dict[str, tuple[str, ...]]:
    return {role: tuple(words) for role, words in vocabulary()[name].items()}


def action_for(reason: str) -> str:
    for entry in vocabulary()["actions"]:
        if entry["when"] in reason:
            return entry["action"]
    return vocabulary()["actions"][-1]["action"]  # pragma: no cover - the last entry matches anything


def ocr_damage(text: str, figure: bool) -> list[str]:
    """Messages for the OCR damage patterns `text` matches."""
    out = []
    for entry in vocabulary()["ocr_damage"]:
        if entry.get("only_figures") and not figure:
            continue
        m = entry["regex"].search(text)
        if m:
            message = entry["message"].replace("{text}", text)
            if m.groups():
                message = message.replace("{1}", m.group(1) or "")
            out.append(message)
    return out
