import pytest

from platform_shared.config import load_config, require
from platform_shared.errors import ConfigurationError
from platform_shared.manifest import manifests


def test_environment_values_and_defaults_are_expanded(tmp_path, monkeypatch):
    path = tmp_path / "config.yml"
    path.write_text(
        "A: ${SOME_SET_VAR}\nB: ${SOME_UNSET_VAR:fallback}\nC: ${SOME_UNSET_VAR:12}\n"
        "URL: ${SOME_UNSET_VAR:sqlite:///var/x.db}\n"
    )
    monkeypatch.setenv("SOME_SET_VAR", "hello")
    monkeypatch.delenv("SOME_UNSET_VAR", raising=False)
    assert load_config(path) == {"A": "hello", "B": "fallback", "C": 12, "URL": "sqlite:///var/x.db"}


def test_a_missing_required_setting_fails_loudly_naming_the_variable(tmp_path, monkeypatch):
    path = tmp_path / "config.yml"
    path.write_text("TOKEN_KEYS_DIR: ${NOT_SET_ANYWHERE}\n")
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(ConfigurationError, match="NOT_SET_ANYWHERE"):
        require(load_config(path), "TOKEN_KEYS_DIR", "NOT_SET_ANYWHERE")


def test_service_database_urls_come_from_their_own_variables(monkeypatch):
    monkeypatch.setenv("CONTENT_DATABASE_URL", "postgresql+psycopg2://db/content")
    monkeypatch.delenv("POLLS_DATABASE_URL", raising=False)
    by_name = {m.name: m for m in manifests()}
    assert by_name["content"].config()["DATABASE_URL"] == "postgresql+psycopg2://db/content"
    assert by_name["polls"].config()["DATABASE_URL"] == "sqlite:///var/polls.db"


def test_every_service_is_installed_in_platform_order():
    assert [m.name for m in manifests()] == [
        "accounts",
        "content",
        "media",
        "feedback",
        "polls",
        "royalties",
        "notifications",
    ]
