"""Item 9 of issue 12 in a real terminal: wide and combining text never breaks a border.

The real app runs in tmux at 120×40 over a simulator holding contacts and texts in Devanagari
and Tamil (spacing vowel signs), emoji with variation selectors, skin tones, flags and ZWJ
sequences. Where each border lands is read from tmux's own rendering (`capture-pane`), and the
column of each border character is tmux's own measure of the text before it (a cursor position
report), so a cluster Textual and tmux count differently shows as a border out of line.
"""

from __future__ import annotations

import asyncio
import sys

import pytest

from sakari_tui.simulator.server import SimulatorServer

from ..security.seed import client_for
from ..support.pty import ROOT, app_env
from ..support.tmux import Tmux, tmux_or_skip

COLUMNS, LINES = 120, 40
pytestmark = pytest.mark.timeout(90)

HINDI = "बहुत बढ़िया, धन्यवाद"
# One text with a line of each kind: the thread the test opens.
EVERY_KIND = "\n".join(
    [
        HINDI,
        "Here is the map 🗺️ · see you",
        "❤️❤️ thanks ☺️ ✔️",
        "👍🏽👍🏿 ok 👩🏽‍💻",
        "🇩🇪🇫🇷 flags",
        "👨‍👩‍👧 🏳️‍🌈 ❤️‍🔥 🤷‍♀️",
        "வணக்கம் நன்றி धन्यवाद",
    ]
)
# First name -> the one text they send.
CORPUS = {
    "Map 🗺️ Ana": "Here is the map 🗺️ · see you",
    "Love ❤️ Lina": "❤️❤️ thanks ☺️ ✔️ ©️ 1️⃣ #️⃣",
    "Thumbs 👍🏽 Bo": "👍🏽👍🏿 ok 👩🏽‍💻 done",
    "Flag 🇩🇪 Jonas": "🇩🇪🇫🇷🇯🇵 three flags",
    "Family 👨‍👩‍👧 Kim": "👨‍👩‍👧 🏳️‍🌈 ❤️‍🔥 🤷‍♀️ all of us",
    "ㅤFiller": "ㅤㅤ blank-looking names",
    "கிருஷ்ணா": "வணக்கம், நன்றி கிருஷ்ணா",
    "प्रिया शर्मा": EVERY_KIND,
}


async def _seed(server: SimulatorServer) -> None:
    async with client_for(server) as client:
        for index, name in enumerate(CORPUS):
            number = f"+1555020{index:04d}"
            await client.create_contact({"firstName": name, "mobile": {"number": number, "country": "US"}})
    for index, text in enumerate(CORPUS.values()):
        server.state.inject_inbound(f"+1555020{index:04d}", text)


def _columns(tmux: Tmux, wanted: list[tuple[str, str]]) -> list[list[int]]:
    """For each (line, character): the columns at which tmux draws each `character` of `line`.

    One measuring pane for all of them: each `columns_of` starts a pane and an interpreter, and a
    call per line took most of this test's 8 s.
    """
    groups = [[line[:index] for index, found in enumerate(line) if found == character] for line, character in wanted]
    flat = iter(tmux.columns_of([prefix for group in groups for prefix in group]))
    return [[next(flat) for _ in group] for group in groups]


def assert_borders_straight(tmux: Tmux, screen: list[str], *, panel: bool) -> None:
    """The list's box has its right border in one column on every line; so has the contact panel."""
    top = next(i for i, line in enumerate(screen) if "╭" in line)
    bottom = next(i for i, line in enumerate(screen) if "╰" in line)
    inside = screen[top + 1 : bottom]
    rows = [i for i in range(top, bottom + 1) if "▏" in screen[i]] if panel else []  # not the footer's own ▏
    measured = _columns(
        tmux,
        [
            (screen[top], "╮"),
            (screen[bottom], "╯"),
            *[(line, "│") for line in inside],
            *[(screen[i], "▏") for i in rows],
        ],
    )
    (right,), (corner,) = measured[0], measured[1]
    borders, panel_columns = measured[2 : 2 + len(inside)], measured[2 + len(inside) :]
    assert corner == right, "\n".join(screen)
    crooked = [
        f"{columns}: {line.rstrip()}"
        for line, columns in zip(inside, borders)
        if columns != [0, right]  # nothing else on screen draws │
    ]
    assert not crooked, f"the list's right border should be in column {right}:\n" + "\n".join(crooked)
    if panel:
        assert rows and rows == list(range(rows[0], rows[-1] + 1)), "\n".join(screen)
        lefts = {i: columns[0] for i, columns in zip(rows, panel_columns)}
        assert len(set(lefts.values())) == 1, "\n".join(f"{lefts[i]}: {screen[i].rstrip()}" for i in rows)


