"""AI revenue gap: the "AI's $600B question" method, with its assumptions editable."""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import chart, charts, components, context, ids, revenue_gap, text

dash.register_page(
    __name__,
    path="/revenue-gap",
    name="AI revenue gap",
    order=40,
    title="AI revenue gap · bubblemeter",
)

DEFAULTS = {
    "quarter": "",
    "cost": revenue_gap.DEFAULT_COST_MULTIPLIER,
    "margin": revenue_gap.DEFAULT_MARGIN_MULTIPLIER,
    "earned": "",
}


def _quarter_key(label: str) -> str:
    return label.replace(" ", "")


def _number(value) -> str:
    """A multiplier as typed back into the URL: '2' rather than '2.0'."""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def result_block(gap: revenue_gap.Gap, label: str):
    """The calculation spelled out, step by step, for one quarter."""
    steps = [
        html.Li(
            [
                f"NVIDIA data-center revenue in {label}: ",
                html.Strong(text.usd_billions(gap.data_center_revenue_usd)),
            ]
        ),
        html.Li(
            [
                "× 4 quarters = run-rate ",
                html.Strong(text.usd_billions(gap.run_rate_usd)),
                " a year",
            ]
        ),
        html.Li(
            [
                f"× cost multiplier {gap.cost_multiplier:g} = data-center spend ",
                html.Strong(text.usd_billions(gap.data_center_cost_usd)),
                " a year",
            ]
        ),
        html.Li(
            [
                (
                    f"× margin multiplier {gap.margin_multiplier:g} = revenue end users must "
                    "earn from AI "
                ),
                html.Strong(text.usd_billions(gap.required_revenue_usd), id=ids.GAP_REQUIRED),
                " a year",
            ]
        ),
    ]
    if gap.earned_usd is None:
        outcome = html.P(
            "No gap shown: enter your own estimate of the AI revenue actually "
            "earned per year. The warehouse holds no data on it, so the page will "
            "not guess.",
            className="text-muted mb-0",
        )
    else:
        if gap.gap_usd > 0:
            tail = [" a year short of what the spend requires: the gap."]
            lead = "falls "
        else:
            tail = [" a year: no gap at these assumptions."]
            lead = "exceeds what the spend requires by "
        outcome = html.P(
            [
                f"Your estimate of {text.usd_billions(gap.earned_usd)} earned a year " + lead,
                html.Strong(text.usd_billions(abs(gap.gap_usd))),
                *tail,
            ],
            className="mb-0",
        )
    return html.Div([html.Ol(steps, className="steps"), outcome])


def compute(chart_data, quarter: str, cost, margin, earned):
    """(result block, chart rendering, chosen quarter label) for the inputs; on a bad input the
    block and the chart name it."""
    gap_chart = charts.REVENUE_GAP
    if chart_data.empty_reason:
        reason = chart_data.empty_reason
        return components.empty_state(reason), gap_chart.blank(reason), None
    try:
        cost_m = revenue_gap.check_multiplier(cost, "cost multiplier")
        margin_m = revenue_gap.check_multiplier(margin, "margin multiplier")
        earned_usd = revenue_gap.check_earned(earned)
    except revenue_gap.BadAssumption as exc:
        message = f"Cannot compute: {exc}."
        block = dbc.Alert(message, color="warning", className="mb-0")
        return block, gap_chart.blank(message), None
    frame = chart_data.frame
    keys = {_quarter_key(lbl): lbl for lbl in frame["fiscal_label"]}
    label = keys.get(_quarter_key(quarter or ""), frame["fiscal_label"].iloc[-1])
    row = frame[frame["fiscal_label"] == label].iloc[0]
    gap = revenue_gap.compute(row.data_center_revenue_usd, cost_m, margin_m, earned_usd)
    f = chart.filters(cost=cost_m, margin=margin_m, earned=earned_usd, label=label, error=None)
    return result_block(gap, label), gap_chart.render(None, f, chart_data), label


