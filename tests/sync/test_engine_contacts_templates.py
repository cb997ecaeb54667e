"""Contact edits, the local opt-out mark and template management, against the simulator."""

import pytest

from sakari_tui.api import OPTED_OUT_AT_ATTRIBUTE, OPTED_OUT_TAG, Contact, InvalidRequest, NotFound, SakariError
from sakari_tui.sync import ConversationsChanged


def named_row(engine):
    return next(r for r in engine.store.inbox.rows() if r.contact_id and not r.opted_out and not r.name.startswith("+"))


async def test_update_contact_keeps_mobile_and_attributes_and_renames_the_cached_rows(server, engine):
    await engine.sync_conversations()
    row = named_row(engine)
    record = server.state.contacts[row.contact_id]
    record.attributes["plan"] = "gold"
    mobile = record.mobile
    engine.events.clear()

    contact = await engine.update_contact(
        row.contact_id, first_name="Zed", last_name="", email="zed@example.com", tags=["vip", "  ", "vip", "late"]
    )

    assert contact.first_name == "Zed" and contact.last_name is None and contact.email == "zed@example.com"
    assert [t.tag for t in contact.tags] == ["vip", "late"]
    assert record.mobile == mobile and record.attributes["plan"] == "gold" and record.last_name is None
    assert engine.store.inbox.contact(row.contact_id).first_name == "Zed"
    renamed = next(r for r in engine.store.inbox.rows() if r.id == row.id)
    assert renamed.name == "Zed"
    assert engine.store.inbox.conversation(row.id).contact.first_name == "Zed"
    assert any(isinstance(e, ConversationsChanged) and row.id in e.changed for e in engine.events)

    # The server now says the same: a sync finds nothing new for that conversation.
    result = await engine.sync_conversations()
    assert row.id not in result.changed


async def test_update_contact_none_leaves_fields_alone(server, engine):
    await engine.sync_conversations()
    row = named_row(engine)
    record = server.state.contacts[row.contact_id]
    record.tags = [{"tag": "keep", "visible": False}]
    before = (record.first_name, record.last_name, record.email)
    contact = await engine.update_contact(row.contact_id, email="new@example.org")
    assert (record.first_name, record.last_name) == before[:2] and record.email == "new@example.org"
    assert contact.tags[0].tag == "keep" and record.tags == [{"tag": "keep", "visible": False}]


async def test_mark_opted_out_tags_the_contact_and_the_store_honours_it(server, engine, sim_clock):
    await engine.sync_conversations()
    row = named_row(engine)
    record = server.state.contacts[row.contact_id]
    record.tags = [{"tag": "vip", "visible": True}]
    record.attributes["plan"] = "gold"

    contact = await engine.mark_opted_out(row.contact_id)

    assert contact.opted_out and contact.blocked is None
    assert [t["tag"] for t in record.tags] == ["vip", OPTED_OUT_TAG]
    assert record.attributes["plan"] == "gold" and record.attributes[OPTED_OUT_AT_ATTRIBUTE].endswith("Z")
    assert engine.store.inbox.is_opted_out(row.contact_id)
    assert next(r for r in engine.store.inbox.rows() if r.id == row.id).opted_out
    again = await engine.mark_opted_out(row.contact_id)  # idempotent: one tag
    assert [t.tag for t in again.tags].count(OPTED_OUT_TAG) == 1


def test_opted_out_tag_is_case_insensitive():
    assert Contact.model_validate({"id": "k", "tags": [" Opted-Out "]}).opted_out
    assert not Contact.model_validate({"id": "k", "tags": ["opted-in"]}).opted_out


async def test_update_unknown_contact_raises_a_sakari_error(server, engine):
    with pytest.raises(NotFound):
        await engine.update_contact("nope", first_name="X")


async def test_templates_create_update_delete(server, engine):
    before = await engine.templates()
    assert before and all(t.id for t in before)

    created = await engine.save_template(None, "Greeting", "Hi {{firstName}}!")
    assert created.id and created.name == "Greeting" and created.template == "Hi {{firstName}}!"
    assert created.id in {t.id for t in await engine.templates()}

    updated = await engine.save_template(created.id, "Greeting 2", "Hello {{firstName}}")
    assert (updated.id, updated.name, updated.template) == (created.id, "Greeting 2", "Hello {{firstName}}")
    assert server.state.templates[created.id].template == "Hello {{firstName}}"

    await engine.delete_template(created.id)
    assert created.id not in {t.id for t in await engine.templates()}
    with pytest.raises(NotFound):
        await engine.delete_template(created.id)


async def test_template_without_text_is_refused(server, engine):
    with pytest.raises(InvalidRequest) as caught:
        await engine.save_template(None, "Empty", "   ")
    assert caught.value.code == "TMPL-002"


async def test_template_save_when_the_api_is_down(server, engine):
    server.state.set_faults(error_rate=1.0)
    with pytest.raises(SakariError):
        await engine.save_template(None, "X", "text")
