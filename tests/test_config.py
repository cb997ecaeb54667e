"""Settings: file, environment overrides, and errors that name the file and key."""

import pytest

from sakari_tui.api import DEFAULT_API_URL, DEFAULT_TOKEN_URL
from sakari_tui.config import ConfigError, load_settings
from sakari_tui.paths import config_path


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path):
    settings = load_settings(tmp_path / "absent.toml", env={})
    assert settings.sakari.api_url == DEFAULT_API_URL
    assert settings.sakari.token_url == DEFAULT_TOKEN_URL == "https://api.sakari.io/oauth2/token"
    assert settings.sakari.missing_credentials == ["account_id", "client_id", "client_secret"]


def test_file_values_and_environment_overrides(tmp_path):
    path = write(tmp_path, '[sakari]\naccount_id = "from-file"\nclient_id = "cid"\napi_url = "http://file.test"\n')
    env = {
        "SAKARI_ACCOUNT_ID": "from-env",
        "SAKARI_CLIENT_SECRET": "s",
        "SAKARI_TOKEN_URL": "http://env.test/oauth2/token",
    }
    settings = load_settings(path, env=env)
    assert settings.sakari.account_id == "from-env"
    assert settings.sakari.client_id == "cid"
    assert settings.sakari.client_secret == "s"
    assert settings.sakari.api_url == "http://file.test"
    assert settings.sakari.token_url == "http://env.test/oauth2/token"
    assert settings.sakari.missing_credentials == []
    assert "s" not in repr(settings.sakari).split("client_secret")[-1][:5]


def test_malformed_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[sakari\naccount_id = 1\n")
    with pytest.raises(ConfigError, match=str(path)):
        load_settings(path, env={})


def test_bad_value_names_file_and_key(tmp_path):
    path = write(tmp_path, '[sakari]\napi_url = "ftp://nope"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert str(path) in str(caught.value) and "sakari.api_url" in str(caught.value)


def test_unknown_key_is_named(tmp_path):
    path = write(tmp_path, '[sakari]\naccount = "x"\n')
    with pytest.raises(ConfigError, match="sakari.account"):
        load_settings(path, env={})


def test_bad_environment_value_names_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="SAKARI_API_URL"):
        load_settings(tmp_path / "absent.toml", env={"SAKARI_API_URL": "nope"})


def test_config_path_override(tmp_path):
    assert config_path({"SAKARI_TUI_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    assert config_path({}).name == "config.toml"


def test_client_secret_command_is_a_documented_setting(tmp_path):
    from sakari_tui.config import SakariSection, config_reference
    from sakari_tui.config_docs import attribute_docs

    path = write(tmp_path, '[sakari]\nclient_secret_command = "pass show sakari"\n')
    settings = load_settings(path, env={}, run_secret_command=False)
    assert settings.sakari.client_secret_command == "pass show sakari"
    assert settings.sakari.client_secret is None
    assert "pass show" not in repr(settings)
    assert "pass show sakari" in attribute_docs(SakariSection)["client_secret_command"]
    assert "`sakari.client_secret_command` | (unset) |" in config_reference()


def test_a_loaded_secret_is_masked_in_the_log(tmp_path):
    from sakari_tui import logs

    path = write(tmp_path, '[sakari]\nclient_secret = "file-secret-123456"\n')
    try:
        load_settings(path, env={})
        assert logs.redact("got file-secret-123456") == "got ***"
    finally:
        logs.forget_secrets()


# --- the URLs: http(s) with a host; plain http only to this machine --------------------------------


@pytest.mark.parametrize(
    "url, problem",
    [
        ("https://api.sakari.io", None),
        ("http://127.0.0.1:8765", None),
        ("ftp://nope", "must start with http:// or https://"),
        ("http://", "has no host name after the //"),
        ("https://:443/x", "has no host name after the //"),
        ("http://127.0.0.1:99999", "is not a valid URL (check the host and the port)"),
    ],
)
def test_url_problem(url, problem):
    from sakari_tui.config import url_problem

    assert url_problem(url) == problem


def test_a_url_without_a_host_names_file_and_key(tmp_path):
    path = write(tmp_path, '[sakari]\ntoken_url = "https:///oauth2/token"\n')
    with pytest.raises(ConfigError, match=r"sakari\.token_url.*has no host name"):
        load_settings(path, env={})


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765", "http://127.1.2.3/x", "http://localhost:1", "http://[::1]:8765", "https://x.io"]
)
def test_loopback_http_and_https_are_not_cleartext_problems(url):
    from sakari_tui.config import cleartext_problem

    assert cleartext_problem(url) is None


@pytest.mark.parametrize("url", ["http://api.sakari.io", "http://10.0.0.5:8765", "http://127.0.0.1.example.com"])
def test_plain_http_to_another_machine_is_a_cleartext_problem(url):
    from sakari_tui.config import cleartext_problem

    assert cleartext_problem(url).startswith(f"{url} is plain http to another machine")


# --- a malformed file: a headline that leads with the file --------------------------------------


@pytest.mark.parametrize(
    "content, headline",
    [
        ('[sync]\npoll_interval = "often"\n', "{path}, sync.poll_interval: input should be a valid number"),
        ("[sakari\n", "{path}: it is not valid TOML (Expected ']'"),
        ('[sakari]\naccount = "x"\n', "{path}, sakari.account: this key is unknown; check its spelling."),
        ('sakari = "x"\n', "{path}, sakari: input should be a valid dictionary"),
        ('[sakari]\nclient_secret_command = "   "\n', "{path}, sakari.client_secret_command: it is empty"),
    ],
)
def test_a_file_problem_has_a_headline_naming_file_and_key(tmp_path, content, headline):
    path = write(tmp_path, content)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert caught.value.file == path
    assert caught.value.headline.startswith("Your settings file has a problem: " + headline.format(path=path))


def test_an_environment_problem_names_the_variable_not_the_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "absent.toml", env={"SAKARI_TOKEN_URL": "nope"})
    assert caught.value.file is None and caught.value.variable == "SAKARI_TOKEN_URL"
    assert caught.value.headline == str(caught.value)


def test_attribute_docs_read_each_fields_docstring_and_only_fields():
    import dataclasses

    from sakari_tui.config_docs import attribute_docs

    @dataclasses.dataclass
    class Example:
        """Not a field's."""

        plain: int = 1
        """The first.

        Two paragraphs, cleaned like a docstring."""
        undocumented: int = 2
        after_blank: int = 3

        """A string after a blank line still follows its field, as in pydantic."""

        def method(self) -> None:
            inner: int = 4  # noqa: F841  (a local, not a field)
            """Not a field's either."""

    docs = attribute_docs(Example)
    assert docs == {
        "plain": "The first.\n\nTwo paragraphs, cleaned like a docstring.",
        "after_blank": "A string after a blank line still follows its field, as in pydantic.",
    }
