"""The first page of a visit sent with the layout, not by a second request.

Dash pages fill `dash.page_container` by a router callback: the browser loads the page HTML,
asks for the app's layout (`/_dash-layout`), draws it, then sends the router its location
and waits for the page. On the benchmark's warehouse that second round trip is ~110 ms of a
~0.6 s reload.

The layout request does not say which page the document is, so the page HTML wraps
`window.fetch` to add it: PAGE_HEADER holds `location.pathname + location.search` (URI-encoded)
on that one request. `/_dash-layout` then holds the page container with that page's layout
in it, and its location component already holds that pathname and search: the location
component finds nothing changed when it mounts, so the router is not called. The page is
built by the same layout function, with the same arguments, the router would call.

Without the header (a client that is not this page HTML, an unknown path, a malformed value),
or when the page fails to build, the container is left empty, as Dash builds it, and the
router fills it (or reports the failure) as before. A wrong
guess cannot happen: the value is the document's own location, read as the layout is fetched.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
from html import escape as html_escape

import dash
import flask
from dash import dcc, html
from dash._pages import _parse_query_string, _path_to_page
from dash.dash import _ID_CONTENT, _ID_DUMMY, _ID_LOCATION, _ID_STORE

PAGE_HEADER = "X-Bubblemeter-Page"
MAX_HINT = 8192  # characters of the encoded location; a longer one is left to the router

# runs before the renderer: only the layout request gets the header
HINT_JS = (
    """<script>(function (header) {
  var fetchBefore = window.fetch;
  window.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : (input && input.url) || '';
    if (/(^|\\/)_dash-layout$/.test(url.split('?')[0])) {
      init = Object.assign({}, init);
      var headers = new Headers(init.headers || {});
      headers.set(header, encodeURIComponent(window.location.pathname + window.location.search));
      init.headers = headers;
      // the page comes with the layout: plotly.js starts loading now (dashboard/app.py)
      if (window.__bubblemeterPlotly) { window.__bubblemeterPlotly.start(); }
    }
    return fetchBefore.call(this, input, init);
  };
})("""
    + json.dumps(PAGE_HEADER)
    + """);</script>"""
)


def requested_location() -> tuple[str, str] | None:
    """(pathname, search) the page HTML sent with this layout request, if it sent one."""
    value = flask.request.headers.get(PAGE_HEADER, "")
    if not value or len(value) > MAX_HINT:
        return None
    try:
        location = urllib.parse.unquote(value, errors="strict")
    except UnicodeDecodeError:
        return None
    if not location.startswith("/") or any(ord(c) < 32 or ord(c) == 127 for c in location):
        return None
    pathname, mark, query = location.partition("?")
    search = mark + query if query else ""
    if mark and not query:
        return None  # `/page?` : location.search is "" there, so this is no real location
    return pathname, search


def page_container():
    """dash.page_container, holding the requested page when the request named one."""
    app = dash.get_app()
    location = requested_location()
    if location is None or app.routing_callback_inputs:
        return dash.page_container
    pathname, search = location
    page, variables = _path_to_page(app.strip_relative_path(pathname))
    if not page:
        return dash.page_container  # unknown: the router shows its not-found page
    layout = page.get("layout", "")
    try:
        if callable(layout):
            layout = layout(**{**(variables or {}), **_parse_query_string(search)})
        title = _title(page, variables)
    except Exception as exc:  # the router builds it again and reports it as a callback error
        print(f"first page {pathname}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return dash.page_container
    [router_location] = [c for c in dash.page_container.children if c.id == _ID_LOCATION]
    return html.Div(
        [
            dcc.Location(
                id=_ID_LOCATION, refresh=router_location.refresh, pathname=pathname, search=search
            ),
            html.Div(layout, id=_ID_CONTENT, disable_n_clicks=True),
            dcc.Store(id=_ID_STORE, data={"title": title}),
            html.Div(id=_ID_DUMMY, disable_n_clicks=True),
        ]
    )


def _title(page: dict, variables: dict | None) -> str:
    """A registered page's title, as the router computes it."""
    title = page["title"]
    return title(**(variables or {})) if callable(title) else title


def page_title(path: str) -> str | None:
    """The title the router gives the page at `path` (HTML-escaped), or None: no such page, or
    its title fails (the router reports that)."""
    page, variables = _path_to_page(dash.get_app().strip_relative_path(path))
    if not page:
        return None
    try:
        return html_escape(_title(page, variables))
    except Exception:
        return None


def vary(response):
    """The layout depends on PAGE_HEADER: no cache may hand one page's layout to another."""
    if flask.request.path.endswith("/_dash-layout"):
        response.headers.add("Vary", PAGE_HEADER)
        response.headers["Cache-Control"] = "no-store"
    return response
