"""Issue 12, items 9 and 10 in the app: the header on one line that never stops mid-phrase, the
formatted number for a contact without a name, and wide text only changed where it is drawn."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sakari_tui.api import Conversation
from sakari_tui.ui.format import number_label
from sakari_tui.ui.widgets.bubbles import bubble_for_message
from sakari_tui.ui.widgets.thread_header import LIKE_OPT_OUT, OPTED_OUT, header_content

from ..support.factories import message
from ..support.inbox import Inbox
from ..support.screen import screen_lines
from ..support.waiting import wait_until

UNNAMED = "+4917622597809"  # the demo's contact without a name


def conversation(first_name: str | None, *, closed: bool = False, last: str = "ok") -> Conversation:
    return Conversation.model_validate(
        {
            "id": "c1",
            "closed": closed,
            "contact": {"id": "k1", "firstName": first_name, "mobile": {"number": "+4917622597809"}},
            "phoneNumber": {"number": "+14155550100"},
            "lastMessage": {"id": "m1", "message": last, "outgoing": False, "status": "received"},
        }
    )


# The header's phrases: any one of them must be shown whole, or not at all.
PHRASES = [*OPTED_OUT, *LIKE_OPT_OUT, "via +1 415-555-0100", "+49 176 22597809", "✓ closed"]


@pytest.mark.parametrize("width", [20, 30, 44, 52, 60, 70, 100, 140])
@pytest.mark.parametrize(
    ("name", "opted_out", "closed", "last"),
    [
        ("Дмитрий Иванов", True, False, "stop"),
        ("Anna Schmidt", False, False, "please stop texting me"),
        ("Wolfeschlegelsteinhausenbergerdorff Maximilian", True, True, "ok"),
        (None, False, True, "ok"),
        ("花子 山田 👨‍👩‍👧", False, False, "ok"),
    ],
)
def test_the_header_is_one_line_that_fits_and_cuts_no_phrase(width, name, opted_out, closed, last):
    content = header_content(conversation(name, closed=closed, last=last), opted_out=opted_out, width=width)
    assert "\n" not in content.plain
    assert content.cell_length <= width
    flags = OPTED_OUT if opted_out else LIKE_OPT_OUT if "stop" in last else ()
    if flags and width >= 30:  # room for the name's start and the shortest flag
        assert any(content.plain.endswith(flag) for flag in flags), content.plain
    name_part, *phrases = content.plain.split("  ")
    assert all(phrase in (*PHRASES, "open") for phrase in phrases), content.plain  # only the name may be cut
    if closed and width >= 44:
        assert "✓ closed" in content.plain


def test_the_whole_header_when_there_is_room():
    wide = header_content(conversation("Anna Schmidt"), opted_out=True, width=200)
    assert wide.plain == (
        "Anna Schmidt  +49 176 22597809  via +1 415-555-0100  open  ⊘ opted out: texts to this contact are refused"
    )
    assert header_content(conversation("Anna Schmidt"), opted_out=True).plain == wide.plain


async def test_at_80_columns_the_header_is_one_line_and_keeps_the_opt_out_flag(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        row = inbox.select_row(lambda r: r.opted_out and not r.closed)
        await pilot.press("enter")
        await wait_until(lambda: "opted out" in inbox.header_text(), pilot)
        await pilot.pause()
        header = inbox.header
        assert header.size.height == 1
        text = inbox.header_text()
        assert text.startswith(row.name[:4]) and any(text.endswith(flag) for flag in OPTED_OUT), text
        assert len(text) <= header.content_size.width
        assert any(line.strip().endswith(text.split("  ")[-1]) for line in screen_lines(app)), text


async def test_a_contact_without_a_name_shows_its_number_formatted_in_the_list(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        row = inbox.select_row(lambda r: r.number == UNNAMED)
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        assert "+49 176 22597809" in shown
        assert UNNAMED not in shown
        assert row.name == UNNAMED  # the store keeps the number as it came


def test_number_label_leaves_the_number_as_stored_until_phone_formatting_has_loaded(monkeypatch):
    monkeypatch.delitem(sys.modules, "phonenumbers", raising=False)
    assert number_label(UNNAMED) == UNNAMED
    assert "phonenumbers" not in sys.modules  # asking did not load it
    monkeypatch.undo()
    import phonenumbers  # noqa: F401

    assert number_label(UNNAMED) == "+49 176 22597809"
    assert number_label("") == ""


def test_drawing_the_list_needs_no_phone_formatting_loaded():
    probe = (
        "import sys\n"
        "import sakari_tui.ui.widgets.conversation_list, sakari_tui.ui.widgets.thread_header\n"
        "print('phonenumbers' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_display_form_is_for_the_screen_only_the_bubble_keeps_the_text():
    text = "Thanks ❤️ 👍🏽 👨‍👩‍👧"
    bubble = bubble_for_message(message("m1", text))
    assert bubble.text == text
