"""The simulated account: every record, the lock that guards them, and lazy time advance.

One `SimulatorState` per app (no module-level state). The ASGI handlers and other threads (tests,
the `--demo` UI) all go through `lock`; the public methods here take it themselves, so a test
thread can inject an inbound text or change faults while the server runs.
"""

from __future__ import annotations

import random
import threading
from collections import deque

from .autoresponder import AutoResponder
from .bulk_data import load_bulk_data
from .colleagues import SimulatedColleagues
from .config import SenderNumber, SimulatorConfig
from .customers import SimulatedCustomers
from .demo_cast import AGENT, COLLEAGUES
from .demo_data import load_demo_data
from .errors import ApiError
from .faults import FaultInjector, FaultSettings, RequestCounter
from .ids import IdFactory
from .messaging import receive_inbound
from .pictures import PICTURES, share_picture
from .ratelimit import RateLimitSettings, TokenBucket
from .records import (
    Actor,
    CampaignRecord,
    ContactRecord,
    ConversationRecord,
    MessageRecord,
    SharedFile,
    TemplateRecord,
    WebhookRecord,
)
from .scheduler import Scheduler
from .tokens import TokenIssuer


class SimulatorState:
    """All mutable state of one simulator instance."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.clock = self.config.clock
        self.lock = threading.RLock()
        self.ids = IdFactory(self.config.seed)
        self.delivery_rng = random.Random(f"delivery-{self.config.seed}")
        self.scheduler = Scheduler()
        self.tokens = TokenIssuer(self.clock, self.config.account_id, self.config.token_ttl)
        self.rate_limiter = TokenBucket(self.clock, self.config.rate_limit)
        self.faults = FaultInjector(self.config.faults, seed=self.config.seed)
        self.requests = RequestCounter()
        self.senders: tuple[SenderNumber, ...] = tuple(self.config.senders)
        self.contacts: dict[str, ContactRecord] = {}
        self.contact_ids_by_mobile: dict[str, str] = {}
        self.conversations: dict[str, ConversationRecord] = {}
        # (contact id, sender id) -> the one open conversation between them (Sakari's rule).
        self.open_conversation_ids: dict[tuple[str, str], str] = {}
        self.messages: dict[str, MessageRecord] = {}
        self.templates: dict[str, TemplateRecord] = {}
        self.campaigns: dict[str, CampaignRecord] = {}
        self.webhooks: dict[str, WebhookRecord] = {}
        self.files: dict[str, SharedFile] = {}
        self.pending_events: list[dict] = []
        self.webhook_log: deque[dict] = deque(maxlen=200)
        # Absolute base for links in webhook payloads; the server sets it once it has a port.
        self.public_base_url = ""
        self._message_seq = 0

        self.customers = SimulatedCustomers(self)
        self.colleagues = SimulatedColleagues(self)
        self.auto_responder = AutoResponder(self)
        if self.config.bulk is not None:
            load_bulk_data(self, self.config.bulk)
        elif self.config.demo_data:
            load_demo_data(self)
        self.customers.set_enabled(self.config.customers)

    # -- time ---------------------------------------------------------------------------------

    def now(self) -> float:
        """The account's current time: the simulator clock plus the `clock_offset` fault (server skew)."""
        return self.clock.now() + self.faults.settings.clock_offset

    def advance(self) -> int:
        """Apply everything due by now (status changes, customer texts); return how many ran."""
        with self.lock:
            return self.scheduler.run_due(self.now())

    def next_message_seq(self) -> int:
        """Monotonic sequence that orders messages created at the same instant."""
        self._message_seq += 1
        return self._message_seq

    # -- lookups (call under the lock) ----------------------------------------------------------

    def sender(self, sender_id: str) -> SenderNumber:
        """The Sakari number with this id."""
        return next(sender for sender in self.senders if sender.id == sender_id)

    def sender_by_number(self, number: str) -> SenderNumber | None:
        """The Sakari number with this E.164 number, if the account has it."""
        return next((sender for sender in self.senders if sender.number == number), None)

    def contact_by_mobile(self, e164: str) -> ContactRecord | None:
        """The live (not removed) contact with this mobile number."""
        contact_id = self.contact_ids_by_mobile.get(e164)
        return self.contacts.get(contact_id) if contact_id else None

    def live_contact(self, contact_id: str) -> ContactRecord | None:
        """The contact with this id unless it was removed."""
        contact = self.contacts.get(contact_id)
        return contact if contact and not contact.removed else None

    def open_conversation(self, contact_id: str, sender_id: str) -> ConversationRecord | None:
        """The one open conversation between this contact and this Sakari number, if any."""
        conversation_id = self.open_conversation_ids.get((contact_id, sender_id))
        return self.conversations[conversation_id] if conversation_id else None

    def wants_event(self, event_type: str) -> bool:
        """True when some webhook subscribes to `event_type`."""
        return any(event_type in hook.event_types for hook in self.webhooks.values())

    # -- thread-safe helpers for tests, admin endpoints and the demo ---------------------------

    def inject_inbound(
        self,
        from_number: str,
        text: str,
        to: str | None = None,
        media: list[dict] | None = None,
        picture: str | None = None,
    ) -> str:
        """Simulate a customer texting the account; returns the new message's id.

        `picture` ("parcel", "receipt" or "error", see `pictures.PICTURES`) adds one of the generated
        pictures, hosted on a shared-file link, after `media`."""
        if picture is not None and picture not in PICTURES:
            raise ApiError(400, "REQ-001", f"'picture' must be one of {', '.join(PICTURES)}")
        with self.lock:
            self.scheduler.run_due(self.now())
            if picture is not None:
                media = [*(media or []), share_picture(self, picture, self.now())]
            return receive_inbound(self, from_number, text, to=to, media=media, at=self.now()).id

    def colleague_reply(
        self, conversation_id: str, text: str | None = None, by: str | Actor | None = None
    ) -> MessageRecord:
        """A colleague answers from the Hub now, through the outgoing path of API sends.

        `by` is "alex" (the default) or "jordan", or any `created.by` dict; without `text` they say a
        line of the demo's in the contact's language. Refused like a send: CONV-001 for an unknown
        conversation, CONT-010 for an opted-out contact; a closed conversation gets a new one.
        """
        if isinstance(by, str):
            if by.casefold() not in COLLEAGUES:
                raise ApiError(400, "REQ-001", f"colleague must be one of {', '.join(COLLEAGUES)}")
            by = COLLEAGUES[by.casefold()]
        if text is not None and not text.strip():
            raise ApiError(400, "MSG-002", "Message text is empty")
        with self.lock:
            self.scheduler.run_due(self.now())
            conversation = self.conversations.get(conversation_id)
            if conversation is None:
                raise ApiError(404, "CONV-001", "Invalid conversation id")
            contact = self.live_contact(conversation.contact_id)
            if contact is None:
                raise ApiError(404, "CONT-002", "Unknown contact id")
            if contact.blocked_at is not None:
                raise ApiError(400, "CONT-010", "Contact has requested no further communication")
            return self.colleagues.reply(conversation, by or AGENT, self.now(), text)

    def set_faults(self, **changes: object) -> FaultSettings:
        """Change fault settings at runtime (see FaultSettings for the fields)."""
        return self.faults.update(**changes)

    def set_rate_limit(self, rate: float | None, burst: int | None = None) -> RateLimitSettings:
        """Change the rate limit at runtime (rate None = off)."""
        settings = RateLimitSettings(rate=rate, burst=burst if burst is not None else self.rate_limiter.settings.burst)
        self.rate_limiter.configure(settings)
        return settings

    def set_customers(self, enabled: bool) -> None:
        """Turn simulated customers on or off at runtime."""
        with self.lock:
            self.customers.set_enabled(enabled)

    def fault_counts(self) -> dict[str, dict[str, int]]:
        """Faults that really fired so far: {kind: {"METHOD /path/template": count}}."""
        return self.faults.fired_counts()

    def request_counts(self) -> dict[str, int]:
        """API requests so far by "METHOD /path/template"."""
        return self.requests.snapshot()

    def reset_request_counts(self) -> None:
        """Start counting requests (and fired faults) from zero."""
        self.requests.reset()
        self.faults.reset_fired_counts()
