"""Settings: defaults, then the TOML file, then environment variables (each beats the one before).

Every problem becomes a `ConfigError` whose message names the file and the key, in one sentence.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .api.client import DEFAULT_API_URL, DEFAULT_TOKEN_URL
from .paths import config_path


class ConfigError(Exception):
    """A settings problem, described in one sentence fit for the screen."""


class SakariSection(BaseModel):
    """[sakari]: which account to use and how to reach the API."""

    model_config = ConfigDict(extra="forbid")

    account_id: str | None = None
    """Your Sakari account id (Hub › Settings › API). Env: SAKARI_ACCOUNT_ID."""
    client_id: str | None = None
    """API client id. Env: SAKARI_CLIENT_ID."""
    client_secret: str | None = Field(default=None, repr=False)
    """API client secret; keep the file private (mode 0600). Env: SAKARI_CLIENT_SECRET."""
    api_url: str = DEFAULT_API_URL
    """Base URL of the API, without /v1. Env: SAKARI_API_URL."""
    token_url: str = DEFAULT_TOKEN_URL
    """OAuth2 token endpoint (note: no /v1). Env: SAKARI_TOKEN_URL."""

    @field_validator("api_url", "token_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @property
    def missing_credentials(self) -> list[str]:
        return [name for name in ("account_id", "client_id", "client_secret") if not getattr(self, name)]


class Settings(BaseModel):
    """Everything configurable, one section per table of config.toml."""

    model_config = ConfigDict(extra="forbid")

    sakari: SakariSection = Field(default_factory=SakariSection)
    """Account and API."""


ENV_KEYS = {
    "SAKARI_ACCOUNT_ID": ("sakari", "account_id"),
    "SAKARI_CLIENT_ID": ("sakari", "client_id"),
    "SAKARI_CLIENT_SECRET": ("sakari", "client_secret"),
    "SAKARI_API_URL": ("sakari", "api_url"),
    "SAKARI_TOKEN_URL": ("sakari", "token_url"),
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror or exc}.") from None


def _describe(error: dict[str, Any], path: Path, from_env: dict[tuple[str, ...], str]) -> str:
    location = tuple(str(part) for part in error["loc"])
    key = ".".join(location)
    if error["type"] == "extra_forbidden":
        return f"{path}: unknown key {key!r}; check its spelling."
    problem = error["msg"].removeprefix("Value error, ")
    if location in from_env:
        return f"Environment variable {from_env[location]} (setting {key}): {problem}."
    return f"{path}: key {key!r}: {problem}."


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the file at `path` (default: `config_path()`) overlaid with the environment."""
    env = os.environ if env is None else env
    path = path or config_path(env)
    data = _read_toml(path)
    from_env: dict[tuple[str, ...], str] = {}
    for variable, location in ENV_KEYS.items():
        value = env.get(variable)
        if value:
            section = data.setdefault(location[0], {})
            if not isinstance(section, dict):
                raise ConfigError(f"{path}: {location[0]!r} must be a table like [{location[0]}].")
            section[location[1]] = value
            from_env[location] = variable
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc.errors()[0], path, from_env)) from None
