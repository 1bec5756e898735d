"""The settings the running dashboard reads from (set once by create_app)."""

from __future__ import annotations

from warehouse.settings import Settings

_settings: Settings | None = None


def set_settings(settings: Settings) -> None:
    """Point the dashboard at a warehouse."""
    global _settings
    _settings = settings


def settings() -> Settings:
    """The dashboard's settings (from the environment if create_app was not called)."""
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings
