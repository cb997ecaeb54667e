"""Settings: defaults, then the TOML file, then environment variables (each beats the one before).

Every problem becomes a `ConfigError` whose message names the file and the key, in one sentence
(config_checks.py, with the URL checks); the file's permissions are checked in config_permissions.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .api.urls import DEFAULT_API_URL, DEFAULT_TOKEN_URL
from .config_attachments import AttachmentsSection  # noqa: F401  (part of the settings' public names)
from .config_checks import (
    SETTINGS_FILE_PROBLEM,
    ConfigError,
    cleartext_problem,
    file_error,
    is_loopback_host,
    url_problem,
)
from .config_docs import attribute_docs
from .config_file import not_a_table, read_toml, update_config_file, write_config_file
from .config_permissions import permission_problem
from .config_polling import DEFAULT_REQUEST_BUDGET, SyncSection, shared_budget
from .config_secret import secret_from_command
from .config_tables import InvalidSetting, Table, default_of, is_required, setting
from .config_triage import (  # noqa: F401  (part of the settings' public names)
    SENDER_LABEL_MAX,
    VIEW_NAMES,
    SenderSetting,
    TriageSection,
    e164_setting,
    parse_duration,
)
from .logs import register_secret
from .paths import config_path

if TYPE_CHECKING:
    from .api.client import SakariClient


def _http_url(value: str) -> str:
    problem = url_problem(value)
    if problem:
        raise ValueError(problem)
    return value


@dataclasses.dataclass
class SakariSection(Table):
    """[sakari]: which account to use and how to reach the API."""

    account_id: str | None = None
    """Your Sakari account id (Hub › Settings › API). Env: SAKARI_ACCOUNT_ID."""
    client_id: str | None = None
    """API client id. Env: SAKARI_CLIENT_ID."""
    client_secret: str | None = setting(None, secret=True)
    """API client secret; keep the file private (mode 0600), or use client_secret_command. Env: SAKARI_CLIENT_SECRET."""
    client_secret_command: str | None = setting(None, secret=True)
    """Command printing the secret when none is set, e.g. `pass show sakari` (no shell, 10 s limit, first line)."""
    api_url: str = setting(DEFAULT_API_URL, after=_http_url)
    """Base URL of the API, without /v1. Env: SAKARI_API_URL."""
    token_url: str = setting(DEFAULT_TOKEN_URL, after=_http_url)
    """OAuth2 token endpoint (note: no /v1). Env: SAKARI_TOKEN_URL."""
    request_budget: int = setting(DEFAULT_REQUEST_BUDGET, ge=0, le=100000)
    """Most requests a minute to the Sakari API for this account from every sakari-tui on this machine together, in bursts of up to two minutes' worth (0 to 100000; 0: no cap); a 429 seen by one makes all of them wait."""

    def make_client(self, **options: Any) -> SakariClient:
        """The API client these settings describe (options go to `SakariClient`)."""
        from .api.client import SakariClient  # httpx and the API's models: not before the first frame

        register_secret(self.client_secret)  # however the secret arrived (demo, config init), mask it in logs
        if "budget" not in options:  # every process of the account draws from one budget (config_polling.py)
            options["budget"] = shared_budget(self.account_id or "", self.request_budget)
        return SakariClient(
            account_id=self.account_id or "",
            client_id=self.client_id or "",
            client_secret=self.client_secret or "",
            api_url=self.api_url,
            token_url=self.token_url,
            **options,
        )

    def client_on_first_use(self) -> SakariClient:
        """`make_client()`, deferred until the client is first used (api/deferred.py): what the inbox
        builds before its first frame, which must not wait for httpx and pydantic to load."""
        from .api.deferred import DeferredClient

        register_secret(self.client_secret)  # masked in the logs from now, not from the first request
        budget = shared_budget(self.account_id or "", self.request_budget)
        return DeferredClient(lambda: self.make_client(budget=budget), budget)  # type: ignore[return-value]

    @property
    def missing_credentials(self) -> list[str]:
        return [name for name in ("account_id", "client_id", "client_secret") if not getattr(self, name)]


def _known_region(value: str) -> str:
    from .sms.phones import country_code_problem

    value = value.strip().upper()
    problem = country_code_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _sender_number(value: str) -> str:
    return e164_setting(value) if value.strip() else ""


@dataclasses.dataclass
class UiSection(Table):
    """[ui]: how the inbox looks and behaves."""

    theme: str = "textual-dark"
    """Textual theme name (change it in the app with Ctrl+P › theme; saved here)."""
    show_closed: bool = False
    """List closed conversations too (`h` toggles it for the session; the palette's "Save the list view as default" saves it here)."""
    unread_first: bool = True
    """Put unread conversations at the top of the list (`o` toggles it for the session; saved here from the palette)."""
    default_country: str = setting("US", after=_known_region)
    """Country (ISO code) for phone numbers typed without +country code."""
    close_undo_seconds: float = setting(4.0, ge=0.0, le=30.0)
    """Seconds during which a close can be undone before it is sent (0 closes at once)."""
    sender_filter: str = setting("", after=_sender_number)
    """The sender number the list is narrowed to (`s` cycles All → each number, and saves it here at once); empty lists every sender."""


