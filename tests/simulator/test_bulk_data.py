"""Generated accounts of any size (load tests, benchmarks): deterministic and shaped as asked."""

import pytest

from sakari_tui.simulator import BulkData, SimulatorConfig, SimulatorState
from sakari_tui.simulator.bulk_data import (
    FICTION_BLOCKS,
    FICTIONAL_NUMBERS,
    NANP_NUMBERS,
    fictional_contact_number,
    fictional_number,
)
from sakari_tui.simulator.conversations import price_for
from sakari_tui.simulator.serialize import View, conversation_json
from sakari_tui.sms.segments import segment_info


def state_for(shape: BulkData, seed: int = 3) -> SimulatorState:
    return SimulatorState(SimulatorConfig(seed=seed, demo_data=False, bulk=shape))


def newest_first(state: SimulatorState):
    return sorted(state.conversations.values(), key=lambda c: c.updated_at, reverse=True)


def test_shape_counts_tags_and_order():
    state = state_for(BulkData(conversations=30, messages_per_conversation=4, long_threads=(50, 2)))
    ordered = newest_first(state)
    assert len(ordered) == 30 and len(state.contacts) == 30
    assert [len(c.message_ids) for c in ordered[:3]] == [50, 2, 4]
    assert len(state.messages) == 50 + 2 + 28 * 4
    for index, conversation in enumerate(ordered):
        newest = state.messages[conversation.message_ids[-1]].text
        assert newest.endswith(f"<c{index}>")
    assert sum(1 for c in ordered if c.unread) == len(range(0, 30, 7))
    assert any(c.closed_at is not None for c in ordered)
    assert not state.pending_events


def test_same_seed_and_anchor_give_identical_json():
    shape = BulkData(conversations=12, messages_per_conversation=3, anchor=1_790_000_000.0)
    first, second = state_for(shape), state_for(shape)
    render = lambda state: [conversation_json(state, c, View()) for c in newest_first(state)]  # noqa: E731
    assert render(first) == render(second)


def test_numbers_are_unique_and_fictional():
    numbers = {fictional_number(index) for index in range(5000)}
    assert len(numbers) == 5000
    assert all(number[5:10] == "55501" for number in numbers)


def test_the_first_78900_numbers_are_the_nanp_block_as_before():
    for index in (0, 1, 99, 100, 4321, 78_899):
        area, last = divmod(index, 100)
        assert fictional_contact_number(index) == (f"+1{201 + area}55501{last:02d}", "US")


def test_past_the_nanp_block_numbers_come_from_ofcom_then_acma_ranges():
    assert fictional_contact_number(78_900) == ("+447700900000", "GB")  # Ofcom's drama mobile block
    assert fictional_contact_number(79_900) == ("+441134960000", "GB")  # Leeds, 0113 496 0000
    assert fictional_contact_number(95_899) == ("+441632960999", "GB")  # the no-area 01632 960999
    assert fictional_contact_number(95_900) == ("+61255500000", "AU")  # ACMA's 02 5550 0000
    assert fictional_contact_number(FICTIONAL_NUMBERS - 1) == ("+61870109999", "AU")


def test_every_block_is_used_whole_and_no_number_repeats():
    numbers = [fictional_contact_number(index) for index in range(FICTIONAL_NUMBERS)]
    assert len({number for number, _ in numbers}) == FICTIONAL_NUMBERS == 175_900
    for prefix, digits, country in FICTION_BLOCKS:
        inside = [(n, c) for n, c in numbers if n.startswith(prefix) and len(n) == len(prefix) + digits]
        assert len(inside) == 10**digits and {c for _, c in inside} == {country}


def test_past_the_last_block_the_generator_says_so():
    with pytest.raises(ValueError, match="175,900"):
        fictional_contact_number(FICTIONAL_NUMBERS)


def test_contacts_past_the_nanp_block_carry_their_country():
    uk = state_for(BulkData(conversations=3, first_number=NANP_NUMBERS))
    assert sorted((c.mobile, c.country) for c in uk.contacts.values()) == [
        ("+447700900000", "GB"),
        ("+447700900001", "GB"),
        ("+447700900002", "GB"),
    ]
    australia = state_for(BulkData(conversations=2, first_number=FICTIONAL_NUMBERS - 2))
    assert {c.country for c in australia.contacts.values()} == {"AU"}
    rendered = conversation_json(australia, next(iter(australia.conversations.values())), View())
    assert rendered["contact"]["mobile"]["country"] == "AU"


def test_generated_messages_have_the_segments_and_prices_a_send_would_give():
    state = state_for(BulkData(conversations=12, messages_per_conversation=5, first_number=NANP_NUMBERS - 6))
    assert {c.country for c in state.contacts.values()} == {"US", "GB"}
    for message in state.messages.values():
        contact = state.contacts[message.contact_id]
        assert message.segments == segment_info(message.text).segments
        expected = price_for(state, contact, message.segments, "SMS") if message.outgoing else 0.0
        assert message.price == expected
        assert message.status == ("delivered" if message.outgoing else "received")
        assert message.template == (message.text if message.outgoing else None)
        assert (message.kind, message.media, message.error) == ("SMS", [], None)
    assert [m.seq for m in state.messages.values()] == list(range(1, len(state.messages) + 1))
