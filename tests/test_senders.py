"""The account's sender numbers: configured `[[senders]]` merged with the numbers learned from the
store, their short labels, the sender filter's cycle; and the settings errors of a bad entry."""

import pytest

from sakari_tui.config import ConfigError, SenderSetting, Settings, config_reference, load_settings
from sakari_tui.senders import SenderBook

US = "+14155550100"
UK = "+447700900100"
OTHER = "+14155550177"


def book(configured=(), learned=()) -> SenderBook:
    return SenderBook([SenderSetting(**entry) for entry in configured], learned)


def test_configured_senders_come_first_in_file_order_then_learned_ones_by_number():
    senders = book(
        [{"number": UK, "label": "Sales", "group_id": "grp-sales"}, {"number": US, "label": "Support"}],
        learned=[OTHER, US, "+12025550100"],
    )
    assert senders.numbers == (UK, US, "+12025550100", OTHER)
    assert senders.get(UK).group_id == "grp-sales" and senders.get(US).group_id is None
    assert senders.get(OTHER).label is None and not senders.get(OTHER).configured
    assert senders.several and len(senders) == 4


def test_short_labels_are_the_label_else_the_last_digits_long_enough_to_tell_them_apart():
    senders = book([{"number": US, "label": "Support"}], learned=["+12025559876", OTHER])
    assert senders.short(US) == "Support"
    assert senders.short(OTHER) == "…0177"
    assert senders.short("+12025559876") == "…9876"
    # Both demo numbers end in 0100: four digits would read the same.
    alike = book(learned=[US, UK])
    assert (alike.short(US), alike.short(UK)) == ("…50100", "…00100")


def test_an_unknown_or_empty_number_has_a_short_form_and_no_parts_to_invent():
    senders = book(learned=[US])
    assert senders.get(OTHER) is None
    assert senders.short(OTHER) == "…0177"
    assert senders.short("") == ""
    assert senders.parts(OTHER) == (None, OTHER)
    assert book([{"number": US, "label": "Support"}]).parts(US) == ("Support", US)


def test_learning_a_number_says_whether_the_book_changed():
    senders = book([{"number": US, "label": "Support"}])
    assert not senders.several
    assert senders.learn([US]) is False  # configured already
    assert senders.learn([UK, ""]) is True
    assert senders.learn([UK]) is False
    assert senders.numbers == (US, UK) and senders.several


def test_the_filter_cycles_all_then_each_number_then_all_and_a_stale_one_means_all():
    senders = book([{"number": UK, "label": "Sales"}], learned=[US])
    assert senders.next_filter("") == UK
    assert senders.next_filter(UK) == US
    assert senders.next_filter(US) == ""
    assert senders.effective_filter(US) == US
    assert senders.effective_filter(OTHER) == "" and senders.effective_filter("") == ""
    assert senders.next_filter(OTHER) == UK  # a number that is gone: as if the filter were All


def test_a_group_id_is_known_only_from_the_settings():
    senders = book([{"number": UK, "label": "Sales", "group_id": "grp-sales"}], learned=[US])
    assert senders.group_id(UK) == "grp-sales"
    assert senders.group_id(US) is None and senders.group_id(OTHER) is None


# --- settings --------------------------------------------------------------------------------


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_senders_are_read_from_the_settings_file(tmp_path):
    path = write(
        tmp_path,
        '[[senders]]\nnumber = "+1 415 555 0100"\nlabel = " Support "\n\n'
        '[[senders]]\nnumber = "+447700900100"\nlabel = "Sales"\ngroup_id = "grp-sales"\n',
    )
    settings = load_settings(path, env={})
    assert [(s.number, s.label, s.group_id) for s in settings.senders] == [
        (US, "Support", None),
        (UK, "Sales", "grp-sales"),
    ]
    assert Settings().senders == []


@pytest.mark.parametrize(
    ("entry", "key", "words"),
    [
        ('number = "555 0100"', "senders.number", "country code"),
        ('number = "+1 555"', "senders.number", "not a valid phone number"),
        ('label = "Support"', "senders.number", "it is missing"),
        (f'number = "{US}"\nlabel = "{"x" * 30}"', "senders.label", "20 characters"),
        (f'number = "{US}"\ngroup = "grp"', "senders.group", "unknown"),
    ],
)
def test_a_bad_senders_entry_names_the_file_the_key_and_the_entry(tmp_path, entry, key, words):
    path = write(tmp_path, f'[[senders]]\nnumber = "{UK}"\n\n[[senders]]\n{entry}\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    message = str(caught.value)
    assert str(path) in message and repr(key) in message and "[[senders]] entry 2" in message
    assert words in message and ".." not in message
    assert caught.value.key == key and caught.value.headline.startswith("Your settings file has a problem:")


def test_a_number_listed_twice_is_refused(tmp_path):
    path = write(tmp_path, f'[[senders]]\nnumber = "{US}"\n\n[[senders]]\nnumber = "+1 (415) 555-0100"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert str(path) in str(caught.value) and "'senders'" in str(caught.value) and US in str(caught.value)


def test_senders_and_the_saved_filter_are_in_the_settings_reference():
    reference = config_reference()
    for key in ("[[senders]].number", "[[senders]].label", "[[senders]].group_id", "ui.sender_filter"):
        assert f"| `{key}` |" in reference


def test_the_saved_filter_must_be_a_number_or_empty(tmp_path):
    assert load_settings(write(tmp_path, f'[ui]\nsender_filter = "{UK}"\n'), env={}).ui.sender_filter == UK
    with pytest.raises(ConfigError, match="ui.sender_filter"):
        load_settings(write(tmp_path, '[ui]\nsender_filter = "Sales"\n'), env={})


# --- a first text from a chosen sender (the engine against the simulator) ----------------------


def group_of(server, number: str) -> str:
    """The simulator's Group id for `number` (read from it: the demo account's ids may be renamed)."""
    return next(sender.group_id for sender in server.state.senders if sender.number == number)


def recording(engine) -> list[dict]:
    """The bodies of the POST /messages the engine sends, as they go on the wire."""
    bodies: list[dict] = []
    send = engine.client.send_message

    async def send_message(request=None, **shortcut):
        result = await send(request, **shortcut)
        bodies.append(request.to_wire() if request is not None else shortcut)
        return result

    engine.client.send_message = send_message
    return bodies


async def test_a_first_text_with_a_group_id_asks_for_that_groups_number(server, engine):
    bodies = recording(engine)
    group = group_of(server, UK)
    conversation_id = await engine.start_conversation("+14155550123", "Hello from sales", group_id=group)
    assert bodies[-1]["phoneNumberFilter"] == {"group": {"id": group}}
    sent = engine.store.inbox.thread(conversation_id)[-1]
    assert sent.phone_number == UK  # a US number would have had the US sender otherwise
    await engine.start_conversation("+14155550124", "Hello from wherever")
    assert "phoneNumberFilter" not in bodies[-1]


async def test_the_group_id_is_kept_in_the_outbox_row_the_send_is_made_from(server, engine):
    group = group_of(server, UK)
    entry = engine.queue_new_conversation("+14155550125", "Hello again", first_name="Nia", group_id=group)
    assert engine.store.outbox.get(entry.local_id).target["groupId"] == group
    # A second text queued before Sakari answered goes to the same number, from the same Group.
    second = engine.queue_reply(entry.conversation_id, "And one more thing")
    assert engine.store.outbox.get(second.local_id).target["groupId"] == group
    bodies = recording(engine)
    message = await engine.deliver(entry.local_id)
    assert bodies[-1]["phoneNumberFilter"] == {"group": {"id": group}} and message.phone_number == UK
