"""Text for a terminal: what a case or a pack says is shown, never obeyed.

Case files come from outside and packs are edited by hand, so any text in them may hold rich
markup ("[bold]", "[/]" — which also makes rich raise) or terminal control sequences (ESC [ ...,
which recolour or retitle the terminal), or bidi overrides that display text reversed. `plain`
makes a rich `Text`, which is never parsed as markup, with those characters shown as visible
escapes such as "\\x1b".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings/overrides/isolates.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    return _HIDDEN.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def plain(text: str, style: str = "") -> Text:
    from rich.text import Text  # here, not at the top: `jixiao score --format json` need not import rich

    return Text(printable(text), style=style)
