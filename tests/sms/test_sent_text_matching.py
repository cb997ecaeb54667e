"""Finding our text among Sakari's: as Sakari renders and normalises it, never weaker for plain text."""

from hypothesis import given
from hypothesis import strategies as st

from sakari_tui.sms.templates import sent_text_matches


def test_placeholders_match_as_rendered():
    assert sent_text_matches("Hi {{firstName}}, thanks", "Hi Sipho, thanks")
    assert sent_text_matches("Hi {{ contact.firstName }}!", "Hi Sipho!", {"firstName": "Sipho"})
    assert sent_text_matches("Dear {{{firstName}}} {{lastName}}", "Dear Ana María López")
    assert sent_text_matches("Hi {{firstName}} ", "Hi")  # an unknown variable left empty, then trimmed
    assert not sent_text_matches("Hi {{firstName}}, thanks", "Hi Sipho, thank you")
    assert not sent_text_matches("Hi {{firstName}}, thanks", "Hello Sipho, thanks")


def test_line_ends_and_trailing_blanks_the_server_may_normalise():
    assert sent_text_matches("See you\r\nat 5  \r\n", "See you\nat 5")
    assert sent_text_matches("Cafe\u0301", "Café")  # NFC
    assert not sent_text_matches("OK", "OK!")
    assert not sent_text_matches("OK", "ok")
    assert not sent_text_matches("OK", None)


printable = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).filter(lambda t: "{{" not in t)


@given(printable, printable)
def test_plain_text_matches_only_itself(sent, other):
    assert sent_text_matches(sent, sent)
    if sent.strip() and other.strip() and sent.split() != other.split():
        assert not sent_text_matches(sent, other)
