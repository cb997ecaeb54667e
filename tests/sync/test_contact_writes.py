"""Team-safe contact writes: the three-way merge (pure), then the write against the simulator with
a colleague's change landing before our PUT and after it."""

from __future__ import annotations

import pytest

from sakari_tui.api import OPTED_OUT_AT_ATTRIBUTE, OPTED_OUT_TAG, Contact, SakariError
from sakari_tui.sync.contact_writes import (
    Conflict,
    ContactChanges,
    ContactWrite,
    LostChange,
    merge_contact,
    saved_sentence,
)

from ..support import factories
from ..support.team import colleague_edits

# --- the merge -------------------------------------------------------------------------------------


def person(**fields) -> Contact:
    fields.setdefault("mobile", {"number": "+14155550123", "country": "US"})
    return factories.contact("k1", **fields)


def tag_names(request) -> list[str]:
    return [tag.tag for tag in request.tags or ()]


BASE = person(firstName="Ann", lastName="Lee", email="ann@example.com", tags=["vip"], attributes={"plan": "gold"})


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        # nobody changed it / only they did / only I did / both, to the same value
        ("Ann", "Ann", "Ann"),
        ("Ann", "Anna", "Anna"),
        ("Annie", "Ann", "Annie"),
        ("Annie", "Annie", "Annie"),
        # both, to different values: mine wins (reported below)
        ("Annie", "Anna", "Annie"),
        # clearing is a change like any other
        ("", "Anna", ""),
        ("Annie", None, "Annie"),
    ],
)
def test_each_name_field_takes_mine_when_i_changed_it_else_theirs(mine, theirs, expected):
    for field, key in (("first_name", "firstName"), ("last_name", "lastName"), ("email", "email")):
        base = BASE.model_copy(update={field: "Ann"})
        merged = merge_contact(base, base.model_copy(update={field: mine}), base.model_copy(update={field: theirs}))
        assert (getattr(merged.request, field) or "") == expected, (field, key)


def test_whitespace_and_none_are_not_changes():
    merged = merge_contact(
        BASE, BASE.model_copy(update={"email": " ann@example.com "}), BASE.model_copy(update={"email": "new@x.org"})
    )
    assert merged.request.email == "new@x.org" and not merged.conflicts
    cleared = BASE.model_copy(update={"last_name": None})
    merged = merge_contact(cleared, cleared.model_copy(update={"last_name": ""}), cleared)
    assert not merged.request.last_name and not merged.conflicts


def test_a_field_both_changed_differently_is_a_conflict_that_mine_wins():
    mine = BASE.model_copy(update={"email": "b@y.org", "first_name": "Annie"})
    theirs = BASE.model_copy(update={"email": "c@z.org", "first_name": "Annie", "last_name": "Li"})
    merged = merge_contact(BASE, mine, theirs)
    assert merged.request.email == "b@y.org" and merged.request.last_name == "Li"
    assert merged.conflicts == (Conflict("email", base="ann@example.com", theirs="c@z.org", mine="b@y.org"),)


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "expected"),
    [
        (["vip"], ["vip", "late"], ["vip"], ["vip", "late"]),  # I added
        (["vip"], [], ["vip"], []),  # I removed
        (["vip"], ["vip", "late"], ["vip", "hot"], ["vip", "hot", "late"]),  # I added, they added
        (["vip"], ["vip", "late"], [], ["late"]),  # I added, they removed
        (["vip", "hot"], ["hot"], ["vip", "hot", "new"], ["hot", "new"]),  # I removed, they added
        (["vip", "hot"], ["vip"], ["vip"], ["vip"]),  # both removed the same
        (["vip"], ["vip", "late"], ["vip", "late"], ["vip", "late"]),  # both added the same: once
        (["vip"], ["late"], ["hot"], ["hot", "late"]),  # I replaced vip, they replaced it too
    ],
)
def test_tags_start_from_theirs_with_my_additions_and_removals(base, mine, theirs, expected):
    merged = merge_contact(person(tags=base), person(tags=mine), person(tags=theirs))
    assert tag_names(merged.request) == expected and not merged.conflicts


