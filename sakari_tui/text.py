"""The one sanitiser for untrusted text (names, message bodies, templates, API errors).

It removes what could act on the terminal or the screen and keeps everything a person wrote:
C0 controls other than newline and tab, ESC, DEL and C1 controls are dropped (an OSC 52
sequence loses its ESC and becomes harmless text); bidi override and isolate characters, which
can make text read differently from what it is, become a visible placeholder. Emoji, combining
marks, zero-width joiners and right-to-left scripts pass through unchanged.

Sanitised text must still reach widgets as `Content`/`Text`, never as markup.
"""

from __future__ import annotations

import re

BIDI_PLACEHOLDER = "\N{REPLACEMENT CHARACTER}"

# C0 except \t (0x09) and \n (0x0A); \r is dropped too (CRLF becomes LF), plus DEL and C1.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# LRE RLE PDF LRO RLO (U+202A-U+202E) and LRI RLI FSI PDI (U+2066-U+2069).
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def sanitize(text: str | None) -> str:
    """Untrusted text made safe to draw: controls dropped, bidi overrides made visible."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    text = _CONTROLS.sub("", text)
    return _BIDI_CONTROLS.sub(BIDI_PLACEHOLDER, text)


def one_line(text: str | None, limit: int = 200) -> str:
    """Sanitised text on a single line (newlines and tabs become spaces), cut to `limit` characters."""
    flat = " ".join(sanitize(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
