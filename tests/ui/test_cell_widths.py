"""`ui.cell_widths`: Textual gives spacing marks the cell that terminals give them."""

from __future__ import annotations

from rich.cells import cell_len

from sakari_tui.ui.cell_widths import count_spacing_marks


def test_spacing_vowel_signs_take_a_cell_and_other_marks_none():
    assert count_spacing_marks()
    assert cell_len("बढ़िया") == 5  # ब ढ़ ि य ा: the nukta takes none, the two vowel signs one each
    assert cell_len("धन्यवाद") == 6  # the virama takes none
    assert cell_len("बहुत बढ़िया, धन्यवाद") == 17  # as tmux 3.3a draws it (rich alone: 14)
    assert cell_len("வணக்கம்") == 5 and cell_len("কি") == 2
    assert cell_len("e\u0301") == 1 and cell_len("👍") == 2 and cell_len("花子") == 4


def test_counting_twice_changes_nothing():
    assert count_spacing_marks()
    before = cell_len("बढ़िया धन्यवाद")
    assert count_spacing_marks()
    assert cell_len("बढ़िया धन्यवाद") == before == 12