def test_tags_keep_their_other_fields_as_theirs_has_them():
    base = person(tags=[{"tag": "vip", "visible": True}])
    theirs = person(tags=[{"tag": "vip", "visible": False}])
    merged = merge_contact(base, person(tags=[{"tag": "vip", "visible": True}, "late"]), theirs)
    assert [(t.tag, t.visible) for t in merged.request.tags] == [("vip", False), ("late", None)]


def test_attributes_take_my_changes_additions_and_removals_over_theirs():
    base = person(attributes={"plan": "gold", "seats": 3, "old": "x"})
    mine = person(attributes={"plan": "silver", "seats": 3, "new": "y"})  # changed plan, added new, removed old
    theirs = person(attributes={"plan": "gold", "seats": 4, "old": "x", "crm": "z"})
    merged = merge_contact(base, mine, theirs)
    assert merged.request.attributes == {"plan": "silver", "seats": 4, "crm": "z", "new": "y"}
    assert not merged.conflicts


def test_an_attribute_both_changed_is_a_conflict_and_a_removal_against_a_change_too():
    base = person(attributes={"plan": "gold", "old": "x"})
    mine = person(attributes={"plan": "silver"})
    theirs = person(attributes={"plan": "bronze", "old": "y"})
    merged = merge_contact(base, mine, theirs)
    assert merged.request.attributes == {"plan": "silver"}
    assert set(merged.conflicts) == {
        Conflict("attributes.plan", base="gold", theirs="bronze", mine="silver"),
        Conflict("attributes.old", base="x", theirs="y", mine=None),
    }


OPT_OUT_ATTRIBUTES = {OPTED_OUT_AT_ATTRIBUTE: "2026-01-05T08:00:00Z"}


@pytest.mark.parametrize("in_base", [True, False])
@pytest.mark.parametrize("in_mine", [True, False])
@pytest.mark.parametrize("in_theirs", [True, False])
def test_the_opt_out_tag_and_attribute_are_never_dropped(in_base, in_mine, in_theirs):
    def side(marked: bool, tag: str = OPTED_OUT_TAG) -> Contact:
        return person(tags=["vip"] + ([tag] if marked else []), attributes=dict(OPT_OUT_ATTRIBUTES) if marked else {})

    merged = merge_contact(side(in_base), side(in_mine), side(in_theirs, tag="Opted-Out"))
    names = [name.casefold() for name in tag_names(merged.request)]
    if in_base or in_theirs:
        assert names.count(OPTED_OUT_TAG) == 1
        assert merged.request.attributes[OPTED_OUT_AT_ATTRIBUTE] == OPT_OUT_ATTRIBUTES[OPTED_OUT_AT_ATTRIBUTE]
    else:
        assert names.count(OPTED_OUT_TAG) == int(in_mine)  # the user may add it (as marking does)
    assert merged.kept_opt_out == (in_base and not in_mine)
    assert "vip" in names


def test_changes_apply_to_the_base_as_the_dialog_means_them():
    base = person(firstName="Ann", lastName="Lee", tags=[{"tag": "vip", "visible": False}], attributes={"a": 1})
    mine = ContactChanges(last_name="", tags=("vip", " ", "vip", "late"), attributes={"b": 2}).applied_to(base)
    assert (mine.first_name, mine.last_name) == ("Ann", "")
    assert [(t.tag, t.visible) for t in mine.tags] == [("vip", False), ("late", None)]
    assert mine.attributes == {"a": 1, "b": 2}
    marked = ContactChanges(add_tags=(OPTED_OUT_TAG,)).applied_to(person(tags=["Opted-Out"]))
    assert tag_names(marked) == ["Opted-Out"]  # already there, in any case: not twice


# --- the sentence after saving ------------------------------------------------------------------


def written(**fields) -> ContactWrite:
    fields.setdefault("contact", BASE)
    return ContactWrite(**fields)


