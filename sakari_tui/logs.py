"""The log file: rotating, private, and scrubbed of secrets before anything reaches the disk.

`setup_logging()` attaches one handler to the root logger, so records from every logger (ours,
httpx, httpcore, asyncio, uvicorn) pass through the redacting filter. Known secrets are
registered with `register_secret()` (the client secret) and `register_token()` (access tokens);
anything shaped like a bearer token or a JWT is scrubbed even if nobody registered it.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
from collections import deque
from collections.abc import Mapping
from logging.handlers import RotatingFileHandler
from pathlib import Path

from .paths import log_file

MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
MASK = "***"
# Shorter values are not registered: masking every "abc" would garble the log and such a value
# protects nothing anyway.
MIN_SECRET_LENGTH = 6
# Tokens are renewed every few minutes all day; old ones expire, so only the recent ones matter.
MAX_TOKENS = 16
HANDLER_NAME = "sakari-tui"
# The loggers whose levels setup_logging() sets ("" is the root).
_LEVELLED = ("", "httpx", "httpcore")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Module-level on purpose: logging itself is process-wide, and a secret learnt anywhere (config,
# the API client) must be masked in records from every logger.
_secrets: set[str] = set()
_tokens: deque[str] = deque(maxlen=MAX_TOKENS)
# One alternation of every registered value, longest first (so a secret holding another is masked
# whole); rebuilt only when a value is registered, as redact() runs on every log line.
_known: re.Pattern[str] | None = None

# A quote as it appears in JSON, in JSON inside a JSON string, or URL-encoded.
_QUOTE = r"""(?:\\?["']|%2[27])"""
# What joins a name to its value: "name": "v", name=v, name%3Dv, \"name\":\"v\"
_ASSIGN = rf"{_QUOTE}?\s*(?:[:=]|%3[aAdD])\s*{_QUOTE}?"
# A value runs to a quote, a separator, a closing bracket or whitespace (URL-encoded quotes too).
_VALUE = r"""(?:(?!%2[27])[^\s"'&,;)\]}>\\])+"""
_BASE64URL = "[A-Za-z0-9_-]"


def _mask_if_jwt(match: re.Match[str]) -> str:
    """A JWT's first part is base64url JSON ('{...'); other dotted words (hosts, versions,
    module paths) are left alone."""
    header = match.group(1)
    try:
        decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
    except (binascii.Error, ValueError):
        return match.group(0)
    return MASK if decoded.lstrip().startswith(b"{") else match.group(0)


_PATTERNS = (
    # "Authorization: Bearer abc…", "bearer=abc…", "Bearer%20abc…"
    (re.compile(r"(?i)\b(bearer)(\s+|=|%20|\+)[A-Za-z0-9\-._~+/]+=*"), rf"\1\2{MASK}"),
    # JWTs: a base64url JSON header always starts with "eyJ" ('{"'); the signature may be empty.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), MASK),
    # Other JWT-looking strings: three long base64url parts whose first decodes to JSON.
    (
        re.compile(
            rf"(?<![A-Za-z0-9_.-])({_BASE64URL}{{8,}})\.{_BASE64URL}{{8,}}\.{_BASE64URL}{{8,}}(?![A-Za-z0-9_.-])"
        ),
        _mask_if_jwt,
    ),
    # "Authorization: Basic …" and other schemes, proxy-authorization too: keep the scheme word
    (re.compile(rf"(?i)\b(authorization{_ASSIGN}(?:[A-Za-z]+\s+)?){_VALUE}"), rf"\1{MASK}"),
    # client_secret=…, "clientSecret": "…", "access_token": "…" in query strings, JSON or reprs
    (
        re.compile(
            rf"(?i)\b(client[_-]?secret|access[_-]?token|refresh[_-]?token|password|api[_-]?key)({_ASSIGN}){_VALUE}"
        ),
        rf"\1\2{MASK}",
    ),
)


def _registered_changed() -> None:
    global _known
    values = sorted({*_secrets, *_tokens}, key=len, reverse=True)
    _known = re.compile("|".join(map(re.escape, values))) if values else None


def register_secret(value: str | None) -> None:
    """Mask `value` wherever it appears in the log from now on (kept for the whole process)."""
    if value and len(value) >= MIN_SECRET_LENGTH and value not in _secrets:
        _secrets.add(value)
        _registered_changed()


def register_token(value: str | None) -> None:
    """Mask an access token from now on; only the most recent few are kept."""
    if value and len(value) >= MIN_SECRET_LENGTH and value not in _tokens:
        _tokens.append(value)
        _registered_changed()


def forget_secrets() -> None:
    """Drop every registered secret and token (for tests)."""
    _secrets.clear()
    _tokens.clear()
    _registered_changed()


def redact(text: str) -> str:
    """`text` with registered secrets, bearer tokens, JWTs and secret-looking assignments masked.

    Used for the log and for every error text built from what a server said (see `api.errors`).
    """
    if _known is not None:
        text = _known.sub(MASK, text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message, traceback and stack with `redact()` before it is written.

    The record is changed in place (Python 3.11 filters cannot return a copy), which only ever
    makes other handlers safer too.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record, nor leak its arguments
            message = f"{record.msg!s} (unformattable arguments)"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Creates each log file readable only by the user: logs hold phone numbers and message text."""

    previous_levels: dict[str, int]  # logger levels before setup_logging(), restored by stop_logging()

    def _open(self):  # type: ignore[override]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def logging_to_file() -> bool:
    """Whether `setup_logging()` has attached the log file handler."""
    return any(isinstance(h, PrivateRotatingFileHandler) for h in logging.getLogger().handlers)


def setup_logging(*, debug: bool = False, env: Mapping[str, str] | None = None) -> Path:
    """Send all logging to the rotating log file (INFO, or DEBUG with `debug`); return its path.

    Replaces a handler set up by an earlier call. Raises OSError if the file cannot be opened.
    """
    path = log_file(env)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    handler.set_name(HANDLER_NAME)
    stop_logging()
    levels = {name: logging.getLogger(name or None).level for name in _LEVELLED}
    handler.previous_levels = levels
    logging.getLogger().setLevel(logging.DEBUG if debug else logging.INFO)
    # httpx logs every request at INFO; polling all day would rotate our own events away in hours.
    for name in _LEVELLED[1:]:
        logging.getLogger(name).setLevel(logging.NOTSET if debug else logging.WARNING)
    logging.getLogger().addHandler(handler)
    return path


def stop_logging() -> None:
    """Detach and close the handler set up by `setup_logging()` or `silence_logging()` (tests, embedding)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
        handler.close()
        for name, level in getattr(handler, "previous_levels", {}).items():
            logging.getLogger(name or None).setLevel(level)


def silence_logging() -> None:
    """Keep stray records off the terminal when no log file could be opened (a TUI owns the screen)."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.NullHandler()
        handler.set_name(HANDLER_NAME)  # so stop_logging() removes it too
        root.addHandler(handler)


# Exceptions whose text is a sentence of ours, written for the screen: (module, class). Looked up
# in sys.modules rather than imported: an exception from a module never loaded cannot be one of
# these, and the log module must not pull in the API client, the store or pydantic.
_OWN_SENTENCES = (
    ("sakari_tui.api.errors", "SakariError"),
    ("sakari_tui.store.db", "StoreError"),
    ("sakari_tui.config", "ConfigError"),
)


def where_details() -> str:
    """'details in <the log file>', or that it could not be written (for one-sentence errors)."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, PrivateRotatingFileHandler)]
    return f"details in {handlers[0].baseFilename}" if handlers else "the log file could not be written"


def crash_summary(exc: BaseException) -> str:
    """The one line to show for an unexpected error: its type and where the details are.

    Never the exception's text: a sqlite or pydantic error can quote a stored contact's name and
    number, and the screen (or a terminal's scrollback) is no place for it; the private log
    file has it. Only our own sentences (SakariError, StoreError, ConfigError) are shown,
    redacted. Says where the log is, or that it could not be written.
    """
    import sys

    from .text import one_line

    where = where_details()
    own = tuple(
        cls for module, name in _OWN_SENTENCES if isinstance(cls := getattr(sys.modules.get(module), name, None), type)
    )
    if own and isinstance(exc, own):
        sentence = one_line(redact(str(exc)), 300).rstrip(".")
        if sentence:
            return f"sakari-tui stopped unexpectedly: {sentence}; {where}"
    return f"sakari-tui stopped unexpectedly ({type(exc).__name__}); {where}"
