"""Adaptive polling: slower while the terminal is unfocused or nobody is at it, the normal pace
back at once on focus or a key. Pure logic on a fake clock, then the poller on the simulator."""

import random

from sakari_tui.sync import Poller
from sakari_tui.sync.cadence import Cadence


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cadence(clock: FakeClock) -> Cadence:
    return Cadence(interval=5, thread_interval=2, unfocused_interval=30, idle_interval=60, idle_after=300, clock=clock)


def test_focused_and_present_polls_the_open_thread_faster_than_the_list():
    pace = cadence(FakeClock())
    assert pace.list_interval() == 5
    assert pace.thread_interval_now() == 2
    assert not pace.slowed()


def test_unfocused_is_slower_for_both_and_focus_brings_the_pace_back():
    clock = FakeClock()
    pace = cadence(clock)
    assert pace.set_focused(False) is False  # slower, not faster
    assert (pace.list_interval(), pace.thread_interval_now()) == (30, 30)
    clock.now += 10
    assert pace.set_focused(True) is True
    assert (pace.list_interval(), pace.thread_interval_now()) == (5, 2)


def test_idle_after_minutes_and_a_key_brings_the_pace_back():
    clock = FakeClock()
    pace = cadence(clock)
    clock.now += 299
    assert pace.list_interval() == 5
    clock.now += 1
    assert pace.idle() and pace.list_interval() == 60 and pace.thread_interval_now() == 60
    assert pace.touch() is True
    assert pace.list_interval() == 5
    assert pace.touch() is False  # already at the normal pace: nothing to wake


def test_idle_and_unfocused_takes_the_slower_and_a_key_alone_does_not_undo_the_blur():
    clock = FakeClock()
    pace = cadence(clock)
    pace.set_focused(False)
    clock.now += 400
    assert pace.list_interval() == 60
    assert pace.touch() is False  # still unfocused: 30 s
    assert pace.list_interval() == 30


def test_a_slow_setting_below_the_normal_pace_never_speeds_polling_up():
    clock = FakeClock()
    pace = Cadence(interval=20, thread_interval=50, unfocused_interval=3, idle_interval=4, idle_after=10, clock=clock)
    assert pace.thread_interval_now() == 20  # the thread at most the list's interval
    pace.set_focused(False)
    clock.now += 100
    assert pace.list_interval() == 20 and not pace.slowed()


async def test_the_poller_waits_the_slow_interval_then_polls_at_once_on_focus(server, engine):
    clock = FakeClock()
    poller = Poller(engine, interval=5, thread_interval=2, unfocused_interval=30, clock=clock, rng=random.Random(1))
    assert await poller.poll_conversations() == 5  # the first walk
    poller.set_focused(False)
    clock.now += 6
    server.state.reset_request_counts()
    assert await poller.poll_conversations() == 24  # 30 s after the last poll, not 5
    assert server.state.request_counts() == {}
    clock.now += 4  # 10 s since the last poll: stale at the normal pace
    poller.set_focused(True)
    assert poller._wake.is_set()  # the loops look again now, not in 20 s
    assert await poller.poll_conversations() == 5
    assert server.state.request_counts().get("GET /v1/accounts/{accountId}/conversations") == 1


async def test_focus_back_within_the_normal_interval_waits_out_only_its_rest(server, engine):
    clock = FakeClock()
    poller = Poller(engine, interval=5, unfocused_interval=30, clock=clock)
    await poller.poll_conversations()
    poller.set_focused(False)
    clock.now += 2
    poller.set_focused(True)
    assert await poller.poll_conversations() == 3
