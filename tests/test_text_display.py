"""`text.for_display`: the clusters terminals count differently, in a form they all count alike."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sakari_tui.text import BIDI_PLACEHOLDER, for_display, sanitize

VS15, VS16, ZWJ = "\ufe0e", "\ufe0f", "\u200d"
SKIN_TONES = "".join(chr(code) for code in range(0x1F3FB, 0x1F400))
DISPUTED = VS15 + VS16 + ZWJ + SKIN_TONES + "\u3164\uffa0"

# (as received, as drawn): the corpus of issue 12, item 9, and its neighbours.
CORPUS = [
    ("🗺️", "🗺"),  # VS16 makes it 2 cells in rich and kitty, 1 in tmux and xterm
    ("❤️", "❤"),
    ("Here's the map to our new store 🗺️", "Here's the map to our new store 🗺"),
    ("☺️ ✔️ ©️", "☺ ✔ ©"),
    ("1️⃣ #️⃣", "1⃣ #⃣"),
    ("❤︎", "❤"),  # VS15 narrows a wide emoji in kitty, not in tmux
    ("👍🏽", "👍"),  # the skin tone is 2 more cells in tmux and xterm, none in rich
    ("👍🏻👍🏼👍🏽👍🏾👍🏿", "👍👍👍👍👍"),
    ("👨‍👩‍👧", "👨👩👧"),  # one glyph in tmux 3.3 and rich, three in xterm and VTE
    ("👩🏽‍💻", "👩💻"),
    ("🏳️‍🌈 ❤️‍🔥 🤷‍♀️", "🏳🌈 ❤🔥 🤷♀"),
    ("a\u200db", "ab"),  # tmux 2 cells, rich 1
    ("🇩🇪 🇫🇷🇯🇵", "🇩🇪 🇫🇷🇯🇵"),  # flags: every terminal counts a pair as 2
    ("ㅤ", " "),  # a Hangul filler as a "blank" name: 2 cells in tmux, none in rich
    ("\uffa0x", " x"),
    # Scripts pass unchanged: their spacing vowel signs are the UI's width table's job.
    ("बहुत बढ़िया, धन्यवाद", "बहुत बढ़िया, धन्यवाद"),
    ("क्‌ष", "क्‌ष"),  # ZWNJ stays: it asks for a visible virama and takes no cell anywhere
    ("வணக்கம், நன்றி", "வணக்கம், நன்றி"),
    ("花子 山田 了解です👍", "花子 山田 了解です👍"),
    ("شكرا جزيلا! תודה רבה", "شكرا جزيلا! תודה רבה"),
    ("é and é", "é and é"),
    ("plain ASCII, untouched", "plain ASCII, untouched"),
    ("", ""),
]


@pytest.mark.parametrize(("received", "drawn"), CORPUS, ids=[repr(r)[:24] for r, _ in CORPUS])
def test_corpus(received, drawn):
    assert for_display(received) == drawn


def test_an_emoji_newer_than_pythons_tables_becomes_the_placeholder():
    unknown = next(chr(code) for code in range(0x1FAFF, 0x1F000, -1) if unicodedata.category(chr(code)) == "Cn")
    assert for_display(f"a{unknown}b") == f"a{BIDI_PLACEHOLDER}b"
    assert for_display("🙂") == "🙂"  # known ones stay


# Text as customers send it: letters of many scripts, marks, emoji and the joiners between them.
PIECES = st.sampled_from(
    [
        *"aé日ब्िाஷ்ு花👍👨👩❤🗺🇩🇪#1",
        VS15,
        VS16,
        ZWJ,
        "\u200c",
        "\u20e3",
        *SKIN_TONES,
        "\u3164",
        "\uffa0",
        " ",
        "\n",
    ]
)
TEXTS = st.one_of(st.lists(PIECES, max_size=40).map("".join), st.text(max_size=40))


@given(TEXTS)
def test_nothing_disputed_is_left_and_nothing_else_is_lost(text):
    shown = for_display(text)
    assert not set(shown) & set(DISPUTED)
    assert len(shown) <= len(text)
    kept = [ch for ch in text if ch not in DISPUTED]
    fillers = [ch for ch in text if ch in "\u3164\uffa0"]
    assert len(shown) == len(kept) + len(fillers)  # each filler is one space; everything else is kept in place


@given(TEXTS)
def test_it_is_idempotent_and_keeps_sanitised_text_sanitised(text):
    once = for_display(sanitize(text))
    assert for_display(once) == once
    assert sanitize(once) == once
