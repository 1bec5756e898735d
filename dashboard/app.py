"""Dash app factory: multi-page, read-only, one short-lived connection per request.

The theme is served from dashboard/assets (no CDN), so the dashboard works offline.
"""

from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import components, context, ids, text
from dashboard.data import data_freshness, warehouse_status
from warehouse.reader import READER
from warehouse.runlog import utcnow
from warehouse.settings import Settings
from warehouse.sqlworker import SQL_WORKERS

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def status_banner(settings: Settings):
    """A banner when the data is missing, stale, or came from an offline snapshot."""
    fresh = data_freshness(settings)
    if fresh.empty_reason:
        return dbc.Alert(fresh.empty_reason, color="warning", id=ids.STALE_BANNER)
    status = warehouse_status(settings)
    messages = [] if status.empty_reason else text.banner_messages(status.frame, utcnow())
    if not messages:
        return html.Div(id=ids.STALE_BANNER)
    color = "warning" if any(level == "warning" for level, _ in messages) else "info"
    return dbc.Alert(
        [html.Div(message) for _, message in messages]
        + [html.A("Data status", href="/status", className="alert-link")],
        color=color,
        id=ids.STALE_BANNER,
    )


def serve_layout():
    """Top-level layout, rebuilt per page load so the banner reflects the current warehouse."""
    settings = context.settings()
    nav = dbc.NavbarSimple(
        brand="bubblemeter",
        brand_href="/",
        color="dark",
        dark=True,
        fluid=True,
        children=[
            dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
            for page in sorted(
                dash.page_registry.values(),
                key=lambda p: (p.get("order") is None, p.get("order") or 0, p["name"]),
            )
        ],
    )
    return html.Div(
        [
            nav,
            dbc.Container(
                [status_banner(settings), dash.page_container], fluid=True, className="pt-3"
            ),
            dcc.Location(id="url"),
        ]
    )


def create_app(settings: Settings) -> dash.Dash:
    """Build the Dash app reading the warehouse named in settings."""
    context.set_settings(settings)
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        title="bubblemeter",
        suppress_callback_exceptions=True,
    )
    app.layout = serve_layout
    components.register_callbacks(app)
    # One answer, one warehouse: a request's queries share one read-only connection, so a
    # refresh swapping a new file in mid-answer cannot mix two warehouses in one page.
    app.server.before_request(lambda: READER.hold(context.settings()))
    app.server.teardown_request(lambda exc: READER.release())
    # User SQL runs in worker processes of this server process (started on its first request,
    # after gunicorn forked it), never in the server itself.
    app.server.before_request(SQL_WORKERS.start)
    app.server.after_request(_security_headers)
    return app


def _security_headers(response):
    """No page may be framed by another site (a hidden frame could run a query on load)."""
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
