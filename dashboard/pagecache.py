"""Built pages kept per warehouse file: a page's layout for one URL query, built once for the
file's content (its identity, warehouse/reader.py) and handed out again until a refresh swaps in
a new file.

A page is pure in the warehouse, the settings and its URL query, except where it reads the
clock: those pages (UNCACHED: the data status page's ages) are built per request. (The SQL
console's layout runs no query: a `?q=` link fills the editor, and a callback runs it.) The
key also holds the UTC date, so nothing built on one day is served the next. The thesis page
on the benchmark's 5.3M-row warehouse is built in ~65 ms, most of it plotly's figure objects;
kept, its router callback answers in the time of its JSON encoding.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable

from dashboard import context
from warehouse.reader import READER

UNCACHED = ("/status",)  # ages against the clock
MAX_PAGES = 16


class PageCache:
    """Layouts by (settings, identity, path, UTC date, query); least recently used go first."""

    def __init__(self, max_pages: int = MAX_PAGES):
        self.max_pages = max_pages
        self._pages: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def wrap(self, path: str, build: Callable) -> Callable:
        """A page's layout function that hands out the page built for this file and query."""

        @functools.wraps(build)
        def layout(**query):
            settings = context.settings()
            identity = READER.identity(settings)
            if identity is None:
                return build(**query)
            where = (repr(settings), path)
            key = (
                where,
                identity,
                dt.datetime.now(dt.UTC).date(),
                tuple(sorted((k, repr(v)) for k, v in query.items())),
            )
            with self._lock:
                page = self._pages.get(key)
                if page is not None:
                    self._pages.move_to_end(key)
                    return page
            page = build(**query)
            if READER.identity(settings) != identity:
                return page  # the file changed while the page was built: keep nothing
            with self._lock:
                for old in [k for k in self._pages if k[0] == where and k[1] != identity]:
                    del self._pages[old]
                self._pages[key] = page
                while len(self._pages) > self.max_pages:
                    self._pages.popitem(last=False)
            return page

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
