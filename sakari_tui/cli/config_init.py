"""`sakari-tui config init`: ask for the credentials, check them against the server, save them.

Against any server: `--api-url` and `--token-url` (else `SAKARI_API_URL` and `SAKARI_TOKEN_URL`,
else the file, else Sakari's own) say where, and are saved with the credentials. Refused
credentials are asked for again, up to three tries; a server that cannot be reached is named, with
an offer to save the credentials unchecked. The rest of an existing settings file is kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import config_path
from .output import fail

if TYPE_CHECKING:
    from ..api import SakariError
    from ..config import ConfigError, SakariSection

Ask = Callable[[str], str]

TRIES = 3
URL_SOURCES = {"api_url": ("--api-url", "SAKARI_API_URL"), "token_url": ("--token-url", "SAKARI_TOKEN_URL")}
URL_NAMES = {"api_url": "the API URL", "token_url": "the token URL"}


class UrlRefused(Exception):
    """A URL config init will not use, in one sentence."""


@dataclass(frozen=True)
class ChosenUrls:
    """The URLs to check, and those to write to the file (the ones given on the command line or in the
    environment, so a plain `sakari-tui` later reaches the same server), with where each came from."""

    api_url: str
    token_url: str
    to_save: dict[str, str]
    sources: dict[str, str]


def choose_urls(current: SakariSection, flags: Mapping[str, str | None], env: Mapping[str, str]) -> ChosenUrls:
    """A flag beats its environment variable beats the file (`current`); raises UrlRefused.

    A token URL is derived from a given API URL (`<api url>/oauth2/token`, as Sakari and the simulator
    have it) unless one is given or set in the file: else the secret would go to Sakari's token endpoint.
    """
    from ..api.client import DEFAULT_API_URL, DEFAULT_TOKEN_URL
    from ..config import cleartext_problem, url_problem

    chosen = {"api_url": current.api_url, "token_url": current.token_url}
    to_save: dict[str, str] = {}
    defaults = {"api_url": DEFAULT_API_URL, "token_url": DEFAULT_TOKEN_URL}
    sources = {key: "Sakari's" if chosen[key] == defaults[key] else "from the settings file" for key in chosen}
    for key, (flag, variable) in URL_SOURCES.items():
        given, source = (flags.get(key), flag) if flags.get(key) else (env.get(variable), variable)
        if given:
            problem = url_problem(given)
            if problem:
                raise UrlRefused(f"{source} {given!r} {problem}; nothing was written.")
            chosen[key] = to_save[key] = given
            sources[key] = f"from {source}"
    if "api_url" in to_save and "token_url" not in to_save and current.token_url == DEFAULT_TOKEN_URL:
        chosen["token_url"] = to_save["token_url"] = to_save["api_url"].rstrip("/") + "/oauth2/token"
        sources["token_url"] = f"{sources['api_url']} + /oauth2/token; --token-url sets another"
    for key in ("token_url", "api_url"):  # the token URL first: it receives the secret
        unencrypted = cleartext_problem(chosen[key])
        if unencrypted:
            raise UrlRefused(f"{unencrypted}; nothing was written.")
    return ChosenUrls(chosen["api_url"], chosen["token_url"], to_save, sources)


class CheckFailed(Exception):
    """The check failed at `url` (the token URL or the API URL) with `error`."""

    def __init__(self, url_key: str, url: str, error: SakariError) -> None:
        super().__init__(str(error))
        self.url_key = url_key
        self.url = url
        self.error = error


async def check_credentials(sakari: SakariSection) -> None:
    """Raise CheckFailed unless the server gives a token for these credentials and then lists
    this account's conversations; it says which of the two URLs failed."""
    from ..api import SakariError

    async with sakari.make_client() as client:
        try:
            await client.auth_token()
        except SakariError as error:
            raise CheckFailed("token_url", sakari.token_url, error) from None
        try:
            await client.fetch_all_conversations(limit=1)
        except SakariError as error:
            raise CheckFailed("api_url", sakari.api_url, error) from None


def _ask_with_default(ask: Ask, label: str, default: str) -> str:
    answer = ask(f"{label} [{default}]: " if default else f"{label}: ").strip()
    return answer or default


def _yes(ask: Ask, question: str) -> bool:
    try:
        return ask(question).strip().lower() in ("y", "yes")
    except (EOFError, KeyboardInterrupt):
        print()
        return False


def _refused(failed: CheckFailed) -> str:
    """The sentence for refused credentials; the client's own says to check the settings, not yet written."""
    code = f" ({failed.error.code})" if failed.error.code else ""
    if failed.url_key == "token_url":
        return f"The server refused the client id and secret{code}."
    return f"The server refused them for this account: {failed.error}"


