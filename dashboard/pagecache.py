"""Built pages kept per warehouse file: a page's layout for one URL query, built once for the
file's content (its identity, warehouse/reader.py) and handed out again until a refresh swaps in
a new file.

A page is pure in the warehouse, the settings and its URL query, except where it reads the
clock: those pages (UNCACHED: the data status page's ages) are built per request. (The SQL
console's layout runs no query: a `?q=` link fills the editor, and a callback runs it.) The
key also holds the UTC date, so nothing built on one day is served the next. The thesis page
on the benchmark's 5.3M-row warehouse is built in ~65 ms, most of it plotly's figure objects;
kept, its router callback answers in the time of its JSON encoding.

ANSWERS keeps callback answers the same way: the markets page's charts for a range, series and
comparison (pages/markets.py, `answer`).

DRAWINGS keeps each chart as drawn (chart.Rendered: figure, caption, rows) by what it was drawn
from instead: the chart, the page's filters, a digest of the rows it read, and the UTC date
(DrawingCache). A refresh gives every file a new identity, so PAGES and ANSWERS start afresh
after it, and so does the Reader's cache; but most of a page's rows are the same after a daily
refresh (a filing or a BTOS edition lands every few weeks), and a chart whose rows are the same
is handed out again instead of being drawn anew. On the benchmark's warehouse, plotly's figure
objects are most of what a page's first request after a refresh costs (the six charts of
Enterprise adoption: ~150 ms of ~245 ms in process, the queries ~50 ms). What a chart draws is
a pure function of the rows read and the filters (a figure that reads the clock reads the date,
which is in the key).

What is kept is sent again and again, so its figures are kept as the JSON data plotly.js
receives (KeptFigure): Dash's encoder otherwise converts a plotly figure object anew for every
answer (to_dict and its numbers to base64). On the benchmark's warehouse, encoding the thesis
page took 16.8 ms and takes 3.7 ms; a 5Y markets answer's two charts 28.8 ms and 4.9 ms. The
text sent is the same, byte for byte (tests/test_dashboard_ready.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd
import plotly.io as pio
from dash.development.base_component import Component
from plotly.basedatatypes import BaseFigure

from dashboard import context
from warehouse.reader import READER

UNCACHED = ("/status",)  # ages against the clock
MAX_PAGES = 16
MAX_ANSWERS = 32
MAX_DRAWINGS = 64
MAX_DRAWN_FROM_BYTES = 4 * 2**20  # rows read larger than this are not digested, nor kept


class KeptFigure:
    """A figure as plotly.js receives it, converted once (the figure object itself is not
    kept). Dash's encoder asks any object it does not know for `to_plotly_json()`; this one
    hands out plain JSON data (typed arrays already base64, as plotly writes them), which the
    json module writes out at C speed."""

    __slots__ = ("_plain",)

    def __init__(self, figure: BaseFigure):
        self._plain = json.loads(pio.to_json(figure, validate=False))

    def to_plotly_json(self) -> dict:
        return self._plain


def keep_figures(built):
    """`built` with each plotly figure in it replaced by a KeptFigure: in Dash components (a
    property holding a figure, a component or a list of them), and in the lists, tuples, dicts
    and dataclasses (chart.Rendered) of a callback's answer. Components are changed in place
    (they were just built and nothing else holds them yet); other data (a store's rows, a
    dropdown's options) is left as it is."""
    if isinstance(built, BaseFigure):
        return KeptFigure(built)
    if isinstance(built, Component):
        for name in built._prop_names:
            value = getattr(built, name, None)
            if _holds_parts(value):
                setattr(built, name, keep_figures(value))
        return built
    if isinstance(built, (list, tuple)):
        return type(built)(keep_figures(v) for v in built) if _holds_parts(built) else built
    if isinstance(built, dict):
        return {k: keep_figures(v) for k, v in built.items()}
    if dataclasses.is_dataclass(built) and not isinstance(built, type):
        changes = {
            f.name: keep_figures(getattr(built, f.name))
            for f in dataclasses.fields(built)
            if _holds_parts(getattr(built, f.name))
        }
        return dataclasses.replace(built, **changes) if changes else built
    return built


def _holds_parts(value) -> bool:
    """A figure, a component, or a list or tuple with one of them in it."""
    if isinstance(value, (BaseFigure, Component)):
        return True
    return isinstance(value, (list, tuple)) and any(
        isinstance(v, (BaseFigure, Component, list, tuple)) for v in value
    )


class PageCache:
    """Built things (a page's layout, a callback's charts) by (settings, what, file identity,
    UTC date, arguments); least recently used go first."""

    def __init__(self, max_pages: int = MAX_PAGES):
        self.max_pages = max_pages
        self._pages: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, where: tuple, args: tuple, build: Callable[[], object]):
        """build()'s result for `where` (what is built) and `args` (hashable), kept for the
        current settings, warehouse file and UTC day; built again once any of them changes."""
        settings = context.settings()
        identity = READER.identity(settings)
        if identity is None:
            return build()
        where = (repr(settings), *where)
        key = (where, identity, dt.datetime.now(dt.UTC).date(), args)
        with self._lock:
            kept = self._pages.get(key)
            if kept is not None:
                self._pages.move_to_end(key)
                return kept
        kept = keep_figures(build())
        if READER.identity(settings) != identity:
            return kept  # the file changed while it was built: keep nothing
        with self._lock:
            for old in [k for k in self._pages if k[0] == where and k[1] != identity]:
                del self._pages[old]
            self._pages[key] = kept
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)
        return kept

    def wrap(self, path: str, build: Callable) -> Callable:
        """A page's layout function that hands out the page built for this file and query."""

        @functools.wraps(build)
        def layout(**query):
            args = tuple(sorted((k, repr(v)) for k, v in query.items()))
            return self.keep((path,), args, lambda: build(**query))

        layout.__bubblemeter_cached__ = True
        return layout

    def install(self, registry) -> None:
        """Wrap every page's layout in the registry, once (pages are registered once per
        process; every app of the process shares them)."""
        for page in registry.values():
            layout = page.get("layout")
            if (
                callable(layout)
                and not getattr(layout, "__bubblemeter_cached__", False)
                and page["path"] not in UNCACHED
            ):
                page["layout"] = self.wrap(page["path"], layout)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


