"""May this reply go, and what must the user confirm first: the rules of Ctrl+S, without an app."""

from datetime import datetime, timezone

from sakari_tui.config import ComposeSection
from sakari_tui.sms import ReplyCheck, UnfilledWarning, check_reply
from sakari_tui.sms.guard import UNFILLED_CONFIRM_WINDOW_S

NEW_YORK = "+12125550123"
NOON_IN_NEW_YORK = datetime(2026, 6, 1, 16, 0, tzinfo=timezone.utc)
MIDNIGHT_IN_NEW_YORK = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)
PLACEHOLDERS = "Hi {{firstName}}, your order {{order}} ships today"


def check(
    text,
    *,
    number=NEW_YORK,
    opted_out=False,
    compose=None,
    now_utc=NOON_IN_NEW_YORK,
    pressed_at=100.0,
    unfilled_warning=None,
) -> ReplyCheck:
    return check_reply(
        text,
        number=number,
        opted_out=opted_out,
        compose=compose or ComposeSection(),
        now_utc=now_utc,
        pressed_at=pressed_at,
        unfilled_warning=unfilled_warning,
    )


def test_a_plain_reply_at_a_good_hour_may_simply_go():
    result = check("See you at 3pm!")
    assert result == ReplyCheck() and result.may_send


def test_empty_and_blank_replies_are_refused_as_a_warning():
    for text in ("", "   \n\t"):
        result = check(text)
        assert result.refused == "Nothing to send: the message is empty."
        assert result.severity == "warning" and not result.may_send


def test_opted_out_contacts_are_refused_before_anything_else():
    result = check("", opted_out=True)  # even an empty reply: the opt-out is what matters
    assert (result.refused, result.severity) == ("This contact opted out; texts to them are refused.", "error")


def test_over_ten_segments_is_refused_with_the_count():
    result = check("x" * 1600)  # 11 GSM-7 segments
    assert result.refused == "Too long to send: 11 segments; the limit is 10. Shorten it."
    assert result.severity == "error"


def test_refusals_keep_the_unfilled_memory_as_it_was():
    memory = UnfilledWarning(PLACEHOLDERS, 90.0)
    assert check("", unfilled_warning=memory).unfilled_warning is memory
    assert check("x" * 1600, unfilled_warning=memory).unfilled_warning is memory
    assert check("Hi", opted_out=True, unfilled_warning=memory).unfilled_warning is memory


def test_unfilled_placeholders_are_named_once_then_a_second_press_sends():
    first = check(PLACEHOLDERS, pressed_at=100.0)
    assert first.refused == ("Not filled: firstName, order. Edit them, or press Ctrl+S again to send as is.")
    assert first.severity == "warning" and first.unfilled_warning == UnfilledWarning(PLACEHOLDERS, 100.0)
    again = check(PLACEHOLDERS, pressed_at=100.0 + UNFILLED_CONFIRM_WINDOW_S, unfilled_warning=first.unfilled_warning)
    assert again.refused is None and again.may_send and again.unfilled_warning is None


def test_the_second_press_must_be_soon_and_with_the_same_text():
    memory = UnfilledWarning(PLACEHOLDERS, 100.0)
    late = check(PLACEHOLDERS, pressed_at=100.0 + UNFILLED_CONFIRM_WINDOW_S + 0.01, unfilled_warning=memory)
    assert late.refused and late.unfilled_warning == UnfilledWarning(
        PLACEHOLDERS, 100.0 + UNFILLED_CONFIRM_WINDOW_S + 0.01
    )
    edited = check(PLACEHOLDERS + "!", pressed_at=101.0, unfilled_warning=memory)
    assert edited.refused and edited.unfilled_warning == UnfilledWarning(PLACEHOLDERS + "!", 101.0)


def test_a_filled_reply_forgets_the_unfilled_memory():
    assert check("All filled in", unfilled_warning=UnfilledWarning(PLACEHOLDERS, 100.0)).unfilled_warning is None


def test_cost_and_the_recipients_night_are_to_confirm_not_refused():
    compose = ComposeSection(confirm_over_segments=1, segment_prices={"US": 0.01})
    result = check("x" * 200, compose=compose, now_utc=MIDNIGHT_IN_NEW_YORK)
    assert result.refused is None and not result.may_send
    cost, night = result.confirm
    assert "2 segments" in cost and "$0.02" in cost and "above 1" in cost
    assert "America/New_York" in night and "08:00–21:00" in night


def test_confirmations_come_after_the_second_press_on_placeholders():
    memory = UnfilledWarning(PLACEHOLDERS, 100.0)
    result = check(PLACEHOLDERS, now_utc=MIDNIGHT_IN_NEW_YORK, pressed_at=101.0, unfilled_warning=memory)
    assert result.refused is None and len(result.confirm) == 1


def test_without_a_number_there_is_no_night_to_ask_about():
    assert check("Hi", number=None, now_utc=MIDNIGHT_IN_NEW_YORK).may_send
