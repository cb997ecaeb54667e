"""The client secret from a command (`sakari.client_secret_command`, e.g. a password manager):
run without a shell and with a time limit, its first line taken, and every failure one sentence
naming the file and key that never quotes what the command printed."""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path

from .config_checks import ConfigError, file_error
from .subprocesses import child_environment

# Long enough for a password manager to unlock, short enough that a hung command is noticed.
SECRET_COMMAND_TIMEOUT_S = 10.0


def secret_from_command(command: str, path: Path, env: Mapping[str, str] | None = None) -> str:
    """Run `command` (no shell, with a timeout) and return the first line it prints, stripped.

    It gets `env` (default: ours) without the credential variables (`child_environment`).

    Failures become a ConfigError naming the file and key; neither the secret nor anything the
    command printed is put in the message, because either could hold the secret.
    """
    key = "sakari.client_secret_command"

    def failed(detail: str, *, is_: bool = False) -> ConfigError:
        # The message reads "key '…' is empty", the headline "…, key: it is empty".
        if is_:
            return file_error(path, key, f"it {detail}", f"{path}: key {key!r} {detail}.")
        return file_error(path, key, detail)

    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise failed(f"is not a valid command line ({exc})", is_=True) from None
    if not argv:
        raise failed("is empty; give a command that prints the client secret", is_=True)
    try:
        # stdin is closed so a command waiting for input fails fast instead of eating the keyboard.
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=SECRET_COMMAND_TIMEOUT_S,
            check=False,
            env=child_environment(base=env),
        )
    except FileNotFoundError:
        raise failed(f"the program {argv[0]!r} was not found; check the command") from None
    except subprocess.TimeoutExpired:
        limit = f"{SECRET_COMMAND_TIMEOUT_S:g} seconds"
        raise failed(f"the command did not finish within {limit}; run it in a shell to see why") from None
    except OSError as exc:
        raise failed(f"the program {argv[0]!r} cannot be run ({exc.strerror or exc})") from None
    if done.returncode != 0:
        raise failed(f"the command failed (exit status {done.returncode}); run it in a shell to see why")
    lines = done.stdout.decode("utf-8", errors="replace").strip().splitlines()
    secret = lines[0].strip() if lines else ""
    if not secret:
        raise failed("the command printed nothing; it should print the client secret")
    return secret