def _time_of_day(value: str) -> str:
    from .sms.quiet_hours import parse_clock

    return parse_clock(value).strftime("%H:%M")


def _prices(value: dict[str, float]) -> dict[str, float]:
    prices: dict[str, float] = {}
    for country, price in value.items():
        code = country.strip() if country.strip() == "default" else country.strip().upper()
        if code != "default" and code not in _supported_regions():
            raise ValueError(f"{country!r} is not a two-letter country code (or 'default')")
        if price < 0:
            raise ValueError(f"the price for {country!r} is negative")
        prices[code] = price
    return prices


def _supported_regions() -> set[str]:
    import phonenumbers  # only for a price by country: the default has none

    return phonenumbers.SUPPORTED_REGIONS


def _default_prices() -> dict[str, float]:
    return {"default": 0.0079}


@dataclasses.dataclass
class ComposeSection(Table):
    """[compose]: the guards on what a reply costs, and when it reaches the customer."""

    confirm_over_segments: int = setting(3, ge=0, le=10)
    """Ask before sending a reply longer than this many SMS segments (0 never asks)."""
    currency: str = "USD"
    """Currency the segment prices are in (shown next to the cost estimate)."""
    segment_prices: dict[str, float] = setting(factory=_default_prices, after=_prices)
    """Price of one SMS segment by recipient country (ISO code), and `default` for the rest."""
    quiet_hours: bool = True
    """Warn before texting someone outside send_window_start to send_window_end in their time zone."""
    send_window_start: str = setting("08:00", after=_time_of_day)
    """Start of the recipient's local hours when texting is fine."""
    send_window_end: str = setting("21:00", after=_time_of_day)
    """End of the recipient's local hours when texting is fine."""
    editor: str = ""
    """Command for the external editor (Ctrl+O); empty uses $VISUAL, then $EDITOR, then vi."""
    collision_guard: bool = True
    """Read the thread again on send and hold a reply if anyone else wrote since you started it."""
    keep_scheduled_on_reply: bool = False
    """Send a scheduled reply even if the customer writes before its time (by default it goes back to the draft)."""
    mms_price: float = setting(0.02, ge=0.0)
    """Price of one MMS (a reply with a picture or file), in `currency`: MMS is priced per message, not per segment."""
    mms_warn_kb: int = setting(500, ge=0)
    """Warn when an attached file is larger than this many KB (carriers may refuse or shrink it; 0 never warns)."""


@dataclasses.dataclass
class NotificationsSection(Table):
    """[notifications]: how a new customer text gets your attention."""

    bell: bool = True
    """Ring the terminal bell when a new inbound text arrives."""
    desktop: bool = False
    """Show a desktop notification (notify-send on Linux, osascript on macOS) for a new text."""
    terminal: Literal["off", "osc9", "osc777"] = "off"
    """Ask the terminal itself for a notification: `osc9` (iTerm2, WezTerm, kitty…) or `osc777` (foot, rxvt, VTE)."""
    on_message: str = ""
    """Command run for each new inbound text, without a shell; it gets SAKARI_CONTACT_NAME, SAKARI_CONTACT_NUMBER, SAKARI_CONVERSATION_ID and SAKARI_MESSAGE_TEXT."""
    on_message_timeout: float = setting(10.0, gt=0.0, le=300.0)
    """Seconds the on_message (or on_overdue) command may run before it is stopped."""
    on_overdue: str = ""
    """Command run once when a customer has waited past triage.waiting_alert, without a shell; it gets SAKARI_CONTACT_NAME, SAKARI_CONTACT_NUMBER, SAKARI_CONVERSATION_ID and SAKARI_WAITING (e.g. 47m)."""
    hook_text: Literal["scrubbed", "raw"] = "scrubbed"
    """How on_message gets the customer's text and name: `scrubbed` (control and escape characters removed) or `raw` (exactly as received: bytes from customers reach your script)."""
    show_text: bool = True
    """Put the message text in desktop and terminal notifications (off: only who wrote)."""


def _each_number_once(value: list[SenderSetting]) -> list[SenderSetting]:
    seen: set[str] = set()
    for sender in value:
        if sender.number in seen:
            raise ValueError(f"the number {sender.number} is in two [[senders]] entries; keep one")
        seen.add(sender.number)
    return value


