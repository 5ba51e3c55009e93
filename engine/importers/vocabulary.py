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
