"""Generated accounts of any size (load tests, benchmarks): deterministic and shaped as asked."""

from sakari_tui.simulator import BulkData, SimulatorConfig, SimulatorState
from sakari_tui.simulator.bulk_data import fictional_number
from sakari_tui.simulator.serialize import View, conversation_json


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
