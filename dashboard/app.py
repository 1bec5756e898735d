"""Dash app factory: multi-page, read-only, one short-lived connection per request.

The theme is served from dashboard/assets (no CDN), so the dashboard works offline.
"""

from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import context, ids
from dashboard.data import data_freshness
from warehouse.settings import Settings

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def status_banner(settings: Settings):
    """A banner when the data came from an offline snapshot or is missing."""
    fresh = data_freshness(settings)
    if fresh.empty_reason:
        return dbc.Alert(fresh.empty_reason, color="warning", id=ids.STALE_BANNER)
    modes = set(fresh.frame["last_success_mode"].dropna())
    if modes == {"snapshot"}:
        return dbc.Alert("Offline snapshot: these figures were imported from files, not "
                         "refreshed from the live sources.", color="info", id=ids.STALE_BANNER)
    return html.Div(id=ids.STALE_BANNER)


def serve_layout():
    """Top-level layout, rebuilt per page load so the banner reflects the current warehouse."""
    settings = context.settings()
    nav = dbc.NavbarSimple(
        brand="bubblemeter", brand_href="/", color="dark", dark=True, fluid=True,
        children=[dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"]))
                  for page in dash.page_registry.values()],
    )
    return html.Div([
        nav,
        dbc.Container([status_banner(settings), dash.page_container], fluid=True,
                      className="pt-3"),
        dcc.Location(id="url"),
    ])


def create_app(settings: Settings) -> dash.Dash:
    """Build the Dash app reading the warehouse named in settings."""
    context.set_settings(settings)
    app = dash.Dash(__name__, use_pages=True, pages_folder=str(PAGES_DIR),
                    title="bubblemeter",
                    suppress_callback_exceptions=True)
    app.layout = serve_layout
    return app
