"""What the exactly-once soak needs besides the engine: a shared clock, a flaky network, the
ledger of queued replies, and the verdict that compares the ledger with the server.

The verdict is kept apart from the run so it can be checked on its own (see the soak's tests):
a harness that cannot see a duplicate would prove nothing.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import random
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from sakari_tui.store import OutboxEntry, SendState, Store

try:  # the single-instance lock is being added to the store alongside this soak
    from sakari_tui.store import StoreLocked
except ImportError:
    StoreLocked = None  # type: ignore[assignment,misc]

SEND_OPERATION = "POST /v1/accounts/{accountId}/messages"
REPORT_ENV = "SAKARI_SOAK_REPORT"


class SoakClock:
    """The engine's and the simulator's clock: real time plus a shift the soak moves forward.

    Both sides read the same clock, so the only skew between them is the simulator's
    `clock_offset` fault. It follows the wall clock too, because the outbox stamps rows with it.
    """

    def __init__(self) -> None:
        self.shift = 0.0

    def now(self) -> float:
        return time.time() + self.shift

    def advance(self, seconds: float) -> None:
        self.shift += seconds


@dataclass
class NetworkStats:
    """What the flaky network did, summed over every client of the run (restarts included)."""

    refused: int = 0
    timeouts: int = 0


class FlakyTransport(httpx.AsyncBaseTransport):
    """Refuses a share of connections before anything is sent, and can hold the next send.

    `hold_next_send()` parks the next POST of a message before it leaves, until `release()`:
    a send in flight for as long as the soak needs, without sleeping.
    """

    def __init__(self, rate: float, rng: random.Random, stats: NetworkStats) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.rate = rate
        self.rng = rng
        self.stats = stats
        self._gate: asyncio.Event | None = None
        self.held = asyncio.Event()

    def hold_next_send(self) -> None:
        self._gate = asyncio.Event()
        self.held.clear()

    def release(self) -> None:
        if self._gate is not None:
            self._gate.set()
            self._gate = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.rng.random() < self.rate:
            self.stats.refused += 1
            raise httpx.ConnectError("simulated connection refused")
        if self._gate is not None and request.method == "POST" and request.url.path.endswith("/messages"):
            gate = self._gate
            self.held.set()
            await gate.wait()
        try:
            return await self.inner.handle_async_request(request)
        except httpx.TimeoutException:
            self.stats.timeouts += 1
            raise

    async def aclose(self) -> None:
        await self.inner.aclose()


def store_lock_supported() -> bool:
    """The store has `Store(path, exclusive=True)` and `StoreLocked`."""
    return StoreLocked is not None and "exclusive" in inspect.signature(Store).parameters


def open_store(path: Path) -> Store:
    """The store as the app opens it: exclusively, when the store can."""
    return Store(path, exclusive=True) if store_lock_supported() else Store(path)  # type: ignore[call-arg]


async def random_await_point(rng: random.Random) -> None:
    """Let a task run to some await point: a few turns of the loop, or a few milliseconds of I/O."""
    if rng.random() < 0.5:
        for _ in range(rng.randint(0, 8)):
            await asyncio.sleep(0)
    else:
        await asyncio.sleep(rng.uniform(0.001, 0.03))


@dataclass(frozen=True)
class QueuedReply:
    """One reply the soak queued, and the text Sakari stores for it (placeholders rendered)."""

    local_id: str
    contact_id: str
    template: str
    rendered: str
    kind: str  # "plain", "placeholder" or "identical"
    skew: float  # the server's clock offset when it was queued


@dataclass
class Verdict:
    """The run's outcome, per reply and in total."""

    sends: int = 0
    copies_per_send: Counter[str] = field(default_factory=Counter)
    final_states: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    silent_losses: int = 0
    state_mismatches: int = 0
    unsettled: int = 0
    rows_without_reason: int = 0
    stray_messages: int = 0
    duplicates_by_kind: Counter[str] = field(default_factory=Counter)
    duplicates_by_skew: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "sends": self.sends,
            "copies_per_send": {key: self.copies_per_send.get(key, 0) for key in ("0", "1", "2+")},
            "final_states": dict(sorted(self.final_states.items())),
            "duplicates": self.duplicates,
            "silent_losses": self.silent_losses,
            "state_mismatches": self.state_mismatches,
            "unsettled": self.unsettled,
            "rows_without_reason": self.rows_without_reason,
            "stray_messages": self.stray_messages,
            "duplicates_by_kind": dict(sorted(self.duplicates_by_kind.items())),
            "duplicates_by_skew": dict(sorted(self.duplicates_by_skew.items())),
            "problems": self.problems[:20],
        }


