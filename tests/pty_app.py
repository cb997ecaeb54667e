"""Moved to `tests/support/pty.py`; this name stays for tests that still import it from here
(tests/test_editor_pty.py). Delete it once they import `tests.support.pty`."""

from tests.support.pty import *  # noqa: F403
