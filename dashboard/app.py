"""Dash app factory: multi-page, read-only, one short-lived connection per request.

The theme is served from dashboard/assets (no CDN), so the dashboard works offline.

What a first visit downloads is kept small (docs/dashboard.md, "Bytes on the wire"): responses
are compressed (brotli, zstd or gzip, as the browser accepts), plotly.js is plotly's basic
partial bundle (dashboard/vendor) loaded only when a page draws a chart, the AG Grid bundle is
sent only with the SQL console, and every fingerprinted file may be cached for a year.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import dash
import dash_ag_grid
import dash_bootstrap_components as dbc
import flask
from dash import _dash_renderer, dcc, html
from flask_compress import Compress

from dashboard import components, context, firstpage, ids, pagecache, plotmargins, text
from dashboard.data import data_freshness, warehouse_status
from warehouse.reader import READER
from warehouse.runlog import utcnow
from warehouse.settings import Settings
from warehouse.sqlworker import SQL_WORKERS

PAGES_DIR = Path(__file__).resolve().parent / "pages"

# plotly.js as the graphs load it: the basic partial bundle (scatter and bar traces among
# them, all this app draws), served as a component-suite file so its URL carries a fingerprint
PLOTLY_BUNDLE = {
    "relative_package_path": "plotly-basic.min.js",
    "namespace": "dashboard.vendor",
}
# pages that use the grid: only these pages' HTML loads AG Grid's 1.3 MB bundle
GRID_PAGES = ("/sql",)
YEAR_S = 31536000
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
]


class _StaticCompressionCache:
    """Flask-Compress's cache, holding compressed fingerprinted files only (a file's bytes never
    change under one URL, so each is compressed once per encoding); anything else (callback
    answers, pages) is compressed per response and never stored."""

    def __init__(self):
        self._store: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._store.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";"):  # _compression_cache_key: not a fingerprinted file
            return
        with self._lock:
            self._store[key] = value


def _fingerprinted(request) -> bool:
    """A URL whose bytes never change: Dash's fingerprinted component files, assets with ?m=."""
    path = request.path
    if "/_dash-component-suites/" in path:
        return dash.fingerprint.check_fingerprint(path.rsplit("/", 1)[-1])[1]
    return "/assets/" in path and "m" in request.args


def _compression_cache_key(request) -> str:
    """The file a fingerprinted URL names, without its fingerprint: any number of made-up
    fingerprints for one file share one entry, so the cache holds at most one copy per file
    and encoding (files do not change under a running server: Dash's hot reload is off)."""
    if request.method != "GET" or not _fingerprinted(request):
        return ""
    folder, _, name = request.path.rpartition("/")
    if "/_dash-component-suites/" in request.path:
        name = dash.fingerprint.check_fingerprint(name)[0]
    return f"{folder}/{name}"


def _use_light_bundles() -> None:
    """Swap the full plotly.js for the partial bundle, hold AG Grid back from every page, and
    leave out what no page or browser here needs.

    Both libraries register their files in module-level lists at import (dcc._js_dist, Dash's
    own plotly entry added per app; dash_ag_grid._js_dist); a `dynamic` entry is still served
    but not put in the page, so a page asks for it itself (BubblemeterDash.interpolate_index).
    """
    dcc._js_dist[:] = [r for r in dcc._js_dist if r.get("namespace") != "plotly"]
    if not any(r.get("namespace") == PLOTLY_BUNDLE["namespace"] for r in dcc._js_dist):
        dcc._js_dist.append({**PLOTLY_BUNDLE, "dynamic": True})
    for resource in dash_ag_grid._js_dist:
        if resource["relative_package_path"] == "dash_ag_grid.min.js":
            resource["dynamic"] = True
    # no page draws a DataTable (tables here are html.Table): Dash would send its bundle anyway
    for resource in dash.dash_table._js_dist:
        if resource["relative_package_path"] == "dash_table/bundle.js":
            resource["dynamic"] = True
    # @babel/polyfill (core-js 2 and regenerator-runtime, 90 KB, ~40 ms of script on every
    # load here) fills in ES2015+ for browsers that lack it; every browser Dash 4's own bundles
    # run in has it natively. The one global of it still used, `regeneratorRuntime` (dcc's
    # loader of its lazy chunks, such as dcc.Graph's), dash-bootstrap-components' bundle
    # defines as it loads, on every page (the navbar); tests/test_dashboard_light.py checks it.
    for dependency in _dash_renderer._js_dist_dependencies:
        for key in ("relative_package_path", "external_url"):
            for mode, paths in dependency.get(key, {}).items():
                dependency[key][mode] = [p for p in paths if "/polyfill@" not in f"/{p}"]


