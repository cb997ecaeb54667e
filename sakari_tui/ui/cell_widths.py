"""Textual's cell widths brought in line with terminals' for spacing marks (Devanagari's vowel signs).

rich, which measures text for Textual, counts every combining mark as taking no cell. Terminals
built on wcwidth (tmux, xterm, VTE, anything using glibc) give a spacing mark (category Mc, like
the ि and ा of बढ़िया and धन्यवाद) a cell of its own, so each Hindi word pushed the rest of its
line, the border included, a column or more to the right. No form of the text keeps those marks
and agrees (`text.for_display` handles the clusters that have one), so the measure changes
instead: rich's width table gives spacing marks the cell terminals give them.
"""

from __future__ import annotations

import logging
import unicodedata

log = logging.getLogger(__name__)

PROBE = "\u093f"  # DEVANAGARI VOWEL SIGN I, a spacing mark


def _terminal_width(character: str) -> int:
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def _widened(widths: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The table's ranges, with each spacing mark in a zero-width range split out at its terminal width."""
    ranges: list[tuple[int, int, int]] = []
    for start, end, width in widths:
        if width != 0:
            ranges.append((start, end, width))
            continue
        run_start = start
        for codepoint in range(start, end + 1):
            character = chr(codepoint)
            if unicodedata.category(character) != "Mc":
                continue
            if run_start < codepoint:
                ranges.append((run_start, codepoint - 1, 0))
            ranges.append((codepoint, codepoint, _terminal_width(character)))
            run_start = codepoint + 1
        if run_start <= end:
            ranges.append((run_start, end, 0))
    return ranges


def count_spacing_marks() -> bool:
    """Make rich (and so Textual) give spacing marks a cell, as terminals do; True once done.

    Call it before the first text is measured (cached measures are dropped, but a widget may keep
    its own). It changes rich's loaded table in place: if a rich release lays that out otherwise,
    widths stay as rich has them and this says so in the log.
    """
    try:
        from rich import cells
        from rich._unicode_data import load
    except ImportError:  # pragma: no cover - a rich without its width tables
        log.warning("rich has no width tables here: spacing marks keep rich's width")
        return False
    table = load("auto")
    widths = getattr(table, "widths", None)
    if not isinstance(widths, list):
        log.warning("rich's width table is not a list: spacing marks keep rich's width")
        return False
    if cells.get_character_cell_size(PROBE) == 1:
        return True  # done already (or by a rich that counts them itself)
    widths[:] = _widened(widths)
    cells.get_character_cell_size.cache_clear()
    cells.cached_cell_len.cache_clear()
    return True
