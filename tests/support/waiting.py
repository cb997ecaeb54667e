"""The one way tests wait for something: poll a condition against a deadline, never a bare sleep."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any


async def wait_until(
    predicate: Callable[[], Any | Awaitable[Any]], pilot=None, timeout: float = 5.0, interval: float = 0.02
) -> Any:
    """Poll `predicate` (sync or async) until it returns something truthy, and return that.

    With a `pilot` the app runs between polls (`pilot.pause`), so its timers, workers and
    messages go on; without one, the event loop does. Fails after `timeout` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        if pilot is not None:
            await pilot.pause(interval)
        else:
            await asyncio.sleep(interval)
