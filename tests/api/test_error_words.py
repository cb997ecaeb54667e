"""Sakari's error codes in plain words, next to the API errors (the UI shows them on failed sends)."""

from sakari_tui.api.errors import ERROR_WORDS, describe
from sakari_tui.api.models import EmbeddedError
from sakari_tui.ui.format import status_words


def test_known_codes_have_plain_words_and_unknown_ones_none():
    assert describe("MSG-020") == "the number is a landline"
    assert describe("ACCT-006") == "the account is out of credit"
    assert describe("MSG-999") is None and describe("") is None and describe(None) is None


def test_every_word_is_a_lowercase_clause_the_ui_can_put_after_a_colon():
    assert all(words and words[0].islower() and not words.endswith(".") for words in ERROR_WORDS.values())


def test_the_ui_uses_these_words_and_falls_back_to_the_servers_text():
    assert status_words("undelivered", EmbeddedError(code="MSG-020", message="Landline")).endswith(
        ": the number is a landline"
    )
    assert status_words("undelivered", EmbeddedError(code="MSG-999", message="Odd")).endswith(": Odd")