def test_saved_sentences():
    email = Conflict("email", base="a@x", theirs="b@y", mine="c@z")
    assert saved_sentence(written()) is None
    assert saved_sentence(written(conflicts=(email,), changed_by="Jordan")) == (
        "Saved; Jordan's change to the email (a@x → b@y) was replaced by yours."
    )
    assert saved_sentence(written(conflicts=(email,))) == (
        "Saved; someone else changed the email meanwhile: yours was kept."
    )
    both = (email, Conflict("first_name", base="Ann", theirs="Anna", mine="Annie"))
    assert saved_sentence(written(conflicts=both, changed_by="Jordan")) == (
        "Saved; Jordan's changes to the email and the first name were replaced by yours."
    )
    assert saved_sentence(written(conflicts=both)) == (
        "Saved; someone else changed the email and the first name meanwhile: yours were kept."
    )
    lost = (LostChange("tags", sent=("vip",), now=("vip", "hot")),)
    assert saved_sentence(written(lost=lost)) == (
        "Saved, but the tags changed again on Sakari while saving: check the contact."
    )
    assert saved_sentence(written(conflicts=(email,), lost=lost)) == (
        "Saved; someone else changed the email meanwhile: yours was kept, "
        "but the tags changed again on Sakari while saving: check the contact."
    )


def test_saved_sentence_is_plain_single_line_text():
    hostile = Conflict("email", base="[b]x\x1b]52;c;ZXZpbA==\x07", theirs="\u202e[/]\nevil", mine="m")
    sentence = saved_sentence(written(conflicts=(hostile,), changed_by="[@click=app.quit]Jo\x1b[2J"))
    assert "\x1b" not in sentence and "\n" not in sentence and "\u202e" not in sentence and "\x07" not in sentence
    assert sentence.startswith("Saved; [@click=app.quit]Jo[2J's change to the email")  # ESC dropped, text kept


# --- the write, against the simulator ------------------------------------------------------------


def named_row(engine):
    return next(r for r in engine.store.inbox.rows() if r.contact_id and not r.opted_out and not r.name.startswith("+"))


async def opened(engine):
    """A contact as the edit dialog opens with it (fetched, cached)."""
    await engine.sync_conversations()
    row = named_row(engine)
    await engine.sync_contact(row.contact_id)
    return engine.store.inbox.contact(row.contact_id)


async def test_a_colleagues_edit_while_the_dialog_was_open_is_kept(server, engine):
    base = await opened(engine)
    base_tags = [t.tag for t in base.tags or ()]
    colleague_edits(
        server,
        base.id,
        last_name="Colleague",
        tags=[{"tag": t, "visible": True} for t in base_tags] + [{"tag": "crm", "visible": False}],
        attributes={**(base.attributes or {}), "crmId": "77"},
    )

    result = await engine.write_contact(
        base.id, ContactChanges(first_name="Zed", tags=tuple(base_tags) + ("late",)), base=base
    )

    record = server.state.contacts[base.id]
    assert record.first_name == "Zed" and record.last_name == "Colleague"
    assert [t["tag"] for t in record.tags] == base_tags + ["crm", "late"]
    assert {"tag": "crm", "visible": False} in record.tags
    assert record.attributes["crmId"] == "77"
    assert not result.conflicts and not result.lost and saved_sentence(result) is None
    assert result.contact.first_name == "Zed" and engine.store.inbox.contact(base.id).last_name == "Colleague"


async def test_a_field_both_changed_is_reported_with_the_colleagues_name(server, engine):
    base = await opened(engine)
    colleague_edits(server, base.id, email="jordan@example.org")

    result = await engine.write_contact(base.id, ContactChanges(email="mine@example.org"), base=base)

    assert server.state.contacts[base.id].email == "mine@example.org"
    assert result.conflicts == (
        Conflict("email", base=base.email or "", theirs="jordan@example.org", mine="mine@example.org"),
    )
    assert result.changed_by == "Jordan"
    assert saved_sentence(result).startswith("Saved; Jordan's change to the email (")


async def test_an_unnamed_writer_or_one_that_looks_like_us_is_someone_else(server, engine):
    base = await opened(engine)
    colleague_edits(server, base.id, email="other@example.org", by=None)
    result = await engine.write_contact(base.id, ContactChanges(email="mine@example.org"), base=base)
    assert result.changed_by is None and "someone else changed the email" in saved_sentence(result)

    base = result.contact
    await engine.update_contact(base.id, email="again@example.org")  # our own API identity
    result = await engine.write_contact(base.id, ContactChanges(email="mine2@example.org"), base=base)
    assert result.conflicts and result.changed_by is None


