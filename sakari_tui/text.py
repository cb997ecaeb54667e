"""The one sanitiser for untrusted text (names, message bodies, templates, API errors).

It removes what could act on the terminal or the screen and keeps everything a person wrote:

- line breaks are normalised to newline: CRLF, a lone CR (old handsets and GSM gateways send
  it as the line break) and the Unicode line/paragraph separators U+2028/U+2029;
- C0 controls other than newline and tab, ESC, DEL and C1 controls (U+0080-U+009F) are dropped,
  so an OSC 52 or CSI sequence loses its introducer and becomes harmless visible text;
- bidi embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069), which can
  make text read differently from what it is, become a visible placeholder;
- lone surrogates (JSON may carry `"\\ud800"`), which cannot be encoded for the terminal,
  become the same placeholder.

Emoji (skin tones, ZWJ sequences, flags), combining marks, zero-width joiners and spaces, the
bidi *marks* (LRM/RLM/ALM) and right-to-left scripts pass through unchanged. Every input code
point becomes at most one output code point, so the result is never longer than the input.

Sanitised text must still reach widgets as `Content`/`Text`, never as markup.
"""

from __future__ import annotations

import re

BIDI_PLACEHOLDER = "\N{REPLACEMENT CHARACTER}"

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
# C0 except \t (0x09) and \n (0x0A), DEL (0x7F) and C1 (0x80-0x9F).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# LRE RLE PDF LRO RLO (U+202A-U+202E), LRI RLI FSI PDI (U+2066-U+2069), and lone surrogates
# (in a Python str every surrogate code point is a lone one: pairs are already joined).
_PLACEHOLDER_FOR = re.compile(r"[\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def sanitize(text: str | None) -> str:
    """Untrusted text made safe to draw: controls dropped, bidi overrides made visible."""
    if not text:
        return ""
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    return _PLACEHOLDER_FOR.sub(BIDI_PLACEHOLDER, text)


def one_line(text: str | None, limit: int = 200) -> str:
    """Sanitised text on a single line (runs of whitespace become one space), cut to `limit` characters."""
    if limit < 1:
        return ""
    flat = " ".join(sanitize(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
