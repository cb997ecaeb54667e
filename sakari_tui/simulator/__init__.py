"""A local, in-memory simulator of the Sakari REST API v1, written from the spec and API notes.

Public API: `create_app`, `SimulatorServer`, `serve`, `SimulatorConfig`, `SimulatorState`,
`ManualClock`, `SystemClock`, `FaultSettings`, `RateLimitSettings`, `BulkData`. Error codes are listed in
`errors`, admin endpoints in `endpoints.admin`.
"""

from .app import create_app
from .bulk_data import BulkData
from .clock import Clock, ManualClock, SystemClock
from .config import DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SenderNumber, SimulatorConfig
from .faults import FaultSettings
from .ratelimit import RateLimitSettings
from .server import SimulatorServer, serve
from .state import SimulatorState

__all__ = [
    "BulkData",
    "DEMO_ACCOUNT_ID",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "Clock",
    "FaultSettings",
    "ManualClock",
    "RateLimitSettings",
    "SenderNumber",
    "SimulatorConfig",
    "SimulatorServer",
    "SimulatorState",
    "SystemClock",
    "create_app",
    "serve",
]
