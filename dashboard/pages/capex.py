"""Big-tech capex: per hyperscaler and in total, capex intensity, NVIDIA's share of it."""

import dash
from dash import Input, Output, callback, dcc, html

from dashboard import chart, charts, components, context, ids, universe

dash.register_page(
    __name__, path="/capex", name="Big-tech capex", order=20, title="Big-tech capex · bubblemeter"
)

ROWS = (
    charts.CAPEX_BY_COMPANY,
    (charts.CAPEX_INTENSITY, charts.CAPEX_DC_SHARE),
    charts.CAPEX_CLOUD,
)
CHARTS = chart.flat(ROWS)


def render(tickers: list[str]):
    """Every chart's rendering for the chosen hyperscalers, by chart key."""
    settings = context.settings()
    f = chart.filters(
        tickers=tickers,
        all_tickers=universe.tickers(settings, "hyperscaler"),
        colors=universe.colors(settings),
    )
    return chart.render_all(CHARTS, settings, f)


@callback(
    Output(ids.CAPEX_URL, "search"),
    *chart.outputs(CHARTS),
    Input(ids.CAPEX_TICKERS, "value"),
    prevent_initial_call=True,
)
def update(tickers):
    """Redraw the charts for the chosen hyperscalers and put them in the URL."""
    hyperscalers = universe.tickers(context.settings(), "hyperscaler")
    tickers = [t for t in hyperscalers if t in (tickers or [])]
    search = components.search_string({"tickers": tickers}, {"tickers": hyperscalers})
    return (search, *chart.values(CHARTS, render(tickers)))


def layout(tickers=None, **_query):
    """The page, with the chosen hyperscalers read from the URL query string."""
    hyperscalers = universe.tickers(context.settings(), "hyperscaler")
    tickers = components.query_list(tickers, hyperscalers, hyperscalers)
    return html.Div(
        [
            dcc.Location(id=ids.CAPEX_URL, refresh=False),
            html.H3("Big-tech capex"),
            html.Div(
                [
                    html.Span("Hyperscalers:", className="form-label-inline"),
                    dcc.Checklist(
                        id=ids.CAPEX_TICKERS,
                        options=hyperscalers,
                        value=tickers,
                        inline=True,
                        className="inline-choices",
                    ),
                ],
                className="filters",
            ),
            *chart.grid(ROWS, render(tickers)),
        ]
    )
