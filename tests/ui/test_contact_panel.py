"""The contact panel and the edit-contact dialog: fields, hostile text, saving through the engine."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from textual.containers import Horizontal
from textual.widgets import Input, Static

from sakari_tui.api import Contact, ContactIdentifiers, Conversation
from sakari_tui.ui.screens.edit_contact import ContactEdit, EditContactScreen, email_problem, split_tags
from sakari_tui.ui.widgets.contact_panel import ContactPanel, region_label

from ..support import factories
from ..support.hosts import Host
from ..support.screen import assert_screen_safe, screen_text
from ..support.waiting import wait_until

CONTACT_PUT = "PUT /v1/accounts/{accountId}/contacts/{contactId}"


class PanelHost(Host):
    """The contact panel beside a stand-in for the thread, as the inbox lays them out."""

    def __init__(self, panel: ContactPanel | None = None) -> None:
        super().__init__(Horizontal(Static("thread", id="thread-pane"), panel or ContactPanel(id="contact-panel")))

    @property
    def panel(self) -> ContactPanel:
        return self.query_one(ContactPanel)

    @property
    def requests(self) -> list[tuple[str, str]]:
        """What the panel asked the app for: ("edit" | "opt_out", contact id), in order."""
        asked = self.messages_of(ContactPanel.EditRequested, ContactPanel.OptOutRequested)
        return [
            ("edit" if isinstance(asking, ContactPanel.EditRequested) else "opt_out", asking.contact_id)
            for asking in asked
        ]


def panel_text(app: PanelHost) -> str:
    return "\n".join(
        app.panel.query_one(f"#contact-{part}", Static).render().plain for part in ("name", "body", "hint")
    )


ANN = Contact.model_validate(
    {
        "id": "k1",
        "firstName": "Ann",
        "lastName": "Lee",
        "email": "ann@example.com",
        "mobile": {"number": "+14155550123", "country": "US"},
        "tags": ["vip", {"tag": "wholesale", "visible": True}],
        "attributes": {"plan": "gold", "notes": "n" * 500},
        "created": {"at": "2025-01-02T03:04:00Z"},
    }
)


async def test_panel_is_hidden_until_shown_and_lists_every_field():
    app = PanelHost()
    async with app.run_test(size=(120, 40)) as pilot:
        assert not app.panel.display
        app.panel.display = True
        conversation = Conversation.model_validate(
            {
                "id": "v1",
                "contact": {"id": "k1"},
                "created": {"at": "2024-12-01T00:00:00Z"},
                "lastMessage": {"id": "m1", "message": "hi", "created": {"at": "2026-03-04T10:00:00Z"}},
            }
        )
        app.panel.show(ANN, conversation)
        await pilot.pause()
        assert app.panel.region.width == 34
        text = panel_text(app)
        assert text.startswith("Ann Lee\n+1 415-555-0123\nUnited States (US) · San Francisco, CA")
        for expected in ("ann@example.com", "vip, wholesale", "no: texts are delivered", "plan: gold", "e edit"):
            assert expected in text
        first = datetime(2025, 1, 2, 3, 4, tzinfo=timezone.utc).astimezone()
        last = datetime(2026, 3, 4, 10, 0, tzinfo=timezone.utc).astimezone()
        assert f"{first.day} {first:%b} {first.year}" in text and f"{last.day} {last:%b} {last.year}" in text
        assert "n" * 59 + "…" in text and "n" * 61 not in text  # long values are cut

        # The contact's own creation date wins; without it, the conversation's.
        app.panel.show(ContactIdentifiers(id="k2", mobile={"number": "+447700900123"}), conversation)
        await pilot.pause()
        text = panel_text(app)
        created = datetime(2024, 12, 1, tzinfo=timezone.utc).astimezone()
        assert "United Kingdom (GB)" in text and f"{created.day} {created:%b} {created.year}" in text

        app.panel.styles.width = "1fr"  # narrow terminals: the panel replaces the thread (styles/inbox.tcss)
        await pilot.pause()
        assert app.panel.region.width > 34


async def test_opted_out_state_with_date_from_blocked_or_our_mark():
    app = PanelHost()
    async with app.run_test(size=(80, 24)) as pilot:
        app.panel.display = True
        blocked = ANN.model_copy(update={"blocked": datetime(2026, 2, 3, 12, 0, tzinfo=timezone.utc)})
        app.panel.show(blocked)
        await pilot.pause()
        text = panel_text(app)
        when = datetime(2026, 2, 3, 12, 0, tzinfo=timezone.utc).astimezone()
        assert f"yes since {when.day} {when:%b} {when.year}" in text and "texted STOP" in text
        assert "o mark opted out" not in text

        marked = factories.contact(
            "k3", firstName="Cy", tags=["Opted-Out"], attributes={"optedOutAt": "2026-01-05T08:00:00Z"}
        )
        app.panel.show(marked)
        await pilot.pause()
        text = panel_text(app)
        assert "yes since" in text and "marked in this app" in text and "2026" in text


async def test_a_bare_stored_record_is_filled_from_the_conversation_and_the_store_opt_out_shows():
    stub = factories.contact("k5")  # what an inbound STOP leaves in the store
    conversation = Conversation.model_validate(
        {
            "id": "v5",
            "contact": {"id": "k5", "firstName": "Dee", "mobile": {"number": "+14155550199"}},
        }
    )
    app = PanelHost()
    async with app.run_test(size=(80, 24)) as pilot:
        app.panel.display = True
        app.panel.show(stub, conversation, opted_out=True)
        await pilot.pause()
        text = panel_text(app)
        assert text.startswith("Dee\n+1 415-555-0199") and "yes (texted STOP)" in text
        assert "o mark opted out" not in text
        app.panel.focus()
        await pilot.press("o", "e")
        await pilot.pause()
        assert app.requests == [("edit", "k5")]


async def test_show_before_mount_draws_on_mount():
    panel = ContactPanel(id="contact-panel")
    panel.show(ANN)
    app = PanelHost(panel)
    async with app.run_test(size=(80, 24)) as pilot:
        app.panel.display = True
        await pilot.pause()
        assert panel_text(app).startswith("Ann Lee")


async def test_keys_ask_the_app_to_edit_or_mark_opted_out():
    app = PanelHost()
    async with app.run_test(size=(80, 24)) as pilot:
        app.panel.display = True
        app.panel.show(ANN)
        app.panel.focus()
        await pilot.press("e", "o")
        await pilot.pause()
        assert app.requests == [("edit", "k1"), ("opt_out", "k1")]
        app.panel.show(None)
        await pilot.press("e")
        await pilot.pause()
        assert len(app.requests) == 2 and "No contact" in panel_text(app)


HOSTILE_CONTACT = Contact.model_validate(
    {
        "id": "k9",
        "firstName": "[@click=app.quit]quit[/]",
        "lastName": "[/] \x1b]52;c;ZXZpbA==\x07\u202eevil",
        "email": "[link=https://evil.test]x[/link]@\x1b[2Jexample.com",
        "mobile": {"number": "\x1b]0;TITLE\x07+1415"},
        "tags": ["[b]bold", "\x9b31mred"],
        "attributes": {"[@click=app.bell]k": "[/]\x1b[31mv", "nested": {"a": "[/]"}},
    }
)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_hostile_contact_renders_as_plain_text(size):
    app = PanelHost()
    async with app.run_test(size=size) as pilot:
        app.panel.display = True
        if size[0] == 80:
            app.panel.styles.width = "1fr"  # as in the narrow inbox (styles/inbox.tcss)
        app.panel.show(HOSTILE_CONTACT)
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.quit]quit[/]" in text and "[/]" in text and "[b]bold" in text
        assert "[@click=app.bell]k" in text
        assert_screen_safe(app)
        app.push_screen(EditContactScreen(HOSTILE_CONTACT))
        await pilot.pause()
        assert_screen_safe(app)
        for field in app.screen.query(Input):
            assert "\x1b" not in field.value and "\x9b" not in field.value and "\u202e" not in field.value
        assert "[@click=app.quit]quit[/]" in app.screen.query_one("#contact-first", Input).value
        await pilot.press("escape")
        assert app.is_running and app.return_code is None


def test_email_and_tag_rules():
    assert email_problem("") is None and email_problem("a@b.co") is None and email_problem(" a.b@c.d.e ") is None
    for bad in ("ann", "ann@", "ann@example", "a@b@c.com", "@example.com", "ann@.", "a b@c.com"):
        assert email_problem(bad), bad
    assert email_problem("ann@example").count(".") >= 1 and "\n" not in email_problem("ann@example")
    assert split_tags(" vip, ,wholesale,vip ,") == ("vip", "wholesale")


async def synced_contact(engine, server) -> Contact:
    await engine.sync_conversations()
    row = next(r for r in engine.store.inbox.rows() if r.contact_id and not r.opted_out and not r.name.startswith("+"))
    await engine.sync_contact(row.contact_id)
    return engine.store.inbox.contact(row.contact_id)


def saver(engine):
    return lambda edit: engine.update_contact(edit.contact_id, **edit.as_kwargs())


async def test_edit_saves_through_the_engine(server, engine):
    contact = await synced_contact(engine, server)
    record = server.state.contacts[contact.id]
    mobile, attributes = record.mobile, dict(record.attributes)
    app = Host(screen=EditContactScreen(contact, save=saver(engine)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        assert app.focused is screen.query_one("#contact-first")
        screen.query_one("#contact-first", Input).value = "Zed"
        await pilot.press("enter")  # to the next field, not saved yet
        assert app.focused is screen.query_one("#contact-last") and not app.results
        screen.query_one("#contact-tags", Input).value = "vip, late"
        app.set_focus(screen.query_one("#contact-tags"))
        await pilot.press("enter")  # Enter on the last field saves
        await wait_until(lambda: app.results, pilot)
    edit = app.results[0]
    assert edit == ContactEdit(contact.id, first_name="Zed", tags=("vip", "late"))
    assert record.first_name == "Zed" and record.last_name == contact.last_name and record.email == contact.email
    assert [t["tag"] for t in record.tags] == ["vip", "late"]
    assert record.mobile == mobile and record.attributes == attributes
    assert engine.store.inbox.contact(contact.id).first_name == "Zed"
    assert any(r.name.startswith("Zed") for r in engine.store.inbox.rows() if r.contact_id == contact.id)


async def test_bad_email_is_refused_inline(server, engine):
    contact = await synced_contact(engine, server)
    before = server.state.contacts[contact.id].email
    app = Host(screen=EditContactScreen(contact, save=saver(engine)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        screen.query_one("#contact-email", Input).value = "not-an-email"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = screen.query_one("#contact-error", Static).render().plain
        assert "not an email address" in error and "\n" not in error
        assert app.screen is screen and app.focused is screen.query_one("#contact-email")
        assert server.state.contacts[contact.id].email == before and not app.results
        await pilot.press("escape")  # the typed email would be lost: asked first
        await wait_until(lambda: app.screen is not screen, pilot)
        await pilot.press("y")
        await wait_until(lambda: app.results, pilot)
    assert app.results == [None]


async def test_an_api_refusal_keeps_the_form(server, engine):
    contact = await synced_contact(engine, server)
    app = Host(screen=EditContactScreen(contact, save=saver(engine)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        screen.query_one("#contact-last", Input).value = "Newname"
        server.state.set_faults(error_rate=1.0, operations=(CONTACT_PUT,))
        await pilot.press("ctrl+s")
        await wait_until(lambda: "Not saved" in screen.query_one("#contact-error", Static).render().plain, pilot)
        assert app.screen is screen and screen.query_one("#contact-last", Input).value == "Newname"
        assert "\n" not in screen.query_one("#contact-error", Static).render().plain
        server.state.set_faults(error_rate=0.0)
        await pilot.press("ctrl+s")
        await wait_until(lambda: app.results, pilot)
    assert server.state.contacts[contact.id].last_name == "Newname"


async def test_without_a_saver_the_edit_is_returned_and_unchanged_means_none():
    app = Host(screen=EditContactScreen(ANN))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(lambda: app.dialog.is_attached, pilot)
        await pilot.press("ctrl+s")  # nothing changed
        await wait_until(lambda: app.results, pilot)
    assert app.results == [None]
    app = Host(screen=EditContactScreen(ANN))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(lambda: app.dialog.is_attached, pilot)
        app.dialog.query_one("#contact-email", Input).value = ""
        await pilot.press("ctrl+s")
        await wait_until(lambda: app.results, pilot)
    assert app.results == [ContactEdit("k1", email="")]


def test_region_label_for_odd_numbers():
    assert region_label("") == "" and region_label("not a number") == ""
    assert region_label("+4915112345678").startswith("Germany (DE)")


async def test_esc_while_saving_waits_for_sakari_instead_of_cancelling(server, engine):
    contact = await synced_contact(engine, server)
    release = asyncio.Event()
    saved = []

    async def slow_save(edit) -> None:
        await release.wait()
        saved.append(edit)

    app = Host(screen=EditContactScreen(contact, save=slow_save))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        screen.query_one("#contact-email", Input).value = "later@example.org"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and "on its way" in screen.query_one("#contact-error", Static).render().plain
        release.set()
        await wait_until(lambda: app.results, pilot)
    assert saved and app.results[0].email == "later@example.org"
