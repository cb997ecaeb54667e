"""The environment of every program sakari-tui starts: ours, minus the credentials.

The desktop notifier, the `on_message` hook, the `$EDITOR` round trip and `client_secret_command`
all start from `child_environment()`, so none of them sees `SAKARI_CLIENT_SECRET` & co. Everything
else is kept (PATH, HOME, TERM, DISPLAY, locale, the GnuPG or D-Bus variables a password manager
needs): these are the user's own programs, and they must work as they do in the user's shell.
No Textual here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

CREDENTIAL_PREFIX = "SAKARI_"
"""Our namespace: config.py reads the account id, client id and secret from SAKARI_* variables."""
KEPT_PREFIX = "SAKARI_TUI_"
"""Folder overrides (config, data, logs): no secret in them, and a hook running `sakari-tui unread`
must find the same inbox as the app that ran it."""


def is_credential_variable(name: str) -> bool:
    """Whether a child process must not inherit the variable `name`.

    The whole SAKARI_* namespace goes, not only today's three credential variables: a new
    setting read from the environment must not leak to children until someone remembers this list.
    """
    return name.upper().startswith(CREDENTIAL_PREFIX) and not name.upper().startswith(KEPT_PREFIX)


def child_environment(
    extra: Mapping[str, str] | None = None, *, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """`base` (default: this process's environment) without our credential variables, plus `extra`.

    `extra` is added last and unfiltered: it is what the caller means the child to have (the
    hook's SAKARI_MESSAGE_TEXT and friends).
    """
    source = os.environ if base is None else base
    environment = {name: value for name, value in source.items() if not is_credential_variable(name)}
    environment.update(extra or {})
    return environment
