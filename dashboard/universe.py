"""Companies by role, from the universe file the settings name (warehouse/universe.toml).

The warehouse's companies table mirrors the same file at every refresh, and the views group by
its roles, so a company added there gets its checkbox, bars, line colour and group here.
"""

from __future__ import annotations

from dashboard import figures
from warehouse.settings import Company, Settings


def companies(settings: Settings, role: str | None = None) -> list[Company]:
    """The tracked companies in universe-file order, all or those of one role."""
    return [c for c in settings.universe() if role is None or c.role == role]


def tickers(settings: Settings, role: str) -> list[str]:
    """Tickers of one role, in universe-file order."""
    return [c.ticker for c in companies(settings, role)]


def colors(settings: Settings) -> dict[str, str]:
    """Line and bar colour per ticker (each role's palette, in universe-file order)."""
    return figures.company_colors(companies(settings))
