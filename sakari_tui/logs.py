"""The log file: rotating, private, and scrubbed of secrets before anything reaches the disk.

`setup_logging()` attaches one handler to the root logger, so records from every logger (ours,
httpx, httpcore, asyncio, uvicorn) pass through the redacting filter. Known secrets are
registered with `register_secret()` (the client secret) and `register_token()` (access tokens);
anything shaped like a bearer token or a JWT is scrubbed even if nobody registered it.
"""

from __future__ import annotations

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

_PATTERNS = (
    # "Authorization: Bearer abc…", "bearer=abc…"
    (re.compile(r"(?i)\b(bearer)(\s+|=)[A-Za-z0-9\-._~+/]+=*"), rf"\1\2{MASK}"),
    # JWTs: a base64url JSON header always starts with "eyJ" ('{"'); the signature may be empty.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), MASK),
    # "Authorization: Basic …" and other schemes: keep the scheme word, mask the credential
    (re.compile(r"""(?i)\b(authorization["']?\s*[:=]\s*["']?(?:[A-Za-z]+\s+)?)[^\s"',}]+"""), rf"\1{MASK}"),
    # client_secret=…, "access_token": "…" in query strings, JSON or reprs
    (
        re.compile(r"""(?i)\b(client_secret|access_token|refresh_token|password)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+"""),
        rf"\1\2{MASK}",
    ),
)


def register_secret(value: str | None) -> None:
    """Mask `value` wherever it appears in the log from now on (kept for the whole process)."""
    if value and len(value) >= MIN_SECRET_LENGTH:
        _secrets.add(value)


def register_token(value: str | None) -> None:
    """Mask an access token from now on; only the most recent few are kept."""
    if value and len(value) >= MIN_SECRET_LENGTH and value not in _tokens:
        _tokens.append(value)


def forget_secrets() -> None:
    """Drop every registered secret and token (for tests)."""
    _secrets.clear()
    _tokens.clear()


def redact(text: str) -> str:
    """`text` with registered secrets, bearer tokens, JWTs and secret-looking assignments masked."""
    # Longest first, so a secret containing another one is masked whole.
    for value in sorted({*_secrets, *_tokens}, key=len, reverse=True):
        text = text.replace(value, MASK)
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


def crash_summary(exc: BaseException) -> str:
    """The one line to show for an unexpected error: its type and where the details are.

    Never the exception's text: a sqlite or pydantic error can quote a stored contact's name and
    number, and the screen (or a terminal's scrollback) is no place for it; the private log
    file has it. Only our own sentences (SakariError, StoreError, ConfigError) are shown,
    redacted. Says where the log is, or that it could not be written.
    """
    import sys

    from .text import one_line

    handlers = [h for h in logging.getLogger().handlers if isinstance(h, PrivateRotatingFileHandler)]
    where = f"details in {handlers[0].baseFilename}" if handlers else "the log file could not be written"
    own = tuple(
        cls for module, name in _OWN_SENTENCES
        if isinstance(cls := getattr(sys.modules.get(module), name, None), type)
    )
    if own and isinstance(exc, own):
        sentence = one_line(redact(str(exc)), 300).rstrip(".")
        if sentence:
            return f"sakari-tui stopped unexpectedly: {sentence}; {where}"
    return f"sakari-tui stopped unexpectedly ({type(exc).__name__}); {where}"
