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
import unicodedata

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


# --- display ---------------------------------------------------------------------------------
#
# Terminals do not agree on how many cells some clusters take, and neither do they with Textual's
# measure (rich's `cell_len`). Measured in tmux 3.3a (glibc's wcwidth, as xterm and VTE count)
# against rich 15:
#
#   🗺️ ❤️ ©️ (base + VS16)        tmux 1, rich 2   (kitty and WezTerm 2)
#   👍🏽 (base + skin tone)         tmux 4, rich 2   (xterm 4; kitty 2)
#   👨‍👩‍👧 (ZWJ sequence)            tmux 2, rich 2   (xterm and VTE 6)
#   a‍b (ZWJ between letters)     tmux 2, rich 1
#   ㅤ (U+3164 Hangul filler)     tmux 2, rich 0
#   🪿 🫨 (emoji newer than the   tmux 0, rich 2
#         terminal's tables)
#
# Each of these becomes a form every terminal counts the same. Devanagari and other Indic vowel
# signs (spacing marks, category Mc) take a cell in every legacy terminal but none in rich; no
# text form keeps them and agrees, so the UI corrects rich's table instead (ui/cell_widths.py).

# VS15/VS16 choose text or emoji presentation (and so 1 or 2 cells, terminal by terminal), ZWJ
# joins emoji into one glyph (or not), and skin tones widen the emoji before them (or not).
_DISPUTED_JOINERS = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")
# Invisible fillers that terminals draw as blank cells and rich as nothing: a plain space instead.
_FILLERS = {"\u3164": " ", "\uffa0": " "}
_FILLER_CHARACTERS = re.compile("[\u3164\uffa0]")
# The emoji and symbol planes; a code point there that this Python's Unicode tables do not know
# is newer than most terminals' tables too (tmux draws it in no cell at all, rich in two).
_EMOJI_PLANE = re.compile("[\U0001f000-\U0001faff]")


def _known_or_placeholder(match: re.Match[str]) -> str:
    character = match.group()
    return BIDI_PLACEHOLDER if unicodedata.category(character) == "Cn" else character


def for_display(text: str) -> str:
    """`text` as drawn on screen: clusters whose width terminals dispute, in a form all agree on.

    Emoji lose their variation selectors, skin tones and zero-width joiners (👍🏽 → 👍, 🗺️ → 🗺,
    👨‍👩‍👧 → 👨👩👧), Hangul fillers become spaces, emoji unknown to this Python become "�".
    Only for display: stored text and the text of a reply stay as they are.
    """
    if text.isascii():
        return text
    text = _DISPUTED_JOINERS.sub("", text)
    text = _FILLER_CHARACTERS.sub(lambda match: _FILLERS[match.group()], text)
    return _EMOJI_PLANE.sub(_known_or_placeholder, text)


def displayed_spans(text: str, spans) -> list[tuple[int, int]]:
    """`spans` (offsets into `text`) as offsets into `for_display(text)`; spans left empty are dropped."""
    mapped = []
    for start, end in spans:
        shown_start, shown_end = len(for_display(text[:start])), len(for_display(text[:end]))
        if shown_start < shown_end:
            mapped.append((shown_start, shown_end))
    return mapped