@dataclasses.dataclass
class Settings(Table):
    """Everything configurable, one section per table of config.toml."""

    sakari: SakariSection = setting(factory=SakariSection)
    """Account and API."""
    sync: SyncSection = setting(factory=SyncSection)
    """Polling."""
    ui: UiSection = setting(factory=UiSection)
    """Look and behaviour."""
    compose: ComposeSection = setting(factory=ComposeSection)
    """Cost and quiet-hours guards."""
    notifications: NotificationsSection = setting(factory=NotificationsSection)
    """Attention."""
    triage: TriageSection = setting(factory=TriageSection)
    """Views and waiting times."""
    attachments: AttachmentsSection = setting(factory=AttachmentsSection)
    """Pictures and files."""
    keys: dict[str, str] = setting(factory=dict)
    """Key overrides by binding id, e.g. `"app.refresh" = "f5"` (ids in the README); an unknown id, a name that is no key or a key taken in the same place is refused with a warning."""
    senders: list[SenderSetting] = setting(factory=list, after=_each_number_once)
    """The account's sender numbers, each a [[senders]] table; numbers not listed are learned from the conversations."""


ENV_KEYS = {
    "SAKARI_ACCOUNT_ID": ("sakari", "account_id"),
    "SAKARI_CLIENT_ID": ("sakari", "client_id"),
    "SAKARI_CLIENT_SECRET": ("sakari", "client_secret"),
    "SAKARI_API_URL": ("sakari", "api_url"),
    "SAKARI_TOKEN_URL": ("sakari", "token_url"),
}


def config_reference() -> str:
    """The README's settings reference, generated from the field docstrings (a test keeps them equal)."""
    lines = ["| key | default | meaning |", "| --- | --- | --- |"]
    tables = attribute_docs(Settings)
    for field in dataclasses.fields(Settings):
        table, model = field.name, type(default_of(field))
        if table == "senders":  # an array of tables: each key once, for every [[senders]] entry
            for sub in dataclasses.fields(SenderSetting):
                shown = "(required)" if is_required(sub) else "(unset)"
                lines.append(
                    f"| `[[senders]].{sub.name}` | {shown} | {attribute_docs(SenderSetting).get(sub.name, '')} |"
                )
        elif issubclass(model, Table):
            for sub in dataclasses.fields(model):
                default = default_of(sub)
                shown = "(unset)" if default is None else f"`{json.dumps(default)}`"
                lines.append(f"| `{table}.{sub.name}` | {shown} | {attribute_docs(model).get(sub.name, '')} |")
        else:
            lines.append(f"| `[{table}]` | (empty) | {tables.get(table, '')} |")
    return "\n".join(lines)


def _describe(error: InvalidSetting, path: Path, from_env: dict[tuple[str, ...], str]) -> ConfigError:
    location = tuple(str(part) for part in error.location)
    entry = ""
    if len(location) > 1 and location[0] == "senders" and location[1].isdigit():
        # An array of tables: name the key as written in each entry, and which entry (counted from 1).
        entry = f"in [[senders]] entry {int(location[1]) + 1}, "
        location = (location[0], *location[2:])
    key = ".".join(location)
    if error.kind == "extra_forbidden":
        return file_error(
            path,
            key,
            f"{entry}this key is unknown; check its spelling",
            f"{path}: unknown key {key!r}; {entry}check its spelling.",
        )
    problem = error.message
    if error.kind == "missing":  # only [[senders]] has a required key
        problem = "it is missing; every entry needs one"
    if entry:
        problem = entry + (problem[:1].lower() + problem[1:] if problem[1:2].islower() else problem)
    if location in from_env:
        variable = from_env[location]
        return ConfigError(f"Environment variable {variable} (setting {key}): {problem}.", variable=variable)
    # Pydantic's messages start with a capital ("Input should be…"): the headline quotes them mid-sentence.
    detail = problem[:1].lower() + problem[1:] if problem[1:2].islower() else problem
    return file_error(path, key, detail, f"{path}: key {key!r}: {problem}.")


def load_settings(
    path: Path | None = None, env: Mapping[str, str] | None = None, *, run_secret_command: bool = True
) -> Settings:
    """Settings from the file at `path` (default: `config_path()`) overlaid with the environment.

    When no client secret is set but `client_secret_command` is, the command supplies it (unless
    `run_secret_command` is False, for callers that do not need the secret).
    """
    env = os.environ if env is None else env
    path = path or config_path(env)
    data = read_toml(path)
    from_env: dict[tuple[str, ...], str] = {}
    for variable, location in ENV_KEYS.items():
        value = env.get(variable)
        if value:
            section = data.setdefault(location[0], {})
            if not isinstance(section, dict):
                raise not_a_table(path, location[0])
            section[location[1]] = value
            from_env[location] = variable
    try:
        settings = Settings.from_table(data)
    except InvalidSetting as problem:
        raise _describe(problem, path, from_env) from None
    sakari = settings.sakari
    if run_secret_command and not sakari.client_secret and sakari.client_secret_command:
        secret = secret_from_command(sakari.client_secret_command, path, env)
        settings = dataclasses.replace(settings, sakari=dataclasses.replace(sakari, client_secret=secret))
    register_secret(settings.sakari.client_secret)
    return settings


__all__ = [
    "SETTINGS_FILE_PROBLEM",
    "ConfigError",
    "cleartext_problem",
    "is_loopback_host",
    "permission_problem",
    "update_config_file",
    "url_problem",
    "write_config_file",
]
