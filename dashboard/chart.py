"""The chart spec: a chart declared once, its ids, callback outputs, card and CSV derived from it.

Dash's All-in-One component pattern is the model: a chart owns the ids of everything in its card
(graph, caption, CSV button, store and download), so a page never spells them. A page holds the
filters; a chart turns (settings, filters) into a figure, a caption and the rows it draws.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Output, ctx, dcc, html, no_update
from dash.exceptions import MissingCallbackContextException

from dashboard import context, figures, pagecache
from warehouse.reader import READER

GRAPH_CONFIG = {
    "displaylogo": False,
    "displayModeBar": "hover",
    "responsive": True,  # follow the window's width (a phone turned, a window narrowed)
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}
NOTHING_TO_DRAW = "nothing to draw for this selection: the loaded data has no rows for it"


def csv_button(key: str) -> dict:
    """Pattern id of a card's 'download CSV' button."""
    return {"type": "csv-button", "chart": key}


def csv_store(key: str) -> dict:
    """Pattern id of the store holding exactly the rows a card shows, as CSV."""
    return {"type": "csv-store", "chart": key}


def csv_download(key: str) -> dict:
    """Pattern id of a card's dcc.Download."""
    return {"type": "csv-download", "chart": key}


def csv_payload(drawn: pd.DataFrame | None, filename: str) -> dict | None:
    """What a card's store holds: exactly the rows it shows, as CSV text."""
    if drawn is None:
        return None
    return {"csv": drawn.to_csv(index=False), "filename": filename}


# Charts by key, for the CSV a chart reads when its button is clicked (Chart.csv_on_demand)
REGISTRY: dict[str, Chart] = {}


def csv_on_click(payload: dict) -> dict | None:
    """The CSV of an on-demand card: its chart rendered again for the filters it was drawn
    with (the store holds those, not the rows), from the warehouse as it is now."""
    chart = REGISTRY.get(payload.get("chart"))
    if chart is None or not chart.csv_on_demand or not isinstance(payload.get("filters"), dict):
        return None
    try:
        rendered = chart.render(context.settings(), filters(**payload["filters"]))
    except (AttributeError, KeyError, TypeError, ValueError):  # filters the page never sends
        return None
    return csv_payload(rendered.drawn, chart.filename)


def filters(**values) -> SimpleNamespace:
    """A page's filters as the charts read them (f.tickers, f.benchmark, ...)."""
    return SimpleNamespace(**values)


@dataclass(frozen=True)
class Rendered:
    """One chart for one choice of filters: what it draws, or why it draws nothing."""

    figure: object
    caption: str
    drawn: pd.DataFrame | None  # exactly the rows drawn (the CSV), None when empty
    frame: pd.DataFrame | None = None  # the rows as read, before selection
    filters: SimpleNamespace | None = None  # the filters it was drawn for
    drawing: str | None = None  # what it shows, named (pagecache.drawing_id); None: unnamed


