"""Bubbles on a shared account: who wrote each outgoing text, and a text that left from another
number than its conversation's (Sakari's shared-pool fallback)."""

from sakari_tui.api.models import Message
from sakari_tui.sms.authors import YOU, author_of
from sakari_tui.ui.widgets.bubbles import bubble_for_message

SUPPORT = "+14155550100"


def sent(phone=SUPPORT, by=None):
    created = {"at": "2026-12-01T12:00:00Z", **({"by": by} if by else {})}
    return Message.model_validate(
        {
            "id": "m1",
            "outgoing": True,
            "message": "On it",
            "status": "delivered",
            "phoneNumber": phone,
            "created": created,
        }
    )


def test_the_meta_line_names_the_author():
    alex = author_of(True, {"firstName": "Alex", "source": "hub"}, sent_here=False)
    bubble = bubble_for_message(sent(), alex, conversation_number=SUPPORT)
    assert bubble.meta.startswith("Alex · Hub · ") and bubble.meta.endswith("delivered ✓")
    assert bubble.by_someone_else and bubble.note == ""
    ours = bubble_for_message(sent(), YOU, conversation_number=SUPPORT)
    assert ours.meta.startswith("You · ") and not ours.by_someone_else


def test_a_text_from_another_number_is_flagged():
    bubble = bubble_for_message(sent(phone="+18005550199"), YOU, conversation_number=SUPPORT)
    assert bubble.note.startswith("⚑ sent from ") and "not this conversation's" in bubble.note
    assert "800" in bubble.note and "415" in bubble.note
    # Nothing to compare with, or the same number: no flag.
    assert bubble_for_message(sent(phone="+18005550199"), YOU).note == ""
    assert bubble_for_message(sent(phone=None), YOU, conversation_number=SUPPORT).note == ""


def test_a_hostile_phone_number_is_one_safe_line():
    bubble = bubble_for_message(sent(phone="+1\n\x1b[31m555"), YOU, conversation_number=SUPPORT)
    assert "\n" not in bubble.note and "\x1b" not in bubble.note
