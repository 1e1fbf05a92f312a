"""Settings: help text for every setting, secrets from files, development secrets refused elsewhere."""

import pytest

from huiqi.config import DEV_DEMO_PASSWORD, Settings
from huiqi.errors import ConfigError


def test_every_setting_has_help() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description and len(field.description) > 10, f"HUIQI_{name.upper()} has no help text"


def test_development_secrets_are_refused_outside_development(monkeypatch) -> None:
    monkeypatch.delenv("HUIQI_DEMO_PASSWORD", raising=False)
    Settings(environment="development").refuse_dev_secrets()
    with pytest.raises(ConfigError, match="HUIQI_DEMO_PASSWORD"):
        Settings(environment="production").refuse_dev_secrets()
    Settings(environment="production", demo_password="something else",
             public_url="https://huiqi.example.gov.cn").refuse_dev_secrets()


def test_production_refuses_a_public_address_of_this_machine(monkeypatch) -> None:
    """Mails and shared links are made from it: at the demo's default they would send people to 127.0.0.1."""
    for local in ("http://127.0.0.1:8000", "http://localhost:8000/huiqi", "http://[::1]:8000"):
        with pytest.raises(ConfigError, match="HUIQI_PUBLIC_URL 仍是本机地址"):
            Settings(environment="production", demo_password="s", public_url=local).refuse_dev_secrets()
    Settings(environment="test", demo_password="s", public_url="http://127.0.0.1:8000").refuse_dev_secrets()


def test_a_secret_may_come_from_a_file(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "demo_password"
    secret.write_text("from-a-file\n", "utf-8")
    monkeypatch.setenv("HUIQI_DEMO_PASSWORD_FILE", str(secret))
    settings = Settings()
    assert settings.demo_password == "from-a-file" and settings.demo_password != DEV_DEMO_PASSWORD
    monkeypatch.setenv("HUIQI_DEMO_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="HUIQI_DEMO_PASSWORD_FILE"):
        Settings()


def test_a_bad_setting_names_its_variable_and_the_reason(monkeypatch) -> None:
    from huiqi.config import get_settings

    monkeypatch.setenv("HUIQI_TODAY", "2025-13-01")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="HUIQI_TODAY：2025-13-01 不是有效日期"):
            get_settings()
    finally:
        get_settings.cache_clear()