@callback(
    Output(ids.GAP_URL, "search"),
    Output(ids.GAP_RESULT, "children"),
    *charts.REVENUE_GAP.outputs(),
    Input(ids.GAP_QUARTER, "value"),
    Input(ids.GAP_COST_MULTIPLIER, "value"),
    Input(ids.GAP_MARGIN_MULTIPLIER, "value"),
    Input(ids.GAP_EARNED, "value"),
    prevent_initial_call=True,
)
def update(quarter, cost, margin, earned):
    """Recompute the gap whenever an assumption changes, and keep the inputs in the URL."""
    chart_data = charts.REVENUE_GAP.read(context.settings())
    search = components.search_string(
        {
            "quarter": quarter or "",
            "cost": _number(cost),
            "margin": _number(margin),
            "earned": _number(earned),
        },
        {**DEFAULTS, "cost": _number(DEFAULTS["cost"]), "margin": _number(DEFAULTS["margin"])},
    )
    block, rendered, _label = compute(chart_data, quarter, cost, margin, earned)
    return (search, block, *charts.REVENUE_GAP.values(rendered))


def layout(quarter=None, cost=None, margin=None, earned=None, **_query):
    """The page, with the assumptions read from the URL query string."""
    chart_data = charts.REVENUE_GAP.read(context.settings())
    cost = cost if cost not in (None, "") else revenue_gap.DEFAULT_COST_MULTIPLIER
    margin = margin if margin not in (None, "") else revenue_gap.DEFAULT_MARGIN_MULTIPLIER
    earned = earned if earned not in (None, "") else None
    options = (
        []
        if chart_data.empty_reason
        else [
            {"label": lbl, "value": _quarter_key(lbl)}
            for lbl in reversed(list(chart_data.frame["fiscal_label"]))
        ]
    )
    block, rendered, label = compute(chart_data, quarter, cost, margin, earned)

    def number_input(input_id, value, step, placeholder=None):
        return dcc.Input(
            id=input_id,
            type="number",
            value=value,
            min=0,
            step=step,
            placeholder=placeholder,
            debounce=0.15,  # waits out a typed number's keystrokes, not the person
            className="form-control",
        )

    inputs = dbc.Card(
        dbc.CardBody(
            [
                html.H5("Inputs"),
                html.Label(
                    "NVIDIA quarter (data from the warehouse)",
                    className="form-label",
                    htmlFor=ids.GAP_QUARTER,
                ),
                dcc.Dropdown(
                    id=ids.GAP_QUARTER,
                    options=options,
                    clearable=False,
                    value=_quarter_key(label) if label else None,
                    className="mb-3",
                ),
                html.Label(
                    "Cost multiplier: the method's assumption (GPUs about half of a data "
                    "center's total cost → 2)",
                    className="form-label",
                    htmlFor=ids.GAP_COST_MULTIPLIER,
                ),
                number_input(ids.GAP_COST_MULTIPLIER, _float_or_none(cost), 0.1),
                html.Label(
                    "Margin multiplier: the method's assumption (a 50% gross margin for whoever "
                    "sells AI services → 2)",
                    className="form-label mt-2",
                    htmlFor=ids.GAP_MARGIN_MULTIPLIER,
                ),
                number_input(ids.GAP_MARGIN_MULTIPLIER, _float_or_none(margin), 0.1),
                html.Label(
                    "AI revenue actually earned, USD billions a year: your estimate (no data "
                    "on it in the warehouse)",
                    className="form-label mt-2",
                    htmlFor=ids.GAP_EARNED,
                ),
                number_input(
                    ids.GAP_EARNED, _float_or_none(earned), 1, placeholder="your estimate"
                ),
            ]
        ),
        className="mb-3",
    )
    return html.Div(
        [
            dcc.Location(id=ids.GAP_URL, refresh=False),
            html.H3("AI revenue gap"),
            html.P(
                "The \"AI's $600B question\" method: annualise NVIDIA's data-center revenue, "
                "multiply by what the rest of a data center costs and by the margin its users "
                "need, and compare the result with the AI revenue actually earned. The "
                "multipliers are the method's assumptions, not data: change them to test the "
                "argument.",
                className="intro",
            ),
            dbc.Row(
                [
                    dbc.Col(inputs, lg=4),
                    dbc.Col(
                        [
                            dbc.Card(
                                dbc.CardBody(
                                    [html.H5("Result"), html.Div(block, id=ids.GAP_RESULT)]
                                ),
                                className="mb-3",
                            ),
                            charts.REVENUE_GAP.card(rendered),
                        ],
                        lg=8,
                    ),
                ]
            ),
        ]
    )


def _float_or_none(value):
    """What a number box can show: the number, or empty for anything else (the result block
    then names the bad input)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