def _takes_filters(fn: Callable) -> bool:
    """True when fn requires a second positional argument (the page's filters); optional
    parameters (btos_figure's today=None) are left to their defaults."""
    required = [
        p
        for p in inspect.signature(fn).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    return len(required) >= 2


def _keep(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


@dataclass(frozen=True)
class Chart:
    """A chart declared once: key, title, data function, figure builder and caption.

    `data`, `drawn`, `figure` and `caption` take their value (settings, the rows read, the rows
    drawn) and, when they require a second argument, the page's filters, which also carry
    `frame`, the rows as read. `check` gives a reason to draw nothing for some filters (no
    company ticked), or None. `uses` names the page filters it reads (f.tickers is "tickers"):
    a page callback redraws it only when one of those changes (`redrawn`); a test checks the
    names against what each chart draws. The key names everything: element ids `<key>-graph`
    and `<key>-caption`, the CSV pattern ids and the file `bubblemeter-<key>.csv`.
    """

    key: str
    title: str
    data: Callable
    figure: Callable
    caption: Callable
    drawn: Callable = _keep
    check: Callable | None = None
    csv_on_demand: bool = False
    uses: tuple[str, ...] = ()
    _arity: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        for name in ("data", "drawn", "figure", "caption"):
            self._arity[name] = _takes_filters(getattr(self, name))
        REGISTRY[self.key] = self

    def _call(self, name: str, value, f):
        fn = getattr(self, name)
        return fn(value, f) if self._arity[name] else fn(value)

    @property
    def graph_id(self) -> str:
        return f"{self.key}-graph"

    @property
    def caption_id(self) -> str:
        return f"{self.key}-caption"

    @property
    def filename(self) -> str:
        return f"bubblemeter-{self.key}.csv"

    def outputs(self) -> list[Output]:
        """The four outputs a page callback fills: figure, caption, CSV payload, button state."""
        return [
            Output(self.graph_id, "figure"),
            Output(self.caption_id, "children"),
            Output(csv_store(self.key), "data"),
            Output(csv_button(self.key), "disabled"),
        ]

    def values(self, rendered: Rendered) -> list:
        """Values for outputs(), in the same order."""
        return [rendered.figure, rendered.caption, self.payload(rendered), rendered.drawn is None]

    def payload(self, rendered: Rendered) -> dict | None:
        """What the card's CSV store holds: the rows drawn, or (csv_on_demand) the filters
        they were drawn for."""
        if rendered.drawn is None:
            return None
        if self.csv_on_demand and rendered.filters is not None:
            return {"chart": self.key, "filters": vars(rendered.filters)}
        return csv_payload(rendered.drawn, self.filename)

    def blank(self, reason: str) -> Rendered:
        """The chart drawing nothing, saying why."""
        return Rendered(figures.empty_figure(reason), reason, None)

    def read(self, settings, f=None):
        """The chart's data (a data.ChartData) for these filters."""
        return self._call("data", settings, f if f is not None else filters())

    def render(self, settings, f=None, chart_data=None) -> Rendered:
        """Figure, caption and drawn rows for these filters, or the empty state saying what is
        missing. chart_data: the rows already read by read(), when the page needs them too."""
        f = f if f is not None else filters()
        reason = self.check(f) if self.check else None
        if reason:
            return self.blank(reason)
        chart_data = chart_data if chart_data is not None else self.read(settings, f)
        if chart_data.empty_reason:
            return Rendered(
                figures.empty_figure(chart_data.empty_reason), chart_data.empty_reason, None
            )
        chosen = f
        try:
            drawing = pagecache.drawing_id(self.key, self.drawn_for(chosen), chart_data.frame)
        except TypeError:  # filters that do not sort: drawn every time
            drawing = None
        if drawing is None:
            return self._draw(chart_data.frame, chosen, None)
        return pagecache.DRAWINGS.keep(
            drawing, lambda: self._draw(chart_data.frame, chosen, drawing)
        )

    def drawn_for(self, f: SimpleNamespace) -> str:
        """The filters this chart is drawn for, as text (part of its drawing's id): every value
        it is given but the page filters it does not read (those other charts name in `uses`
        and it does not). A chart that names none is drawn for all it is given."""
        ignored = {u for c in REGISTRY.values() for u in c.uses} - set(self.uses)
        if not self.uses:
            ignored = set()
        return repr(sorted((k, v) for k, v in vars(f).items() if k not in ignored))

    def _draw(self, frame: pd.DataFrame, chosen: SimpleNamespace, drawing: str | None):
        f = SimpleNamespace(**vars(chosen), frame=frame)
        drawn = self._call("drawn", frame, f)
        if drawn.empty:
            return Rendered(figures.empty_figure(NOTHING_TO_DRAW), NOTHING_TO_DRAW, None)
        return Rendered(
            self._call("figure", drawn, f),
            self._call("caption", drawn, f),
            drawn,
            frame,
            chosen,
            drawing,
        )

    def card(self, rendered: Rendered, controls=None, note=None):
        """A card: title, optional controls, the graph, its caption and a 'download CSV'."""
        return dbc.Card(
            dbc.CardBody(
                [
                    html.Div(
                        [
                            html.H5(self.title, className="mb-0"),
                            html.Button(
                                "Download CSV",
                                id=csv_button(self.key),
                                className="btn btn-sm",
                                disabled=rendered.drawn is None,
                                title="the rows this chart draws",
                            ),
                        ],
                        className="d-flex justify-content-between align-items-center mb-2 gap-2",
                    ),
                    controls,
                    dcc.Graph(id=self.graph_id, figure=rendered.figure, config=GRAPH_CONFIG),
                    html.Small(
                        rendered.caption, id=self.caption_id, className="text-muted caption"
                    ),
                    note,
                    dcc.Store(id=csv_store(self.key), data=self.payload(rendered)),
                    dcc.Download(id=csv_download(self.key)),
                ]
            ),
            className="mb-3",
        )


def render_all(charts: Iterable[Chart], settings, f) -> dict[str, Rendered]:
    """Each chart rendered for the same filters, by key."""
    return {c.key: c.render(settings, f) for c in charts}


def warehouse_version(settings) -> str | None:
    """The warehouse file this request reads, as a page records it (drawn_from): a digest of
    its identity (warehouse/reader.py: device, inode, mtime, size), so the page does not carry
    those; None where a file has none (MotherDuck, :memory:)."""
    identity = READER.identity(settings)
    return None if identity is None else hashlib.sha256(repr(identity).encode()).hexdigest()[:16]


def drawn_from(store_id: str, rendered: dict[str, Rendered] | None = None) -> dcc.Store:
    """A page's record of what its charts show (record(): the warehouse file they were drawn
    from, and each chart's drawing), as the page is built."""
    return dcc.Store(id=store_id, data=record(rendered or {}))


def _recorded(drawn_from) -> tuple[str | None, dict]:
    """(file, drawings by chart key) of a page's record; a record of the file alone (as pages
    drawn before drawings were recorded hold it) has no drawings, and anything else no file."""
    if isinstance(drawn_from, dict):
        drawings = drawn_from.get("drawings")
        file = drawn_from.get("file")
        return (file if isinstance(file, str) else None), (
            drawings if isinstance(drawings, dict) else {}
        )
    return (drawn_from if isinstance(drawn_from, str) else None), {}


def record(rendered: dict[str, Rendered], drawn_from=None) -> dict:
    """What a page records once `rendered` is on it: the warehouse file this request reads
    (warehouse_version) and each chart's drawing (Rendered.drawing), those of the charts not
    redrawn carried over from the page's record when it was drawn from this same file."""
    version = warehouse_version(context.settings())
    file, drawings = _recorded(drawn_from)
    kept = drawings if file is not None and file == version else {}
    return {"file": version, "drawings": {**kept, **{k: r.drawing for k, r in rendered.items()}}}


def to_send(rendered: dict[str, Rendered], drawn_from) -> dict[str, Rendered]:
    """`rendered` without the charts the page shows already: those whose drawing is the one
    its record names (the same figure, caption and rows, pagecache.drawing_id). After a
    refresh every chart is rendered again (fired_filters), and only those that come out
    otherwise go to the page: the rest already show what this file draws."""
    _, drawings = _recorded(drawn_from)
    return {k: r for k, r in rendered.items() if r.drawing is None or drawings.get(k) != r.drawing}


def fired_filters(by_input: dict[str, str], drawn_from=None) -> set[str] | None:
    """The page filters whose inputs fired the running callback (by_input: input id -> filter
    name). None, which renders every chart, when that is not known (no callback running, no
    input named) and when the page's charts were drawn from another warehouse file than this
    request reads (a refresh has landed since; drawn_from, the page's record): the charts on a
    page always come from one file (to_send then leaves out those drawn the same)."""
    file, _ = _recorded(drawn_from)
    if file is None or file != warehouse_version(context.settings()):
        return None
    try:
        fired = {by_input.get(prop_id.rsplit(".", 1)[0]) for prop_id in ctx.triggered_prop_ids}
    except MissingCallbackContextException:  # called outside a callback (a layout, a test)
        return None
    fired.discard(None)
    return fired or None


def redrawn(charts: Iterable[Chart], fired: set[str] | None) -> list[Chart]:
    """The charts a change of the filters `fired` redraws: those that read one of them (every
    chart when `fired` is None). The others keep what they show (values() sends no_update)."""
    return [c for c in charts if fired is None or fired & set(c.uses)]


def outputs(charts: Iterable[Chart]) -> list[Output]:
    """Every chart's outputs, in order."""
    return [o for c in charts for o in c.outputs()]


def values(charts: Iterable[Chart], rendered: dict[str, Rendered]) -> list:
    """Every chart's output values, in the order of outputs(charts); a chart not in `rendered`
    (not redrawn) keeps its outputs as they are (no_update)."""
    return [
        v
        for c in charts
        for v in (
            c.values(rendered[c.key]) if c.key in rendered else [no_update] * len(c.outputs())
        )
    ]


def grid(rows, rendered: dict[str, Rendered], extras: dict | None = None) -> list:
    """Cards laid out in rows: a Chart fills a row, a tuple of Charts shares one.
    extras: key -> {"controls": ..., "note": ...} for the cards that carry them."""
    extras = extras or {}

    def card(c: Chart):
        return c.card(rendered[c.key], **extras.get(c.key, {}))

    out = []
    for row in rows:
        if isinstance(row, Chart):
            out.append(card(row))
        else:
            width = 12 // len(row)
            out.append(dbc.Row([dbc.Col(card(c), lg=width) for c in row]))
    return out


def flat(rows) -> list[Chart]:
    """The charts of a grid, in reading order."""
    return [c for row in rows for c in ((row,) if isinstance(row, Chart) else row)]