def _unreachable(failed: CheckFailed) -> str:
    """The sentence for a server that is not there (or failing on its side), naming the URL."""
    from ..api import ApiUnavailable

    name = URL_NAMES[failed.url_key]
    if isinstance(failed.error, ApiUnavailable) and failed.error.request_sent is False:
        return f"Could not reach {failed.url} ({name}): nothing answered there; check the URL and that the server runs."
    return f"{failed.url} ({name}) did not work: {failed.error}"


def run_config_init(
    ask: Ask | None = None,
    ask_secret: Ask | None = None,
    *,
    api_url: str | None = None,
    token_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    import asyncio

    from ..api import ApiUnavailable, AuthError
    from ..config import ConfigError, load_settings, secret_from_command

    ask = ask or input  # looked up now, not at import: a test (or a wrapper) may replace them
    if ask_secret is None:
        import getpass

        ask_secret = getpass.getpass
    env = os.environ if env is None else env
    path = config_path(env)
    # The URL variables are read here (not by load_settings), so that a flag can override a bad one.
    file_env = {name: value for name, value in env.items() if name not in ("SAKARI_API_URL", "SAKARI_TOKEN_URL")}
    try:
        settings = load_settings(path, file_env, run_secret_command=False)  # run below, only if it is the source
        command = None if settings.sakari.client_secret else settings.sakari.client_secret_command
        from_command = secret_from_command(command, path, env) if command else None
        urls = choose_urls(settings.sakari, {"api_url": api_url, "token_url": token_url}, env)
    except ConfigError as exc:
        return fail(_refusal(exc))
    except UrlRefused as exc:
        return fail(str(exc))
    print(f"{'Updating' if path.exists() else 'Creating'} {path}")
    print(f"API URL:   {urls.api_url} ({urls.sources['api_url']})")
    print(f"Token URL: {urls.token_url} ({urls.sources['token_url']})")
    print("Find the values in the Sakari Hub: Settings › Account Settings › API.")
    account_id = client_id = ""
    for attempt in range(1, TRIES + 1):
        try:
            account_id = _ask_with_default(ask, "Account id", account_id)
            client_id = _ask_with_default(ask, "Client id", client_id)
            if from_command:
                print("Client secret: from client_secret_command (it stays out of the file).")
                client_secret = from_command
            else:
                client_secret = ask_secret("Client secret (not shown): ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return fail("cancelled; nothing was written.")
        if not (account_id and client_id and client_secret):
            return fail("all three values are needed; nothing was written.")
        sakari = replace(
            settings.sakari,
            account_id=account_id,
            client_id=client_id,
            client_secret=client_secret,
            api_url=urls.api_url,
            token_url=urls.token_url,
        )
        print(f"Checking them against {urls.api_url} …")
        try:
            asyncio.run(check_credentials(sakari))
            break
        except CheckFailed as failed:
            if isinstance(failed.error, AuthError):
                refused = _refused(failed)
                if attempt == TRIES:
                    return fail(f"{refused} That was the last of {TRIES} tries; nothing was written.")
                left = TRIES - attempt
                print(
                    f"{refused} Try again ({left} {'try' if left == 1 else 'tries'} left; Enter keeps a value in [ ])."
                )
                continue
            if isinstance(failed.error, ApiUnavailable):
                print(_unreachable(failed))
                if _yes(ask, "Save the settings anyway, unchecked? [y/N] "):
                    _save(path, sakari, urls, from_command=from_command is not None)
                    print(f"Saved to {path} without a check; sakari-tui shows 'offline' until the server answers.")
                    return 0
                return fail("nothing was written; run sakari-tui config init again once the server answers.")
            return fail(f"{failed.url} ({URL_NAMES[failed.url_key]}): {failed.error} Nothing was written.")
    _save(path, sakari, urls, from_command=from_command is not None)
    print(f"Saved to {path}; the file is private (mode 0600, readable only by you). Start the inbox with: sakari-tui")
    return 0


def _refusal(exc: ConfigError) -> str:
    """Why config init will not touch a settings file it cannot read, and what to do instead."""
    if exc.file is None:
        return exc.headline
    # Rewriting a file it cannot read would lose the settings in it; the no-config screen says the same.
    return f"{exc.headline.rstrip('.')}; fix it, or move the file aside, then run sakari-tui config init again."


def _save(path: Path, sakari: SakariSection, urls: ChosenUrls, *, from_command: bool) -> None:
    """Write the credentials and the given URLs into the file, keeping everything else in it."""
    from ..config import update_config_file

    changes: dict[tuple[str, str], str] = {
        ("sakari", "account_id"): sakari.account_id or "",
        ("sakari", "client_id"): sakari.client_id or "",
    }
    if not from_command:
        changes["sakari", "client_secret"] = sakari.client_secret or ""
    changes.update({("sakari", key): value for key, value in urls.to_save.items()})
    update_config_file(path, changes)