PAGES = PageCache()
# Callback answers that redraw whole charts (the markets range, series and comparison), kept
# like pages: a range chosen again, or by another visitor, is not drawn again
ANSWERS = PageCache(max_pages=MAX_ANSWERS)


def rows_digest(frame) -> str | None:
    """A digest of a DataFrame's content: its column names and types, and pandas' own hash of
    each row, index included (pandas.util.hash_pandas_object, which reads the values, not how
    pandas happens to hold them in memory); None when the frame is too large to be worth it,
    or holds values pandas cannot hash."""
    try:
        if frame.memory_usage(index=True, deep=False).sum() > MAX_DRAWN_FROM_BYTES:
            return None
        rows = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    except (AttributeError, TypeError, ValueError):
        return None
    digest = hashlib.sha256(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(rows.tobytes())
    return digest.hexdigest()


def drawing_id(chart_key: str, chosen: str, rows) -> str | None:
    """What a chart shows, named: a digest of the chart, its filters (`chosen`, their repr),
    the rows it read and the UTC date; None when the rows are not digested (too large). Two
    drawings with one id are the same figure, caption and rows."""
    digest = rows_digest(rows)
    if digest is None:
        return None
    key = repr((chart_key, chosen, digest, dt.datetime.now(dt.UTC).date().isoformat()))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class DrawingCache:
    """Charts as drawn, by drawing_id; least recently used go first. Nothing in the id names
    the warehouse file: a chart drawn from the same rows is the same chart, before a refresh
    or after it."""

    def __init__(self, max_drawings: int = MAX_DRAWINGS):
        self.max_drawings = max_drawings
        self._drawn: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, drawing: str, draw: Callable[[], object]):
        """draw()'s result for this drawing id, drawn once while it stays among the last
        `max_drawings` used."""
        with self._lock:
            kept = self._drawn.get(drawing)
            if kept is not None:
                self._drawn.move_to_end(drawing)
                return kept
        kept = draw()
        with self._lock:
            self._drawn[drawing] = kept
            while len(self._drawn) > self.max_drawings:
                self._drawn.popitem(last=False)
        return kept

    def clear(self) -> None:
        with self._lock:
            self._drawn.clear()

    def __len__(self) -> int:
        return len(self._drawn)


DRAWINGS = DrawingCache()
