"""Where the Sakari API lives unless the settings say otherwise. A module of its own so that the
settings can name the defaults without importing the client (httpx and the API's models), which
the first frame does not need."""

DEFAULT_API_URL = "https://api.sakari.io"
"""Base URL of the API, without /v1."""
DEFAULT_TOKEN_URL = "https://api.sakari.io/oauth2/token"
"""The OAuth2 token endpoint: no /v1 prefix (older copies of the spec got this wrong)."""