async def test_a_change_landing_between_our_put_and_the_re_read_is_reported_lost(server, engine, monkeypatch):
    base = await opened(engine)
    real_put = engine.client.update_contact

    async def put_then_colleague(contact_id, request):
        answer = await real_put(contact_id, request)
        colleague_edits(server, contact_id, tags=[{"tag": "crm", "visible": True}], email="crm@example.org")
        return answer

    monkeypatch.setattr(engine.client, "update_contact", put_then_colleague)
    result = await engine.write_contact(base.id, ContactChanges(email="mine@example.org", tags=("late",)), base=base)

    assert {lost.field for lost in result.lost} == {"email", "tags"}
    assert result.contact.email == "crm@example.org"  # the contact as it is now
    assert engine.store.inbox.contact(base.id).email == "crm@example.org"
    assert saved_sentence(result) == (
        "Saved, but the email and the tags changed again on Sakari while saving: check the contact."
    )


async def test_update_contact_without_a_base_still_cannot_drop_the_opt_out_mark(server, engine):
    base = await opened(engine)
    await engine.mark_opted_out(base.id)
    contact = await engine.update_contact(base.id, tags=["vip"], first_name="Zed")
    record = server.state.contacts[base.id]
    assert [t["tag"] for t in record.tags] == [OPTED_OUT_TAG, "vip"] or [t["tag"] for t in record.tags] == [
        "vip",
        OPTED_OUT_TAG,
    ]
    assert OPTED_OUT_AT_ATTRIBUTE in record.attributes and contact.opted_out and record.first_name == "Zed"


async def test_marking_opted_out_keeps_a_colleagues_tags_and_returns_the_contact_as_it_ends(
    server, engine, monkeypatch
):
    base = await opened(engine)
    colleague_edits(server, base.id, tags=[{"tag": "hub", "visible": False}])
    contact = await engine.mark_opted_out(base.id)
    assert [t["tag"] for t in server.state.contacts[base.id].tags] == ["hub", OPTED_OUT_TAG]
    assert {"tag": "hub", "visible": False} in server.state.contacts[base.id].tags and contact.marked_opted_out

    real_put = engine.client.update_contact

    async def put_then_colleague_drops_the_tags(contact_id, request):
        answer = await real_put(contact_id, request)
        colleague_edits(server, contact_id, tags=[])
        return answer

    monkeypatch.setattr(engine.client, "update_contact", put_then_colleague_drops_the_tags)
    contact = await engine.mark_opted_out(base.id)
    # The re-read after the PUT shows the mark gone: the caller can say so instead of "Marked".
    assert not contact.marked_opted_out and not engine.store.inbox.is_opted_out(base.id)


async def test_a_failed_put_raises_the_sakari_error_and_writes_nothing(server, engine):
    base = await opened(engine)
    before = server.state.contacts[base.id].email
    server.state.set_faults(error_rate=1.0, operations=("PUT /v1/accounts/{accountId}/contacts/{contactId}",))
    with pytest.raises(SakariError):
        await engine.write_contact(base.id, ContactChanges(email="x@example.org"), base=base)
    assert server.state.contacts[base.id].email == before
    assert engine.store.inbox.contact(base.id).email == base.email


async def test_a_failed_re_read_after_the_put_falls_back_to_the_put_answer(server, engine, monkeypatch):
    base = await opened(engine)
    real_fetch = engine.client.fetch_contact
    calls = []

    async def second_read_fails(contact_id):
        calls.append(contact_id)
        if len(calls) == 2:
            raise SakariError("The Sakari API did not answer; check your connection.")
        return await real_fetch(contact_id)

    monkeypatch.setattr(engine.client, "fetch_contact", second_read_fails)
    result = await engine.write_contact(base.id, ContactChanges(email="x@example.org"), base=base)
    assert result.contact.email == "x@example.org" and not result.lost
    assert server.state.contacts[base.id].email == "x@example.org"
