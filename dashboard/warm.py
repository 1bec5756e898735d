"""Pages kept ready: each page is built once before the server answers, and again in the
background as soon as a refresh has swapped in a new warehouse file.

Building a page reads its queries through the Reader (warehouse/reader.py), whose results are
kept per file identity; so the first person to open a page after a start or a refresh gets those
results from memory instead of waiting for the views (the thesis scorecard and history take
~0.2 s on a large warehouse). The built pages are kept too (dashboard/pagecache.py), and a page
module with a `warm(settings)` function has it called: the markets page draws every range for
its default series then, so the range buttons' first answers are ready. Building also runs, once
per process, the imports and first-use set-up of plotly and Dash a first request would otherwise
pay (~0.2 s).

`bubblemeter serve` warms before it listens and then watches the file (every WATCH_S seconds,
two stat calls), warming once a new file has stayed the same for one look (a refresh swaps the
file once; a file that changes faster than that is left to its requests, not rebuilt over and
over beside them); `dashboard.wsgi` starts the watcher in each gunicorn worker on its first
request. Nothing here can stop the server: a page that fails to build is reported on stderr
and left for its request to report.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import dash

from dashboard import app as dashboard_app
from warehouse.reader import READER, file_identity
from warehouse.settings import Settings

WATCH_S = 0.5


def warm_pages(app: dash.Dash, settings: Settings) -> tuple[int, float]:
    """Build the shell and every page's default layout once, JSON-encoded as Dash would send
    them; return (pages built, seconds)."""
    from plotly.io.json import to_json_plotly as to_json

    started = time.perf_counter()
    built = 0
    for page in dash.page_registry.values():
        layout = page.get("layout")
        if not callable(layout):
            continue
        try:
            with app.server.test_request_context(page["relative_path"]), READER.request(settings):
                to_json(dashboard_app.serve_layout())
                to_json(layout())
                # a page may keep its callbacks' first answers ready too (pages/markets.py)
                warm_answers = getattr(sys.modules.get(page.get("module")), "warm", None)
                if callable(warm_answers):
                    warm_answers(settings)
            built += 1
        except Exception as exc:  # the page's own request will report it
            print(f"warming {page['relative_path']}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return built, time.perf_counter() - started


class Watcher:
    """Warms the pages again whenever the warehouse file's identity changes (one per process;
    started again in a forked child)."""

    def __init__(self, app: dash.Dash, settings: Settings, interval_s: float = WATCH_S):
        self.app, self.settings, self.interval_s = app, settings, interval_s
        self.warmed_identity = None
        self._pid = None
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def warm_now(self) -> tuple[int, float]:
        """Warm for the file as it is now, and remember which file that was."""
        identity = file_identity(self.settings)
        result = warm_pages(self.app, self.settings)
        self.warmed_identity = identity
        return result

    def ensure_running(self) -> None:
        """Start the watching thread in this process, once."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
        threading.Thread(target=self._watch, name="bubblemeter-warm", daemon=True).start()

    def stop(self) -> None:
        """Stop watching (the thread ends within interval_s)."""
        self._stop.set()

    def _watch(self) -> None:
        seen = None  # a new identity seen once: warmed when the next look finds it unchanged
        while not self._stop.is_set():
            identity = file_identity(self.settings)
            if identity is None or identity == self.warmed_identity:
                seen = None
            elif identity == seen:
                self.warm_now()
                seen = None
            else:
                seen = identity
            self._stop.wait(self.interval_s)
