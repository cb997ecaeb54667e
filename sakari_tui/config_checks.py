"""What can be wrong with a setting: `ConfigError` (one sentence naming the file and the key),
and the checks on the API and token URLs."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

SETTINGS_FILE_PROBLEM = "Your settings file has a problem"


class ConfigError(Exception):
    """A settings problem, described in one sentence fit for the screen.

    When the problem is in the settings file itself, `file` is that file, `key` the key at fault
    (None when the whole file is, e.g. bad TOML) and `detail` what is wrong; `headline` then leads
    with the file, so a person is not told to enter credentials into a file that cannot be read.
    A value from the environment names its `variable` instead.
    """

    def __init__(
        self,
        message: str,
        *,
        file: Path | None = None,
        key: str | None = None,
        detail: str | None = None,
        variable: str | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.key = key
        self.detail = detail
        self.variable = variable

    @property
    def headline(self) -> str:
        """'Your settings file has a problem: <file>, <key>: <what>.' for a file; else the message."""
        if self.file is None or self.detail is None:
            return str(self)
        where = f"{self.file}, {self.key}" if self.key else str(self.file)
        return f"{SETTINGS_FILE_PROBLEM}: {where}: {self.detail}."


def file_error(path: Path, key: str | None, detail: str, message: str | None = None) -> ConfigError:
    """A ConfigError about the settings file; `message` defaults to '<file>: key '<key>': <detail>.'."""
    if message is None:
        message = f"{path}: key {key!r}: {detail}." if key else f"{path}: {detail}."
    return ConfigError(message, file=path, key=key, detail=detail)


def is_loopback_host(host: str) -> bool:
    """True for this machine's own addresses (127.0.0.0/8, ::1, localhost): traffic never leaves it."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(value: str) -> str | None:
    """What makes `value` unusable as the API or token URL (None when it is fine): it must be http(s) with a host."""
    if not value.startswith(("http://", "https://")):
        return "must start with http:// or https://"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        return "is not a valid URL (check the host and the port)"
    if not parts.hostname:
        return "has no host name after the //"
    return None


def cleartext_problem(url: str) -> str | None:
    """A sentence when `url` is plain http to another machine: the client secret and the texts
    would cross the network unencrypted. Plain http to this machine (the simulator) is fine."""
    parts = urlsplit(url)
    if parts.scheme != "http" or is_loopback_host(parts.hostname or ""):
        return None
    return (
        f"{url} is plain http to another machine, so the client secret and the texts would cross the network "
        "unencrypted; use https:// (plain http is only for this machine, e.g. http://127.0.0.1)"
    )
