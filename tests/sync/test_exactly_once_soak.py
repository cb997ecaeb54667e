"""500 replies through the engine under every fault that has doubled or lost a send (issue 10).

A real `SakariClient` (timeout 0.15 s) and `InboxEngine` against the simulator on 127.0.0.1,
with, drawn from seeded RNGs and each counted: answers dropped after commit, commits held past
the client's timeout (0.4 s), 5xx after commit, odd 200s after commit, 5xx before commit,
refused connections, the server's clock 10 minutes behind and then 10 minutes ahead,
placeholder replies (`Hi {{firstName}}`), identical short replies ("OK"), a second instance
opening the store while a send is in flight, and kills (a deliver task cancelled at a random
await point, then a restart on the same store file and `resume_outbox()`).

Then the faults stop and the engine gets hours of its own time to settle. The verdict: no
reply on the server twice, none lost silently, every reply sent once with no outbox row or
absent with a failed/unknown row that says why. The table is printed, and written as JSON to
$SAKARI_SOAK_REPORT when set.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sakari_tui.api import RetryPolicy, SakariClient
from sakari_tui.simulator import SimulatorServer
from sakari_tui.simulator.templating import render
from sakari_tui.store import OutboxEntry, SendState, Store
from sakari_tui.sync import InboxEngine

from .soak_support import (
    SEND_OPERATION,
    FlakyTransport,
    NetworkStats,
    QueuedReply,
    SoakClock,
    StoreLocked,
    judge,
    open_store,
    random_await_point,
    store_lock_supported,
    table,
    write_report,
)

CLIENT_TIMEOUT_S = 0.15
COMMIT_DELAY_S = 0.4
SKEW_S = 600.0
TARGETS = 12


@dataclass(frozen=True)
class SoakPlan:
    """How many replies, and how often each fault strikes (per send request, or per reply)."""

    replies: int = 500
    client_timeout: float = CLIENT_TIMEOUT_S
    error_rate: float = 0.05
    error_after_commit_rate: float = 0.05
    drop_after_commit_rate: float = 0.05
    garbage_after_commit_rate: float = 0.05
    commit_delay_rate: float = 0.04
    connect_error_rate: float = 0.05
    kill_rate: float = 0.04
    second_instance_rate: float = 0.02
    skew: bool = True
    placeholders: bool = True

    def server_faults(self) -> dict:
        return {
            "error_rate": self.error_rate,
            "error_after_commit_rate": self.error_after_commit_rate,
            "drop_after_commit_rate": self.drop_after_commit_rate,
            "garbage_after_commit_rate": self.garbage_after_commit_rate,
            "commit_delay": COMMIT_DELAY_S,
            "commit_delay_rate": self.commit_delay_rate,
            "operations": [SEND_OPERATION],
        }


CALM = dict(
    error_rate=0.0,
    error_after_commit_rate=0.0,
    drop_after_commit_rate=0.0,
    garbage_after_commit_rate=0.0,
    commit_delay_rate=0.0,
    connect_error_rate=0.0,
    kill_rate=0.0,
    second_instance_rate=0.0,
)


@dataclass
class SoakRun:
    """One app (store, client, engine) that can be killed and restarted, against one simulator."""

    server: SimulatorServer
    path: Path
    plan: SoakPlan
    rng: random.Random
    clock: SoakClock = field(default_factory=SoakClock)
    network: NetworkStats = field(default_factory=NetworkStats)
    events: dict[str, int] = field(default_factory=dict)
    store: Store | None = None
    client: SakariClient | None = None
    transport: FlakyTransport | None = None
    engine: InboxEngine | None = None

    def count(self, event: str) -> None:
        self.events[event] = self.events.get(event, 0) + 1

    def _client(
        self,
        timeout: float | None = None,
        connect_error_rate: float | None = None,
    ) -> tuple[SakariClient, FlakyTransport]:
        timeout = self.plan.client_timeout if timeout is None else timeout
        rate = self.plan.connect_error_rate if connect_error_rate is None else connect_error_rate
        transport = FlakyTransport(rate, random.Random(self.rng.random()), self.network)
        client = SakariClient(
            account_id=self.server.account_id,
            client_id=self.server.client_id,
            client_secret=self.server.client_secret,
            api_url=self.server.base_url,
            token_url=self.server.token_url,
            transport=transport,
            timeout=timeout,
            clock=self.clock.now,
            read_retry=RetryPolicy(base=0.001, cap=0.005, retry_after_cap=0.0, rng=random.Random(self.rng.random())),
        )
        return client, transport

    def _engine(self, client: SakariClient, store: Store) -> InboxEngine:
        # The engine's own reconciliation timing (grace, backoff), on the soak's clock.
        return InboxEngine(client, store, clock=self.clock.now, rng=random.Random(self.rng.random()))

    async def start(self) -> list[str]:
        """Open the app and sync the conversation list calmly; return the conversations to reply to."""
        self.store = open_store(self.path)
        setup, _ = self._client(timeout=10.0, connect_error_rate=0.0)
        await InboxEngine(setup, self.store).sync_conversations()
        await setup.aclose()
        self.client, self.transport = self._client()
        self.engine = self._engine(self.client, self.store)
        rows = [r for r in self.store.inbox.rows() if not r.opted_out and not r.closed]
        return [row.id for row in rows[:TARGETS]]

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        if self.store is not None:
            self.store.close()

    async def restart(self) -> None:
        """The process died: a new store connection, client and engine on the same file."""
        await self.stop()
        self.store = open_store(self.path)
        self.client, self.transport = self._client()
        self.engine = self._engine(self.client, self.store)
        self.engine.resume_outbox()

    async def kill_during(self, local_id: str) -> None:
        """Cancel a delivery at a random await point, then restart."""
        assert self.engine is not None
        task = asyncio.create_task(self.engine.deliver(local_id))
        await random_await_point(self.rng)
        self.count("kill, interrupted a delivery" if not task.done() else "kill, after the delivery ended")
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await self.restart()

    async def second_instance_during(self, local_id: str) -> None:
        """While a send is held in flight, a second app opens the same store."""
        assert self.engine is not None and self.transport is not None and self.store is not None
        transport = self.transport
        transport.hold_next_send()
        task = asyncio.create_task(self.engine.deliver(local_id))
        try:
            held = asyncio.create_task(transport.held.wait())
            await asyncio.wait([task, held], timeout=10.0, return_when=asyncio.FIRST_COMPLETED)
            held.cancel()
            row = self.store.outbox.get(local_id)
            if task.done() or row is None or row.state is not SendState.SENDING:
                self.count("second instance, no send in flight")  # e.g. the connection was refused
                return
            await self._second_app()
        finally:
            transport.release()
            await task

    async def _second_app(self) -> None:
        try:
            other = open_store(self.path)
        except Exception as error:
            if StoreLocked is not None and isinstance(error, StoreLocked):
                self.count("second instance, refused (store locked)")
                return
            raise
        # Not refused: it does what the app does at start, on the same rows, while the first still sends.
        self.count("second instance, NOT refused" + ("" if store_lock_supported() else " (no store lock yet)"))
        client, _ = self._client()
        try:
            engine = self._engine(client, other)
            engine.resume_outbox()
            for _ in range(3):
                await engine.retry_due()
                self.clock.advance(6.0)
        finally:
            await client.aclose()
            other.close()

    async def settle(self, horizon: float = 3 * 86400.0) -> float:
        """Faults off: give the engine hours of its own time to finish every reply; return the time given."""
        assert self.engine is not None and self.store is not None
        given = 0.0
        while given < horizon:
            rows = self.store.outbox.all()
            if all(row.state is SendState.FAILED for row in rows):
                break
            step = 30.0 if given < 600 else 300.0 if given < 6 * 3600 else 1800.0
            self.clock.advance(step)
            given += step
            await self.engine.retry_due()
        return given


def _server_texts(server: SimulatorServer, baseline: set[str]) -> list[tuple[str, str]]:
    with server.state.lock:
        return [(m.contact_id, m.text) for m in server.state.messages.values() if m.outgoing and m.id not in baseline]


def _text(index: int, kind: str, rng: random.Random) -> str:
    if kind == "identical":
        return "OK"
    if kind == "placeholder":
        return f"Hi {{{{firstName}}}}, reply {index}: {rng.choice(['it is ready', 'see you at 3', 'thanks 🙂'])}"
    return f"reply {index}: {rng.choice(['thanks!', 'on its way', 'see you 🙂'])}"


def _kind(index: int, plan: SoakPlan) -> str:
    if index % 10 == 0:
        return "identical"
    if plan.placeholders and index % 5 in (1, 3):
        return "placeholder"
    return "plain"


async def run_soak(tmp_path: Path, plan: SoakPlan, seed: int = 20261210) -> dict:
    """Run the plan and return the report (the verdict, the faults and the figures)."""
    started = time.monotonic()
    rng = random.Random(seed)
    clock = SoakClock()
    with SimulatorServer(seed=3, clock=clock, customers=False) as server:
        run = SoakRun(server, tmp_path / "soak.sqlite3", plan, rng, clock)
        targets = await run.start()
        with server.state.lock:
            baseline = set(server.state.messages)
            contacts = {cid: server.state.contacts[server.state.conversations[cid].contact_id] for cid in targets}
        server.state.reset_request_counts()
        server.state.set_faults(**plan.server_faults())
        replies: list[QueuedReply] = []
        skews = {"behind": 0, "ahead": 0}
        for index in range(plan.replies):
            skew = 0.0
            if plan.skew:
                skew = -SKEW_S if index < plan.replies // 2 else SKEW_S  # the server's clock jumps forward once
                skews["behind" if skew < 0 else "ahead"] += 1
                server.state.set_faults(clock_offset=skew)
            conversation_id = targets[index % len(targets)]
            kind = _kind(index, plan)
            text = _text(index, kind, rng)
            assert run.engine is not None
            entry = run.engine.queue_reply(conversation_id, text)
            contact = contacts[conversation_id]
            replies.append(QueuedReply(entry.local_id, contact.id, text, render(text, contact), kind, skew))
            roll = rng.random()
            if roll < plan.kill_rate:
                await run.kill_during(entry.local_id)
            elif roll < plan.kill_rate + plan.second_instance_rate:
                await run.second_instance_during(entry.local_id)
            else:
                await run.engine.deliver(entry.local_id)
            if index % 7 == 0:
                run.clock.advance(5.0)  # let the engine's own retries come due, now and then
                await run.engine.retry_due()

        # The network and the server heal (the server's clock stays off); everything must settle.
        server.state.set_faults(**{key: 0.0 for key in plan.server_faults() if key.endswith("_rate")})
        assert run.transport is not None
        run.transport.rate = 0.0
        run.plan = dataclasses.replace(plan, connect_error_rate=0.0)
        settle_time = await run.settle()
        await asyncio.sleep(0)
        assert run.store is not None
        verdict = judge(replies, run.store.outbox.all(), _server_texts(server, baseline))
        fired = {kind: counts.get(SEND_OPERATION, 0) for kind, counts in server.state.fault_counts().items()}
        faults = {
            "dropped answer after commit": fired.get("drop_after_commit", 0),
            "commit after the client's timeout": fired.get("commit_delay", 0),
            "5xx after commit": fired.get("error_after_commit", 0),
            "odd 200 after commit": fired.get("garbage_after_commit", 0),
            "5xx before commit": fired.get("error_before", 0),
            "connection refused": run.network.refused,
            "client timeouts seen": run.network.timeouts,
            f"sends, server clock {SKEW_S / 60:.0f} min behind": skews["behind"],
            f"sends, server clock {SKEW_S / 60:.0f} min ahead": skews["ahead"],
            "placeholder replies": sum(r.kind == "placeholder" for r in replies),
            "identical 'OK' replies": sum(r.kind == "identical" for r in replies),
            **dict(sorted(run.events.items())),
        }
        report = {
            "seconds": time.monotonic() - started,
            "send_requests": server.state.request_counts().get(SEND_OPERATION, 0),
            "settle_seconds_of_engine_time": settle_time,
            "store_lock_supported": store_lock_supported(),
            "faults": faults,
            "verdict": verdict.to_json(),
        }
        await run.stop()
    return report


def _assert_exactly_once(report: dict) -> None:
    verdict = report["verdict"]
    summary = {
        key: verdict[key]
        for key in (
            "duplicates",
            "silent_losses",
            "state_mismatches",
            "unsettled",
            "rows_without_reason",
            "stray_messages",
        )
    }
    assert all(value == 0 for value in summary.values()), f"{summary}; {verdict['problems'][:10]}"


async def test_five_hundred_replies_through_every_fault_are_sent_exactly_once_or_visibly_not(tmp_path):
    report = await run_soak(tmp_path, SoakPlan())
    print("\n" + table(report))
    write_report(report)
    faults = report["faults"]
    # Every fault class really happened, or the verdict would prove less than it says.
    for name in (
        "dropped answer after commit",
        "commit after the client's timeout",
        "5xx after commit",
        "odd 200 after commit",
        "5xx before commit",
        "connection refused",
        "placeholder replies",
        "identical 'OK' replies",
    ):
        assert faults[name] > 0, name
    assert any(key.startswith("kill, interrupted") for key in faults)
    assert any(key.startswith("second instance, ") and "no send" not in key for key in faults)
    assert not any("NOT refused" in key for key in faults) or not store_lock_supported(), (
        "a second app opened the store while the first was sending"
    )
    _assert_exactly_once(report)


async def test_the_soak_finds_nothing_wrong_in_a_calm_run(tmp_path):
    """The harness itself: no lost answers, so nothing may be flagged (placeholders, "OK" and skew included)."""
    # A roomy timeout: on a busy machine a 0.15 s one could expire by itself, and that is a fault.
    report = await run_soak(tmp_path, SoakPlan(replies=150, client_timeout=10.0, **CALM))
    verdict = report["verdict"]
    assert verdict["copies_per_send"] == {"0": 0, "1": 150, "2+": 0}
    assert verdict["final_states"] == {"sent": 150}
    _assert_exactly_once(report)


def test_the_verdict_sees_duplicates_losses_and_wrong_states():
    def reply(local_id: str, text: str, kind: str = "plain") -> QueuedReply:
        return QueuedReply(local_id, "c1", text, text, kind, -SKEW_S)

    def row(local_id: str, state: SendState, error: str | None = "Not sent.") -> OutboxEntry:
        return OutboxEntry(local_id, "conv", "c1", "?", state, datetime.now(timezone.utc), error=error)

    replies = [
        reply("a", "twice"),
        reply("b", "lost"),
        reply("c", "failed but there"),
        reply("d", "failed"),
        reply("e", "OK", "identical"),
        reply("f", "OK", "identical"),
        reply("g", "stuck"),
        reply("h", "unknown, silent"),
    ]
    rows = [
        row("c", SendState.FAILED),
        row("d", SendState.FAILED),
        row("g", SendState.QUEUED),
        row("h", SendState.UNKNOWN, error=""),
    ]
    server = [
        ("c1", "twice"),
        ("c1", "twice"),
        ("c1", "failed but there"),
        ("c1", "OK"),
        ("c1", "OK"),
        ("c1", "OK"),
        ("c1", "never queued"),
    ]
    verdict = judge(replies, rows, server)
    assert (
        verdict.duplicates,
        verdict.silent_losses,
        verdict.state_mismatches,
        verdict.unsettled,
        verdict.rows_without_reason,
        verdict.stray_messages,
    ) == (2, 1, 1, 1, 1, 1)
    assert verdict.copies_per_send == {"0": 4, "1": 2, "2+": 2}
    assert verdict.duplicates_by_kind == {"plain": 1, "identical": 1}
    assert verdict.final_states == {"sent": 4, "failed": 2, "queued": 1, "unknown": 1}
