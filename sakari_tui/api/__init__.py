"""The typed async Sakari API client. Knows nothing of Textual or the local store.

Names load on first use (sakari_tui/lazy.py): the settings and the first frame import a module or
two of this package (urls, errors), never the client with httpx and every model behind it.
"""

from importlib import import_module

from ..lazy import lazy_names

_HOMES = {
    "SakariClient": ".client",
    "DEFAULT_API_URL": ".urls",
    "DEFAULT_TOKEN_URL": ".urls",
    "SakariError": ".errors",
    "ApiUnavailable": ".errors",
    "ApiSlow": ".errors",
    "AuthError": ".errors",
    "BadResponse": ".errors",
    "InvalidRequest": ".errors",
    "NotFound": ".errors",
    "RateLimited": ".errors",
    "RetryPolicy": ".retry",
    "NO_RETRY": ".retry",
    "Collected": ".paging",
}
_by_name, _names = lazy_names(__name__, _HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        return _by_name(name)
    if not name.startswith("_"):  # dunders, and the import system asking for a submodule by name
        models = import_module(".models", __name__)  # the models are part of the public API
        if name in models.__all__:
            return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*_names(), *import_module(".models", __name__).__all__})
