"""Issue 13, New conversation asks which sender: the default (the number this contact last texted,
else the list's sender filter, else the first), the sentence when no Group id lets sakari-tui
choose, and the warning (and second Ctrl+S) before starting from another number than the contact's."""

from __future__ import annotations

from textual.widgets import Input, Static, TextArea

from sakari_tui.config import SenderSetting
from sakari_tui.ui.screens.new_conversation import NewConversation, NewConversationScreen

from ..support.factories import settings_for
from ..support.inbox import Inbox
from ..support.waiting import wait_until

US = "+14155550100"  # the demo account's two numbers
UK = "+447700900100"
NEW_NUMBER = "+14155550123"  # no conversation with it


def group_of(server, number: str) -> str:
    """The simulator's Group id for `number` (read from it: the demo's ids may be renamed)."""
    return next(sender.group_id for sender in server.state.senders if sender.number == number)


def both_named(server) -> list[SenderSetting]:
    return [
        SenderSetting(number=US, label="Support", group_id=group_of(server, US)),
        SenderSetting(number=UK, label="Sales", group_id=group_of(server, UK)),
    ]


def customer_of(app, sender: str):
    """A named contact whose newest conversation is on `sender`: (name, number)."""
    for row in app.store.inbox.rows(unread_first=False):
        last = app.store.inbox.last_sender_to(row.number)
        if last and last[1] == sender and row.name and not row.name.startswith("+") and not row.opted_out:
            return row.name, row.number
    raise AssertionError(f"no contact last texted {sender}")


async def open_dialog(app, pilot, *, preferred: str = "") -> list[NewConversation | None]:
    """The dialog as the inbox would open it (its senders, the list's filter, the store's lookup)."""
    results: list[NewConversation | None] = []
    screen = NewConversationScreen(
        "US", senders=app.inbox.senders, preferred=preferred, last_sender=app.store.inbox.last_sender_to
    )
    app.push_screen(screen, results.append)
    await wait_until(lambda: app.screen is screen and screen.sender_choice is not None, pilot)
    return results


def chosen(app) -> str:
    return app.screen.sender_choice.chosen


def note(app) -> str:
    widget = app.screen.query_one("#new-sender-note", Static)
    return str(widget.render()) if widget.display else ""


async def type_number(app, pilot, number: str) -> None:
    app.screen.query_one("#new-number", Input).value = number
    await pilot.pause()


async def test_the_default_sender_is_the_contacts_last_else_the_filters_else_the_first(build_app, server):
    settings = settings_for(server)
    settings.senders = [SenderSetting(number=UK, label="Sales")]  # configured first: Sales leads
    app = await build_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        _name, us_customer = customer_of(app, US)
        await open_dialog(app, pilot, preferred=UK)
        await type_number(app, pilot, us_customer)
        assert chosen(app) == US  # what they last texted beats the filter
        await type_number(app, pilot, NEW_NUMBER)
        assert chosen(app) == UK  # nobody known: the filter's
        app.screen.dismiss(None)
        await wait_until(lambda: Inbox(app).on_top(), pilot)

        await open_dialog(app, pilot, preferred="")
        await type_number(app, pilot, NEW_NUMBER)
        assert chosen(app) == UK  # no filter either: the first, configured first
        app.screen.dismiss(None)
        await wait_until(lambda: Inbox(app).on_top(), pilot)


async def test_without_a_group_id_the_dialog_says_sakari_picks_and_sends_no_filter(build_app, server):
    app = await build_app()  # no [[senders]]: the two numbers are learned, with no Group ids
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        results = await open_dialog(app, pilot)
        await type_number(app, pilot, NEW_NUMBER)
        assert chosen(app) == US
        assert note(app) == (
            "No group id for +1 415-555-0100 in [[senders]]: Sakari picks the number (usually the contact's last one)."
        )
        app.screen.query_one("#new-text", TextArea).text = "Hello"
        await pilot.press("ctrl+s")
        await wait_until(lambda: results, pilot)
        assert results[0].sender == US and results[0].group_id is None


async def test_starting_from_another_number_than_the_contacts_warns_and_takes_a_second_ctrl_s(build_app, server):
    settings = settings_for(server)
    settings.senders = both_named(server)
    app = await build_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        name, customer = customer_of(app, UK)
        results = await open_dialog(app, pilot)
        await type_number(app, pilot, customer)
        assert chosen(app) == UK and note(app) == ""
        app.screen.sender_choice.focus()
        await pilot.press("right")
        assert chosen(app) == US
        assert note(app) == f"{name} last texted Sales (+44 7700 900100); you are starting from Support."
        app.screen.query_one("#new-text", TextArea).text = "Hello from support"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert results == [] and "Press Ctrl+S again to start from Support anyway" in str(
            app.screen.query_one("#new-error", Static).render()
        )
        await pilot.press("ctrl+s")
        await wait_until(lambda: results, pilot)
        result = results[0]
        assert (result.number, result.sender, result.group_id) == (customer, US, group_of(server, US))

        # What the inbox does with it (ui/inbox/replying.py passes the group id on): the text leaves from Support.
        entry = app.engine.queue_new_conversation(result.number, result.text, group_id=result.group_id)
        message = await app.engine.deliver(entry.local_id)
        assert message.phone_number == US


async def test_the_sender_line_and_its_sentence_fit_80x24_with_the_buttons(build_app, server):
    settings = settings_for(server)
    settings.senders = [SenderSetting(number=US, label="Support", group_id=group_of(server, US))]
    app = await build_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_dialog(app, pilot)
        await type_number(app, pilot, NEW_NUMBER)
        app.screen.sender_choice.focus()
        await pilot.press("right")  # to the learned UK number: no group id
        assert note(app).startswith("No group id for +44 7700 900100 in [[senders]]")
        from .test_dialogs_small import buttons_shown, fully_shown

        assert buttons_shown(app) and fully_shown(app, app.screen.sender_choice)
        assert fully_shown(app, app.screen.query_one("#new-sender-note"))


async def test_n_starts_a_conversation_from_the_chosen_sender(build_app, server):
    settings = settings_for(server)
    settings.senders = both_named(server)
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("N")
        await wait_until(lambda: not inbox.on_top(), pilot)
        await type_number(app, pilot, NEW_NUMBER)
        assert app.screen.sender_choice is not None
        app.screen.sender_choice.focus()
        await pilot.press("right")  # Support → Sales
        app.screen.query_one("#new-text", TextArea).text = "Hello from sales"
        await pilot.press("ctrl+s")
        await wait_until(lambda: inbox.on_top() and not app.engine.pending, pilot)
        sent = [m for m in server.state.messages.values() if m.text == "Hello from sales"]
        assert len(sent) == 1 and server.state.sender(sent[0].sender_id).number == UK