def _bucket(copies: int) -> str:
    return "2+" if copies >= 2 else str(copies)


def judge(
    replies: Iterable[QueuedReply], rows: Iterable[OutboxEntry], server_texts: Iterable[tuple[str, str]]
) -> Verdict:
    """Compare what was queued and what the outbox still holds with what the server has.

    `server_texts` are (contact id, text) of the outgoing messages created during the run.
    Replies are grouped by contact and rendered text; identical texts ("OK") to one contact
    cannot be told apart from outside, so their copies are shared out one per send and any
    surplus goes to one of them (the duplicate count is exact either way).
    Every reply must be on the server once with no outbox row, or absent with a row that is
    failed or unknown and says why.
    """
    verdict = Verdict()
    left = {row.local_id: row for row in rows}
    on_server = Counter(server_texts)
    groups: dict[tuple[str, str], list[QueuedReply]] = {}
    for reply in replies:
        groups.setdefault((reply.contact_id, reply.rendered), []).append(reply)
        verdict.sends += 1
    for key, members in groups.items():
        copies = on_server.pop(key, 0)
        states = [left[m.local_id].state if m.local_id in left else SendState.SENT for m in members]
        for member, state in zip(members, states):
            verdict.final_states[state.value] += 1
            row = left.get(member.local_id)
            if row is not None and not (row.error or "").strip():
                verdict.rows_without_reason += 1
        sent = states.count(SendState.SENT)
        verdict.unsettled += sum(state in (SendState.QUEUED, SendState.SENDING) for state in states)
        surplus = max(0, copies - len(members))
        share = [1 if index < copies else 0 for index in range(len(members))]
        share[-1] += surplus
        verdict.copies_per_send.update(_bucket(n) for n in share)
        if surplus:
            verdict.duplicates += surplus
            verdict.duplicates_by_kind[members[0].kind] += surplus
            skews = {m.skew for m in members}
            verdict.duplicates_by_skew[f"{skews.pop():+.0f}s" if len(skews) == 1 else "mixed"] += surplus
            verdict.problems.append(f"{members[0].kind} reply {key[1]!r}: {copies} copies for {len(members)} send(s)")
        if copies < sent:
            verdict.silent_losses += sent - copies
            verdict.problems.append(
                f"{members[0].kind} reply {key[1]!r}: marked sent but {copies} of {sent} on the server"
            )
        elif min(copies, len(members)) > sent:
            # On the server, yet its row says failed or unknown: the user is invited to send it again.
            verdict.state_mismatches += min(copies, len(members)) - sent
            verdict.problems.append(
                f"{members[0].kind} reply {key[1]!r}: on the server but left as "
                f"{', '.join(s.value for s in states if s is not SendState.SENT)}"
            )
    verdict.stray_messages = sum(on_server.values())
    for (_, text), count in on_server.items():
        verdict.problems.append(f"{count} message(s) on the server that no reply queued: {text!r}")
    return verdict


def table(report: dict) -> str:
    """The soak's report as a plain-text table."""
    verdict = report["verdict"]
    lines = [
        f"exactly-once soak: {verdict['sends']} replies, {report['send_requests']} send requests, "
        f"{report['seconds']:.1f} s"
    ]

    def section(title: str, rows: dict) -> None:
        lines.append(f"  {title}")
        lines.extend(f"    {name:<50} {value:>6}" for name, value in rows.items())

    section("copies on the server per send", verdict["copies_per_send"])
    section("final states", verdict["final_states"])
    section("faults that fired", report["faults"])
    section(
        "verdict",
        {
            key: verdict[key]
            for key in (
                "duplicates",
                "silent_losses",
                "state_mismatches",
                "unsettled",
                "rows_without_reason",
                "stray_messages",
            )
        },
    )
    if verdict["duplicates_by_kind"]:
        section("duplicates by reply kind", verdict["duplicates_by_kind"])
    if verdict["duplicates_by_skew"]:
        section("duplicates by server clock offset", verdict["duplicates_by_skew"])
    lines.extend(f"  ! {problem}" for problem in verdict["problems"][:10])
    return "\n".join(lines)


def write_report(report: dict) -> None:
    """Also write the report as JSON where $SAKARI_SOAK_REPORT says, if it says."""
    target = os.environ.get(REPORT_ENV)
    if target:
        Path(target).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
