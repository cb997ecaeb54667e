"""Settings of one simulator instance. Defaults are the demo account; tests override fields."""

from __future__ import annotations

from dataclasses import dataclass, field

from .bulk_data import BulkData
from .clock import Clock, SystemClock
from .faults import FaultSettings
from .ratelimit import RateLimitSettings

#: Demo credentials: fixed and obviously fake, printed by `sakari-tui simulator`.
DEMO_ACCOUNT_ID = "demo-account"
DEMO_CLIENT_ID = "demo-client-id"
DEMO_CLIENT_SECRET = "demo-client-secret-not-a-real-secret"


@dataclass(frozen=True)
class SenderNumber:
    """A Sakari phone number the account sends from, in a sender group (a Group in the Hub, with its own inbox)."""

    id: str
    number: str
    country: str
    group_id: str
    group_name: str


DEFAULT_SENDERS: tuple[SenderNumber, ...] = (
    # One number per Group, in two countries; both in ranges reserved for fiction (NANP 555-01xx,
    # Ofcom 07700 900xxx). The ids are older than the Groups' names: kept so demo ids stay stable.
    SenderNumber("pn-us-support", "+14155550100", "US", "grp-support", "Support"),
    SenderNumber("pn-uk-support", "+447700900100", "GB", "grp-sales", "Sales"),
)

DEFAULT_AUTO_REPLY = "Thanks for texting Northwind Sales! A member of our team will reply shortly."

# Per-segment SMS prices in USD by destination country; anything else uses the default.
DEFAULT_PRICES: dict[str, float] = {
    "US": 0.0079,
    "CA": 0.0079,
    "GB": 0.0400,
    "DE": 0.0900,
    "FR": 0.0800,
    "BR": 0.0350,
    "JP": 0.0750,
    "IN": 0.0050,
    "AU": 0.0450,
    "MX": 0.0300,
    "ES": 0.0700,
}


@dataclass
class SimulatorConfig:
    """Everything that shapes one simulator: credentials, data, timing, faults, limits."""

    account_id: str = DEMO_ACCOUNT_ID
    """The only account id the API accepts in paths (others get ACCT-008)."""
    client_id: str = DEMO_CLIENT_ID
    """Client id accepted at /oauth2/token."""
    client_secret: str = DEMO_CLIENT_SECRET
    """Client secret accepted at /oauth2/token."""
    seed: int = 1
    """Seed of every random choice: demo data, ids, delivery outcomes, customers, faults."""
    demo_data: bool = True
    """Load the deterministic demo data set at start (False = an empty account)."""
    bulk: BulkData | None = None
    """Instead of the demo data, a generated account of this shape (load tests, benchmarks)."""
    customers: bool = False
    """Simulated customers reply to delivered texts and start new conversations; with them, the rest of
    the team (`colleagues`, `auto_responder`) comes to life."""
    clock: Clock = field(default_factory=SystemClock)
    """Time source; a ManualClock makes status progression and replies deterministic."""
    token_ttl: float = 3600.0
    """Lifetime of issued access tokens, in seconds."""
    closed_as_timestamp: bool = False
    """Emit Conversation.closed as a date-time or null (the docs' drift) instead of a bool (the spec)."""
    rate_limit: RateLimitSettings = field(default_factory=RateLimitSettings)
    """Token bucket limits for API requests (off by default)."""
    faults: FaultSettings = field(default_factory=FaultSettings)
    """Initial fault injection settings (none by default)."""
    senders: tuple[SenderNumber, ...] = DEFAULT_SENDERS
    """The account's Sakari numbers; the first is the fallback sender."""
    default_country: str = "US"
    """Country assumed for national-format numbers sent without a country hint."""
    prices: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PRICES))
    """SMS price per segment by destination country."""
    default_price: float = 0.0500
    """SMS price per segment for countries missing from `prices`."""
    mms_price: float = 0.0200
    """Flat price of one MMS."""
    sent_after: float = 1.0
    """Seconds from queued to sent (or to error)."""
    delivered_after: float = 3.0
    """Seconds from queued to delivered (or undelivered)."""
    failure_rate: float = 0.07
    """Fraction of outgoing texts that end undelivered or error."""
    reply_probability: float = 0.6
    """Chance a simulated customer answers a delivered text."""
    reply_delay: tuple[float, float] = (2.0, 8.0)
    """Range of seconds a simulated customer takes to answer."""
    new_conversation_every: tuple[float, float] = (20.0, 60.0)
    """Range of seconds between customers starting new conversations."""
    picture_probability: float = 0.15
    """Chance a customer's new conversation opens with a picture (the first one always does; 0 = never)."""
    colleagues: bool = True
    """While simulated customers are on, colleagues (Alex, Jordan) answer waiting texts from the Hub."""
    colleague_delay: tuple[float, float] = (12.0, 30.0)
    """Range of seconds a customer's text waits unanswered before a colleague may answer it."""
    colleague_probability: float = 0.5
    """Chance a colleague answers a text that waited `colleague_delay` unanswered."""
    auto_responder: bool = True
    """While simulated customers are on, the `auto_responder_group` answers each new conversation once."""
    auto_responder_group: str = "grp-sales"
    """The Group whose auto-responder is on (a group id of `senders`; another id = none)."""
    auto_reply_text: str = DEFAULT_AUTO_REPLY
    """What the auto-responder says."""
    auto_reply_delay: float = 1.0
    """Seconds from the customer's text to the auto-reply."""
    tick_interval: float = 0.25
    """Seconds between background advances when served (statuses, replies, webhooks)."""
    max_upload_bytes: int = 5 * 1024 * 1024
    """Largest file accepted by /v1/tools/sharefile."""
    share_link_ttl: float = 7 * 24 * 3600.0
    """Seconds a shared file link stays valid."""
    webhook_timeout: float = 2.0
    """Seconds to wait for a webhook receiver."""
