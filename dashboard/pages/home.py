"""Thesis (home): the scorecard, sentences composed from it, and the two charts that carry it."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import chart, charts, components, context, data, ids, text

dash.register_page(__name__, path="/", name="Thesis", order=0)

SCORECARD_COLUMNS = {
    "indicator_label": "Indicator",
    "value_pct": "Latest",
    "period_label": "Period",
    "change_on_quarter_pp": "On prior quarter",
    "change_on_year_pp": "On a year earlier",
    "points_to": "Points to",
    "source": "Source",
}
ROWS = ((charts.HOME_DC_MIX, charts.HOME_DC_VS_CAPEX), charts.HOME_HISTORY)
BADGES = {"enterprise-led": "bg-success", "capex-led": "bg-danger"}


def _change(value, label):
    if text.missing(value):
        return html.Span("no comparable reading", className="text-muted small")
    return html.Span([text.pp(value), html.Br(), html.Small(f"vs {label}", className="text-muted")])


def source_cell(source: str):
    """A source as text, or as a short link when it is a URL."""
    if isinstance(source, str) and source.startswith("http"):
        host = source.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
        return html.A(host, href=source, target="_blank", rel="noopener noreferrer")
    return source


def _basis(r) -> str:
    """Who the reading covers, and that the comparisons cover the same."""
    members = r.members if isinstance(r.members, str) else ""
    if len(members) > 40:
        members = f"{members.count(',') + 1} members"
    same = r.year_ago_members == r.members if isinstance(r.year_ago_members, str) else None
    return f"over {members}" + ("; the same a year earlier" if same else "")


def _currency(r):
    """'not current' with its age, for a reading left out of the count."""
    if bool(r.is_current):
        return []
    behind = int(r.quarters_behind)
    return [
        html.Br(),
        html.Span(
            f"not current: {behind} quarter{'s' if behind != 1 else ''} behind, not counted",
            className="badge bg-secondary not-current-badge",
        ),
    ]


def scorecard_table(frame):
    """The scorecard as an HTML table: one row per indicator; rows that are not current are
    greyed and say so."""
    head = html.Thead(html.Tr([html.Th(h) for h in SCORECARD_COLUMNS.values()]))
    rows = []
    for r in frame.itertuples():
        rule = r.reading_rule if isinstance(r.reading_rule, str) else ""
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            r.indicator_label,
                            html.Br(),
                            html.Small(rule, className="text-muted reading-rule"),
                            html.Br(),
                            html.Small(_basis(r), className="text-muted basis"),
                        ],
                        title=f"{r.detail}" if isinstance(r.detail, str) else None,
                    ),
                    html.Td(html.Strong(text.pct(r.value_pct)), className="num"),
                    html.Td(
                        [r.period_label]
                        + _currency(r)
                        + (
                            []
                            if text.day(r.period_end) in r.period_label
                            else [
                                html.Br(),
                                html.Small(
                                    f"as of {text.day(r.period_end)}", className="text-muted"
                                ),
                            ]
                        )
                    ),
                    html.Td(
                        _change(r.change_on_quarter_pp, r.prior_quarter_label),
                        className="num",
                        title=r.prior_quarter_detail
                        if isinstance(r.prior_quarter_detail, str)
                        else None,
                    ),
                    html.Td(
                        _change(r.change_on_year_pp, r.year_ago_label),
                        className="num",
                        title=r.year_ago_detail if isinstance(r.year_ago_detail, str) else None,
                    ),
                    html.Td(
                        html.Span(r.points_to, className=f"badge {BADGES.get(r.points_to, '')}")
                    ),
                    html.Td(html.Small(source_cell(r.source)), className="source"),
                ],
                id=f"scorecard-{r.indicator}",
                className=None if bool(r.is_current) else "not-current text-muted",
                style=None if bool(r.is_current) else {"opacity": 0.55},
            )
        )
    for row in rows:  # each cell names its column: below 768 px a row is a card (CSS)
        for cell, header in zip(row.children, SCORECARD_COLUMNS.values()):
            setattr(cell, "data-label", header)
    return html.Table([head, html.Tbody(rows)], className="table table-sm scorecard")


def scorecard_card(scorecard):
    """The scorecard card, or what is missing."""
    if scorecard.empty_reason:
        body = components.empty_state(scorecard.empty_reason)
        drawn = None
    else:
        drawn = scorecard.frame
        body = scorecard_table(drawn)
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H5("Scorecard: where the evidence points", className="mb-0"),
                        html.Button(
                            "Download CSV",
                            id=chart.csv_button("scorecard"),
                            className="btn btn-sm",
                            disabled=drawn is None,
                        ),
                    ],
                    className="d-flex justify-content-between align-items-center mb-2 gap-2",
                ),
                html.Div(body, id=ids.HOME_SCORECARD, className="table-wrap"),
                html.Small(
                    "Changes are in percentage points, on the same basis and over the same "
                    "members (NVIDIA's presentation vintage, a fixed panel of hyperscalers, "
                    "adopters or states, the same Census question). 'Points to' reads the change "
                    "on a year earlier; a reading more than two quarters behind the newest in "
                    "the warehouse, or overdue for its source, is greyed and not counted. Hover "
                    "an indicator for its detail.",
                    className="text-muted caption",
                ),
                dcc.Store(
                    id=chart.csv_store("scorecard"),
                    data=chart.csv_payload(drawn, "bubblemeter-scorecard.csv"),
                ),
                dcc.Download(id=chart.csv_download("scorecard")),
            ]
        ),
        className="mb-3",
    )


def layout(**_query):
    """Build the page from the warehouse as it is now."""
    settings = context.settings()
    scorecard = data.thesis_scorecard(settings)
    sentences = [] if scorecard.empty_reason else text.thesis_sentences(scorecard.frame)

    out = chart.render_all(chart.flat(ROWS), settings, chart.filters())

    return html.Div(
        [
            html.H3("Is NVIDIA's growth carried by big-tech capex, or by enterprises?"),
            html.Div(
                [html.P(s, className="lead-sentence") for s in sentences],
                id=ids.HOME_SUMMARY,
                className="summary",
            ),
            scorecard_card(scorecard),
            *chart.grid(ROWS, out),
        ]
    )
