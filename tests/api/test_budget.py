"""The request budget shared by every sakari-tui of an account: one token bucket, one 429 wait and
one record of the latest polls in a file, whoever holds it; a broken file costs a warning only."""

import logging
import sqlite3

import pytest

from sakari_tui.api.budget import MAX_BLOCK_S, RequestBudget, budget_file


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def path(tmp_path):
    return budget_file(tmp_path / "data", "ACC 1/..")


def budgets(path, clock, count=2, **options):
    options.setdefault("per_minute", 60)
    return [RequestBudget(path, clock=clock, **options) for _ in range(count)]


def test_the_file_sits_in_the_data_folder_named_after_the_account(tmp_path, path):
    assert path == tmp_path / "data" / "requests-ACC_1___.sqlite3"


def test_two_budgets_on_one_file_share_the_tokens(path, clock):
    first, second = budgets(path, clock, burst=3)
    assert first.shared and second.shared
    assert [first.try_take(), second.try_take(), first.try_take()] == [0.0, 0.0, 0.0]
    assert second.try_take() == pytest.approx(1.0)  # 60 a minute: the next token in a second
    assert first.try_take() == pytest.approx(1.0)
    clock.now += 1.0
    assert second.try_take() == 0.0
    assert first.try_take() > 0


def test_three_budgets_draw_from_one_bucket(path, clock):
    trio = budgets(path, clock, count=3, burst=5)
    taken = sum(budget.try_take() == 0.0 for _ in range(4) for budget in trio)
    assert taken == 5


def test_a_429_recorded_by_one_holds_back_the_others_until_its_time(path, clock):
    first, second, third = budgets(path, clock, count=3)
    assert first.rate_limited(12.0) == 12.0
    assert second.blocked_for() == 12.0
    assert third.try_take() == 12.0  # no token while the wait lasts
    assert third.poll_wait() == 12.0
    clock.now += 12.0
    assert second.blocked_for() == 0.0
    assert third.try_take() == pytest.approx(1.0)  # the bucket fills again from the wait's end
    clock.now += 1.0
    assert third.try_take() == 0.0


def test_429s_without_retry_after_wait_longer_each_time_and_an_answer_starts_over(path, clock):
    first, second = budgets(path, clock)
    assert first.rate_limited(None) == 2.0
    clock.now += 2.0
    assert second.rate_limited(None) == 4.0
    clock.now += 4.0
    assert first.try_take() == pytest.approx(1.0)  # the bucket restarts empty after the wait
    first.answered()
    assert second.rate_limited(None) == 2.0


async def test_take_waits_for_a_token_and_for_a_shared_429(path, clock):
    slept = []

    async def sleep(seconds):
        slept.append(seconds)
        clock.now += seconds

    first = RequestBudget(path, per_minute=60, burst=1, clock=clock, sleep=sleep)
    second = RequestBudget(path, per_minute=60, burst=1, clock=clock, sleep=sleep)
    await first.take()
    second.rate_limited(30.0)
    await first.take()  # waits the 429 out, then for a token (the wait emptied the bucket)
    assert sum(slept) == pytest.approx(31.0)


def test_a_poll_another_budget_made_less_than_an_interval_ago_is_skipped(path, clock):
    first, second = budgets(path, clock)
    assert first.claim_poll("list", 5.0) == 0.0
    clock.now += 2.0
    assert second.claim_poll("list", 5.0) == pytest.approx(2.0)  # made 2 s ago: skip
    assert second.claim_poll("thread c1", 5.0) == 0.0  # another poll: its own record
    clock.now += 3.0
    assert second.claim_poll("list", 5.0) == 0.0
    assert first.claim_poll("list", 30.0) == pytest.approx(1e-9)  # just made by the other one


def test_a_recorded_poll_counts_for_the_others(path, clock):
    first, second = budgets(path, clock)
    first.record_poll("list")
    assert second.claim_poll("list", 5.0) > 0


def test_polls_keep_a_reserve_of_tokens_for_replies(path, clock):
    (budget,) = budgets(path, clock, count=1, burst=4)
    assert budget.poll_wait(reserve=2) == 0.0
    budget.try_take()
    budget.try_take()
    assert budget.poll_wait(reserve=2) == pytest.approx(1.0)  # 2 left: a poll would eat the reserve
    assert budget.try_take() == 0.0  # a reply still gets one


def test_no_cap_still_shares_429s_and_polls(path, clock):
    first, second = budgets(path, clock, per_minute=None)
    assert all(first.try_take() == 0.0 for _ in range(1000))
    first.rate_limited(5.0)
    assert second.blocked_for() == 5.0


def test_a_file_that_is_not_a_database_is_one_warning_and_a_budget_of_our_own(path, clock, caplog):
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not SQLite\x00" * 100)
    with caplog.at_level(logging.WARNING, logger="sakari_tui.api.budget"):
        budget = RequestBudget(path, per_minute=60, burst=2, clock=clock)
    assert not budget.shared
    (record,) = caplog.records
    message = record.getMessage()
    assert str(path) in message and message.endswith("keeps its own budget.") and "\n" not in message
    assert budget.problem == message
    assert [budget.try_take(), budget.try_take()] == [0.0, 0.0]
    assert budget.try_take() > 0


def test_a_file_that_fails_later_is_one_warning_and_the_process_goes_on(path, clock, caplog, monkeypatch):
    (budget,) = budgets(path, clock, count=1)

    def broken(change, key):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(budget._backend, "transact", broken)
    with caplog.at_level(logging.WARNING, logger="sakari_tui.api.budget"):
        assert budget.try_take() == 0.0
        assert budget.claim_poll("list", 5.0) == 0.0
    assert not budget.shared and len(caplog.records) == 1


def test_damaged_numbers_in_the_file_are_brought_within_bounds(path, clock):
    first, second = budgets(path, clock, burst=3)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE bucket SET tokens = ?, blocked_until = ?, refilled_at = ?", (1e300, 1e18, 1e18))
    assert second.blocked_for() == MAX_BLOCK_S  # far in the future: believed for five minutes at most
    clock.now += MAX_BLOCK_S
    assert first.blocked_for() == 0.0
    assert [first.try_take() for _ in range(4)] == [0.0, 0.0, 0.0, pytest.approx(1.0)]  # full, no more


def test_an_unwritable_folder_is_survived(tmp_path, clock, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("")
    budget = RequestBudget(blocker / "requests-x.sqlite3", per_minute=60, clock=clock)  # a folder that is a file
    assert not budget.shared and budget.try_take() == 0.0
