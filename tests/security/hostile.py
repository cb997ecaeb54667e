"""The corpus moved to `tests/support/hostile.py`; this name stays for tests that still import it
from here (tests/test_notify.py). Delete it once they import `tests.support.hostile`."""

from tests.support.hostile import *  # noqa: F403
