"""The edit-contact dialog when someone else edits the same contact: the save merges, and the
inbox says in one sentence what was replaced or lost; the opt-out tag cannot be edited away."""

from __future__ import annotations

from textual.widgets import Input, Static

from sakari_tui.api import OPTED_OUT_TAG, Contact
from sakari_tui.ui.screens.edit_contact import KEEPS_OPT_OUT, ContactEdit, EditContactScreen

from ..support.hosts import Host
from ..support.inbox import Inbox
from ..support.team import colleague_edits
from ..support.waiting import wait_until

CONTACT_GET = "GET /v1/accounts/{accountId}/contacts/{contactId}"


def ordinary(row) -> bool:
    return not row.opted_out and not row.closed and bool(row.name) and row.name.isascii() and " " in row.name


def server_contact(server, contact_id):
    with server.state.lock:
        return server.state.contacts[contact_id]


async def open_edit(app, pilot):
    """Open an ordinary conversation, its contact panel, then the edit dialog; returns the row."""
    inbox = Inbox(app)
    row = inbox.select_row(ordinary)
    await pilot.press("enter")
    await pilot.press("escape", "c")
    await wait_until(lambda: app.focused is inbox.contact_panel, pilot)
    await pilot.press("e")
    await wait_until(lambda: isinstance(app.screen, EditContactScreen), pilot)
    return row


def error_text(screen) -> str:
    return screen.query_one("#contact-error", Static).render().plain


async def test_a_colleagues_change_while_editing_is_named_and_the_rest_of_theirs_kept(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_edit(app, pilot)
        before = server_contact(server, row.contact_id).email
        colleague_edits(server, row.contact_id, email="jordan@example.org", last_name="Colleague")
        app.screen.query_one("#contact-email", Input).value = "mine@example.org"
        await pilot.press("ctrl+s")
        await wait_until(lambda: inbox.on_top(), pilot)
        expected = (
            f"Saved; Jordan's change to the email ({before or 'empty'} → jordan@example.org) was replaced by yours."
        )
        await wait_until(lambda: expected in inbox.notifications(), pilot)
        record = server_contact(server, row.contact_id)
        assert record.email == "mine@example.org" and record.last_name == "Colleague"
        await wait_until(lambda: "Colleague" in inbox.contact_panel.query_one("#contact-name").render().plain, pilot)


async def test_a_change_landing_after_our_put_says_to_check_the_contact(build_app, server, monkeypatch):
    app = await build_app()
    inbox = Inbox(app)
    real_put = app.engine.client.update_contact

    async def put_then_colleague(contact_id, request):
        answer = await real_put(contact_id, request)
        colleague_edits(server, contact_id, tags=[{"tag": "crm", "visible": True}])
        return answer

    monkeypatch.setattr(app.engine.client, "update_contact", put_then_colleague)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_edit(app, pilot)
        app.screen.query_one("#contact-tags", Input).value = "late"
        await pilot.press("ctrl+s")
        await wait_until(lambda: inbox.on_top(), pilot)
        expected = "Saved, but the tags changed again on Sakari while saving: check the contact."
        await wait_until(lambda: expected in inbox.notifications(), pilot)
        assert [t.tag for t in app.store.inbox.contact(row.contact_id).tags] == ["crm"]  # as it is now


async def test_a_hostile_colleague_name_is_shown_as_plain_text(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_edit(app, pilot)
        colleague_edits(
            server,
            row.contact_id,
            first_name="[/]\x1b]52;c;ZXZpbA==\x07",
            by={"id": "x", "firstName": "[@click=app.quit]J"},
        )
        app.screen.query_one("#contact-first", Input).value = "Zed"
        await pilot.press("ctrl+s")
        await wait_until(
            lambda: any(n.startswith("Saved; [@click=app.quit]J's change") for n in inbox.notifications()), pilot
        )
        shown = next(n for n in inbox.notifications() if n.startswith("Saved;"))
        assert "\x1b" not in shown and "\x07" not in shown and "[/]" in shown
        assert app.is_running and server_contact(server, row.contact_id).first_name == "Zed"


async def test_removing_the_opt_out_tag_is_explained_and_the_rest_saves(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(ordinary)
        await app.engine.mark_opted_out(row.contact_id)
        colleague_edits(
            server, row.contact_id, tags=[{"tag": "vip", "visible": True}, {"tag": OPTED_OUT_TAG, "visible": True}]
        )
        await app.engine.sync_contact(row.contact_id)
        await pilot.press("enter", "escape", "c")
        await wait_until(lambda: app.focused is inbox.contact_panel, pilot)
        await pilot.press("e")
        await wait_until(lambda: isinstance(app.screen, EditContactScreen), pilot)
        screen = app.screen
        tags = screen.query_one("#contact-tags", Input)
        assert tags.value == f"vip, {OPTED_OUT_TAG}"
        tags.value = "vip, late"
        screen.query_one("#contact-last", Input).value = "Newname"
        await pilot.press("ctrl+s")
        await wait_until(lambda: error_text(screen) == KEEPS_OPT_OUT, pilot)
        assert app.screen is screen and tags.value == f"vip, late, {OPTED_OUT_TAG}"
        assert server_contact(server, row.contact_id).last_name != "Newname"  # not saved yet
        await pilot.press("ctrl+s")
        await wait_until(lambda: inbox.on_top(), pilot)
        record = server_contact(server, row.contact_id)
        assert [t["tag"] for t in record.tags] == ["vip", OPTED_OUT_TAG, "late"] and record.last_name == "Newname"
        assert "Contact saved." in inbox.notifications()


async def test_a_failed_read_before_the_write_keeps_the_form_as_typed(build_app, server):
    app = await build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_edit(app, pilot)
        screen = app.screen
        screen.query_one("#contact-last", Input).value = "Newname"
        server.state.set_faults(error_rate=1.0, operations=(CONTACT_GET,))
        await pilot.press("ctrl+s")
        await wait_until(lambda: error_text(screen).startswith("Not saved: "), pilot)
        assert "\n" not in error_text(screen) and app.screen is screen
        assert screen.query_one("#contact-last", Input).value == "Newname"
        assert server_contact(server, row.contact_id).last_name != "Newname"


async def test_a_tag_shown_made_safe_is_saved_under_its_real_name():
    odd = Contact.model_validate({"id": "k7", "firstName": "Ann", "tags": ["a\x1b[31mb", "vip"]})
    app = Host(screen=EditContactScreen(odd))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(lambda: app.dialog.is_attached, pilot)
        tags = app.dialog.query_one("#contact-tags", Input)
        assert "\x1b" not in tags.value
        tags.value = tags.value.replace(", vip", "") + ", late"
        await pilot.press("ctrl+s")
        await wait_until(lambda: app.results, pilot)
    edit = app.results[0]
    assert edit == ContactEdit("k7", tags=("a\x1b[31mb", "late")) and edit.base is odd