class BubblemeterDash(dash.Dash):
    """Dash whose page HTML points graphs at the partial plotly.js and loads the grid on
    GRID_PAGES only."""

    def interpolate_index(self, **kwargs):
        """The page HTML, with this page's title and its extra scripts before the renderer
        starts."""
        kwargs["title"] = firstpage.page_title(flask.request.path) or kwargs.get("title", "")
        kwargs["scripts"] = kwargs.get("scripts", "") + self._page_scripts(flask.request.path)
        return super().interpolate_index(**kwargs)

    def _page_scripts(self, path: str) -> str:
        [plotly_url, graph_chunk_url] = self._collect_and_register_resources(
            [PLOTLY_BUNDLE, GRAPH_CHUNK]
        )
        # dcc.Graph loads plotly.js from window._dashPlotlyJSURL when it first draws; the
        # renderer sets that to the full bundle's fixed path, so the property keeps this one
        scripts = [
            "<script>Object.defineProperty(window, '_dashPlotlyJSURL', {configurable: true, "
            f"get: function () {{ return {plotly_url!r}; }}, set: function () {{}}}});</script>",
            firstpage.HINT_JS,
        ]
        grid_page = self.strip_relative_path(path) in {p.strip("/") for p in GRID_PAGES}
        if not grid_page:
            scripts += [plotmargins.MARGINS_JS, _plotly_early(plotly_url, graph_chunk_url)]
        if grid_page:
            grid = [
                {k: v for k, v in r.items() if k != "dynamic"}
                for r in dash_ag_grid._js_dist
                if r["relative_package_path"] == "dash_ag_grid.min.js"
            ]
            scripts += [
                f'<script src="{url}"></script>'
                for url in self._collect_and_register_resources(grid)
            ]
        else:
            # reaching a grid page in-app (a link, back/forward) reloads it, so that its HTML
            # brings the grid's bundle
            grid_paths = [self.get_relative_path(p) for p in GRID_PAGES]
            scripts.append(
                "<script>(function () { var grid = " + json.dumps(grid_paths) + ";"
                " function check() { if (!window.dash_ag_grid &&"
                " grid.indexOf(window.location.pathname) >= 0) { window.location.reload(); } }"
                " window.addEventListener('popstate', check);"
                " window.addEventListener('_dashprivate_pushstate', check); })();</script>"
            )
        return "\n" + "\n".join(scripts)


# Started as the layout is requested (dashboard/firstpage.py: the first page comes with it), or
# by the renderer's request_pre hook as a page's first callback (the page router) goes out:
# plotly.js is fetched and run while the server answers, not after the answer has drawn the
# first graph. Until it has run, window.Plotly is a thenable: dcc.Graph resolves window.Plotly
# before loading plotly.js itself, so a graph waits for this copy. dcc.Graph's own code (a
# webpack chunk of dash core components) is fetched at the same time: a chunk that has run is
# marked loaded, whatever its URL, so the graph does not ask for it again (if dcc renames it,
# the graph loads its code itself, as before). Its URL here carries Dash's fingerprint, so a
# later visit takes it from the browser's cache without asking the server whether it changed
# (the chunk loader's own URL has none).
GRAPH_CHUNK = {"relative_package_path": "dcc/async-graph.js", "namespace": "dash"}
PLOTLY_EARLY_JS = """<script>window.__bubblemeterPlotly = (function (url, graphChunk) {
  var started = false;
  return {start: function () {
    if (started || window.Plotly) { return; }
    started = true;
    var chunk = document.createElement('script');
    chunk.src = graphChunk;
    chunk.async = true;
    document.head.appendChild(chunk);
    var ready = new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = url;
      script.async = true;
      script.onload = function () {
        var wrap = window.__bubblemeterMargins;
        resolve(wrap ? wrap(window.Plotly) : window.Plotly);
      };
      script.onerror = function () {
        delete window.Plotly;
        reject(new Error('plotly.js did not load from ' + url));
      };
      document.head.appendChild(script);
    });
    ready.catch(function () {});
    window.Plotly = {then: function (ok, fail) { return ready.then(ok, fail); }};
  }};
})(%s, %s);</script>"""
# A page that comes with the layout runs no callback as it loads (`_title_not_at_load`, and
# the phone menu listens to the router's location, which the layout already holds). Dash's
# renderer starts out "loading" and only its watcher of callbacks sets that off, as a callback
# ends: with none, the tab would stay titled "Updating...". So once the layout is in and no
# callback is waiting, this sets it off with the renderer's own action, as the watcher would.
# A callback that starts later sets it on again through the watcher, as before.
QUIET_JS = """function () {
  var store = window.store;
  if (!store || !store.subscribe) { return; }
  var stages = ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'executed'];
  function waiting(callbacks) {
    return stages.some(function (k) { return callbacks && callbacks[k] && callbacks[k].length; });
  }
  var stop = store.subscribe(function () {
    var state = store.getState();
    if (!state.isLoading) { stop(); return; }
    if (!state.graphs || state.layout === null || state.layout === undefined) { return; }
    if (!waiting(state.callbacks)) {
      stop();
      store.dispatch({type: 'IsLoading.Set', payload: false});
    }
  });
}"""
RENDERER_HOOKS = {
    "request_pre": "function () { if (window.__bubblemeterPlotly) { "
    "window.__bubblemeterPlotly.start(); } }",
    "layout_post": QUIET_JS,
}
TITLE_OUTPUT = "_pages_dummy.children"  # Dash pages' callback that sets the tab's title


