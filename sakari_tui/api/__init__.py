"""The typed async Sakari API client. Knows nothing of Textual or the local store."""

from .client import DEFAULT_API_URL, DEFAULT_TOKEN_URL, SakariClient
from .errors import ApiSlow, ApiUnavailable, AuthError, BadResponse, InvalidRequest, NotFound, RateLimited, SakariError
from .models import *  # noqa: F403  (the models are part of the public API)
from .models import __all__ as _models_all  # type: ignore[attr-defined]
from .paging import Collected
from .retry import NO_RETRY, RetryPolicy

__all__ = [
    "SakariClient",
    "DEFAULT_API_URL",
    "DEFAULT_TOKEN_URL",
    "SakariError",
    "ApiUnavailable",
    "ApiSlow",
    "AuthError",
    "BadResponse",
    "InvalidRequest",
    "NotFound",
    "RateLimited",
    "RetryPolicy",
    "Collected",
    "NO_RETRY",
    *_models_all,
]