def test_hindi_and_emoji_rows_keep_every_border_in_line_in_tmux(tmp_path):
    tmux_or_skip()
    with SimulatorServer(seed=1, customers=False) as server:
        asyncio.run(_seed(server))
        tmux = Tmux(tmp_path)
        try:
            env = app_env(server, tmp_path, columns=COLUMNS, lines=LINES)
            tmux.start("app", [sys.executable, "-m", "sakari_tui"], env, columns=COLUMNS, lines=LINES, cwd=ROOT)
            tmux.wait_for(
                "app", lambda s: any("प्रिया" in line for line in s) and any("╰" in row for row in s), "the list"
            )
            first = tmux.wait_steady("app")
            assert any(HINDI in line for line in first), "\n".join(first)
            assert_borders_straight(tmux, first, panel=False)

            top = next(i for i, line in enumerate(first) if "╭" in line)
            row = next(i for i, line in enumerate(first) if "प्रिया" in line)
            for _ in range((row - top - 1) // 2):
                tmux.keys("app", "Down")
            tmux.keys("app", "Enter")  # opens the conversation with every kind of cluster in one text
            # Open once its header is up and the reply box has the keys.
            tmux.wait_for("app", lambda s: "प्रिया" in s[1] and "⏎ Open" not in s[-1], "the thread")
            tmux.keys("app", "Escape")  # to the list (apart from the next key: ESC c would read as Alt+C)
            tmux.wait_for("app", lambda s: "⏎ Open" in s[-1], "the list's keys in the footer")
            tmux.keys("app", "c")  # the contact panel beside the thread
            tmux.wait_for("app", lambda s: sum("▏" in line for line in s) > 10, "the contact panel")
            opened = tmux.wait_steady("app")
            assert_borders_straight(tmux, opened, panel=True)
        finally:
            tmux.close()


# Each cluster of the corpus on its own: what tmux and Textual make of it once drawn.
CLUSTERS = [
    "🗺️",
    "❤️",
    "☺️",
    "✔️",
    "©️",
    "1️⃣",
    "#️⃣",
    "❤︎",
    "👍🏽",
    "👍🏿",
    "👩🏽‍💻",
    "👨‍👩‍👧",
    "🏳️‍🌈",
    "❤️‍🔥",
    "🤷‍♀️",
    "a\u200db",
    "🇩🇪",
    "🇫🇷🇯🇵",
    "ㅤ",
    "\uffa0",
    "बहुत",
    "बढ़िया",
    "धन्यवाद",
    "क्ष",
    "प्रिया",
    "शर्मा",
    "வணக்கம்",
    "நன்றி",
    "কি",
    "ਸਿੰਘ",
    "花子",
    "了解です👍",
    "한국어",
    "é",
    "e\u0301",
    HINDI,
]


def test_tmux_and_textual_give_each_drawn_cluster_the_same_cells(tmp_path):
    tmux_or_skip()
    from rich.cells import cell_len

    from sakari_tui.text import for_display
    from sakari_tui.ui.cell_widths import count_spacing_marks

    count_spacing_marks()
    shown = [for_display(cluster) for cluster in CLUSTERS]
    tmux = Tmux(tmp_path)
    try:
        in_tmux = tmux.columns_of(shown)
    finally:
        tmux.close()
    differ = [(text, cells, cell_len(text)) for text, cells in zip(shown, in_tmux) if cells != cell_len(text)]
    assert not differ, "(drawn, tmux's cells, Textual's cells): " + repr(differ)
