"""The sanitiser on its own: the corpus, the exact rules, and properties over arbitrary text.

Invariants of `sanitize` (checked by hypothesis over arbitrary text, surrogates included):

1. never raises; `None` and "" give "";
2. the output holds no ESC, no C0 control except newline and tab, no DEL, no C1 control, no CR,
   no bidi embedding/override/isolate control and no lone surrogate, so it always encodes to UTF-8;
3. idempotent: sanitising twice changes nothing more;
4. never longer than the input: each code point is kept, dropped, or replaced by exactly one
   (CR LF becomes one newline);
5. every other character is kept, in order: the output with newlines and placeholders removed
   equals the input with line breaks, controls, bidi controls, surrogates and placeholders removed;
6. text that has none of those characters comes back unchanged (so emoji, ZWJ sequences,
   combining marks, RTL and CJK are preserved exactly);
7. each bidi control or lone surrogate becomes one visible placeholder.

Invariants of `one_line(text, limit)`: its output is `sanitize`d, has no newline, tab or other
whitespace except single spaces between words, no leading or trailing space, is at most `limit`
characters, ends with "…" exactly when the flattened text was cut, and is idempotent.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sakari_tui.text import BIDI_PLACEHOLDER, one_line, sanitize

from ..support.hostile import HOSTILE

FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
DROPPED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Every code point, surrogates included; weighted towards the dangerous ranges.
dangerous = st.sampled_from(
    [chr(c) for c in range(0x00, 0x20)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u2028",
        "\u2029",
        "\ud800",
        "\udfff",
        "\ud83d",
        "\u200d",
        "\u200b",
        "\ufeff",
        BIDI_PLACEHOLDER,
        "[",
        "]",
        "/",
        "@",
        "=",
        "\\",
        "$",
        ";",
        "\r\n",
    ]
)
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200)
hostile_text = st.lists(
    st.one_of(dangerous, st.text(max_size=5), st.sampled_from(list(HOSTILE.values()))), max_size=30
).map("".join)
texts = st.one_of(any_text, hostile_text)


# --- the corpus -------------------------------------------------------------------------------


def test_corpus_is_large_and_covers_the_brief():
    assert len(HOSTILE) >= 40
    joined = "".join(HOSTILE.values())
    for needle in (
        "[@click=app.quit]",
        "[/]",
        "[link=",
        "\x1b]52;",
        "\x1b]8;",
        "\x1b]0;",
        "\x1b]2;",
        "\x1b[2J",
        "\x9b",
        "\x9d",
        "\x00",
        "\x07",
        "\x08",
        "\x7f",
        "\r",
        "\u202e",
        "\u2066",
        "\u200d",
        "\u200b",
        "👍🏽",
        "👨‍👩‍👧‍👦",
        "🇫🇮",
        "{0}",
        "%s",
        "{{firstName}}",
        "W" * 5000,
    ):
        assert needle in joined, needle


@pytest.mark.parametrize("name", list(HOSTILE))
def test_corpus_entry_is_made_safe(name):
    text = HOSTILE[name]
    clean = sanitize(text)
    assert not FORBIDDEN.search(clean)
    assert "\x1b" not in clean and "\r" not in clean
    assert sanitize(clean) == clean
    assert len(clean) <= len(text)
    flat = one_line(text, 300)
    assert not re.search(r"\s", flat.replace(" ", "")) and "  " not in flat and len(flat) <= 300
    clean.encode("utf-8")


# --- exact rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + [0x7F] + list(range(0x80, 0xA0))
)
def test_every_control_is_dropped(code):
    assert sanitize(f"a{chr(code)}b") == "ab"


def test_escape_sequences_lose_their_introducer_and_show_as_text():
    assert sanitize("\x1b]52;c;ZXZpbA==\x07") == "]52;c;ZXZpbA=="
    assert sanitize("before\x1b[2J\x1b[Hafter") == "before[2J[Hafter"
    assert sanitize("\x9b2J\x9d0;t\x9c") == "2J0;t"
    assert sanitize("\x1b]8;;https://evil.test\x1b\\x\x1b]8;;\x1b\\") == "]8;;https://evil.test\\x]8;;\\"


def test_line_breaks_become_newlines_and_tab_stays():
    assert sanitize("a\r\nb\rc\nd\u2028e\u2029f\tg") == "a\nb\nc\nd\ne\nf\tg"
    assert sanitize("\r\r\n") == "\n\n"


@pytest.mark.parametrize(
    "char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_bidi_controls_become_the_visible_placeholder(char):
    assert sanitize(f"invoice{char}gpj.exe") == f"invoice{BIDI_PLACEHOLDER}gpj.exe"


def test_lone_surrogates_become_the_placeholder():
    assert sanitize("a\ud800b\udfffc") == f"a{BIDI_PLACEHOLDER}b{BIDI_PLACEHOLDER}c"
    sanitize("\ud83d").encode("utf-8")


@pytest.mark.parametrize(
    "name",
    [
        "emoji_skin_tones",
        "emoji_zwj_family",
        "flags",
        "arabic",
        "hebrew",
        "mixed_rtl_numbers",
        "cjk",
        "astral",
        "zalgo",
        "zero_width",
        "long_word",
        "markup_bold",
        "markup_click_quit",
        "format_braces",
        "handlebars",
        "tab",
    ],
)
def test_what_people_write_is_preserved_exactly(name):
    assert sanitize(HOSTILE[name]) == HOSTILE[name]


def test_bidi_marks_are_not_overrides_and_stay():
    text = "abc \u200e\u200f\u061c def"
    assert sanitize(text) == text


def test_markup_is_left_as_text_not_escaped():
    # Escaping is the renderer's business: the text itself must keep every bracket.
    assert sanitize("[bold]x[/bold] [/] [@click=app.quit]q[/]") == "[bold]x[/bold] [/] [@click=app.quit]q[/]"


def test_empty_and_none():
    assert sanitize(None) == "" and sanitize("") == ""
    assert one_line(None) == "" and one_line("") == "" and one_line(" \n\t ") == ""


def test_one_line_flattens_and_cuts():
    assert one_line("a\nb\r\nc\td  e") == "a b c d e"
    assert one_line("x" * 10, 5) == "xxxx…"
    assert one_line("x" * 5, 5) == "xxxxx"
    assert one_line("x" * 5, 0) == ""
    assert one_line("[/]\x1b[2J", 10) == "[/][2J"


# --- properties -------------------------------------------------------------------------------


def _keep(text: str) -> str:
    """What must survive: the input without anything the sanitiser may drop, replace or normalise."""
    text = LINE_BREAKS.sub("", text)
    text = DROPPED.sub("", text)
    text = BIDI.sub("", SURROGATE.sub("", text))
    return text.replace(BIDI_PLACEHOLDER, "").replace("\n", "")


@settings(max_examples=400, deadline=None)
@given(texts)
@example("\r\x00\n")
@example("\ud83d\ude00")  # a joined pair is one astral code point, not a surrogate
def test_sanitize_properties(text):
    clean = sanitize(text)
    assert not FORBIDDEN.search(clean)  # 2
    assert "\r" not in clean and "\u2028" not in clean and "\u2029" not in clean  # 2
    clean.encode("utf-8")  # 2
    assert sanitize(clean) == clean  # 3
    assert len(clean) <= len(text)  # 4
    assert clean.replace(BIDI_PLACEHOLDER, "").replace("\n", "") == _keep(text)  # 5
    if not FORBIDDEN.search(text) and not LINE_BREAKS.search(text):
        assert clean == text  # 6
    placeholders = len(BIDI.findall(text)) + len(SURROGATE.findall(text)) + text.count(BIDI_PLACEHOLDER)
    assert clean.count(BIDI_PLACEHOLDER) == placeholders  # 7


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(min_value=1, max_value=400))
def test_one_line_properties(text, limit):
    flat = one_line(text, limit)
    assert sanitize(flat) == flat
    assert len(flat) <= limit
    assert not re.search(r"\s", flat.replace(" ", ""))
    assert "  " not in flat and flat == flat.strip()
    assert one_line(flat, limit) == flat
    full = " ".join(sanitize(text).split())
    assert flat == (full if len(full) <= limit else full[: limit - 1] + "…")