def _title_not_at_load(app: dash.Dash) -> None:
    """Dash pages' title callback, not called as a page loads: the page HTML already has the
    page's title (BubblemeterDash.interpolate_index). A page the router fills in, or the next
    page, sets it as before. Dash registers that callback as the first request comes in."""
    for entry in app._callback_list:
        if entry.get("output") == TITLE_OUTPUT:
            entry["prevent_initial_call"] = True


def _plotly_early(url: str, graph_chunk: str) -> str:
    return PLOTLY_EARLY_JS % (json.dumps(url), json.dumps(graph_chunk))


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
    links = [
        dbc.NavItem(
            dbc.NavLink(
                page["name"],
                href=page["relative_path"],
                active="exact",
                # the grid's bundle comes with a grid page's HTML: load it as a page
                external_link=page["path"] in GRID_PAGES,
            )
        )
        for page in sorted(
            dash.page_registry.values(),
            key=lambda p: (p.get("order") is None, p.get("order") or 0, p["name"]),
        )
    ]
    # below 768 px the links fold behind a toggler (dashboard/assets/bubblemeter.css)
    nav = dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("bubblemeter", href="/"),
                dbc.NavbarToggler(id=ids.NAV_TOGGLER),
                dbc.Collapse(
                    dbc.Nav(links, navbar=True), id=ids.NAV_COLLAPSE, is_open=False, navbar=True
                ),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        expand="md",
    )
    return html.Div(
        [
            nav,
            dbc.Container(
                [status_banner(settings), firstpage.page_container()],
                fluid=True,
                className="pt-3",
            ),
        ]
    )


def create_app(settings: Settings) -> dash.Dash:
    """Build the Dash app reading the warehouse named in settings."""
    context.set_settings(settings)
    app = BubblemeterDash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        title="bubblemeter",
        suppress_callback_exceptions=True,
        hooks=RENDERER_HOOKS,
    )
    _use_light_bundles()
    pagecache.PAGES.install(dash.page_registry)
    app.layout = serve_layout
    components.register_callbacks(app)
    app.server.before_request(lambda: _title_not_at_load(app))
    # the phone menu: the toggler opens and closes it, choosing a page (the router's location
    # changes) closes it
    app.clientside_callback(
        """function (clicks, path, open) {
            const ctx = window.dash_clientside.callback_context;
            const byToggler = ctx.triggered.some(t => t.prop_id.startsWith('nav-toggler'));
            return byToggler ? !open : false;
        }""",
        dash.Output(ids.NAV_COLLAPSE, "is_open"),
        dash.Input(ids.NAV_TOGGLER, "n_clicks"),
        dash.Input("_pages_location", "pathname"),
        dash.State(ids.NAV_COLLAPSE, "is_open"),
        prevent_initial_call=True,
    )
    # One answer, one warehouse: a request's queries share one read-only connection, so a
    # refresh swapping a new file in mid-answer cannot mix two warehouses in one page.
    app.server.before_request(lambda: READER.hold(context.settings()))
    app.server.teardown_request(lambda exc: READER.release())
    # User SQL runs in worker processes of this server process (started on its first request,
    # after gunicorn forked it), never in the server itself.
    app.server.before_request(SQL_WORKERS.start)
    app.server.after_request(_security_headers)
    app.server.after_request(_cache_headers)
    app.server.after_request(firstpage.vary)
    app.server.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_ALGORITHM=["br", "zstd", "gzip"],
        COMPRESS_BR_LEVEL=5,
        COMPRESS_CACHE_BACKEND=_StaticCompressionCache,
        COMPRESS_CACHE_KEY=_compression_cache_key,
    )
    Compress(app.server)
    return app


def _cache_headers(response):
    """Fingerprinted files may be kept a year: a new version has a new URL."""
    if response.status_code == 200 and _fingerprinted(flask.request):
        response.headers["Cache-Control"] = f"public, max-age={YEAR_S}, immutable"
    return response


def _security_headers(response):
    """No page may be framed by another site (a hidden frame could run a query on load)."""
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
