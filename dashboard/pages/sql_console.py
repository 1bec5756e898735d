"""SQL console: one sandboxed read-only query, results in a grid; the query lives in the URL."""

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from dashboard import context, data, ids

dash.register_page(__name__, path="/sql", name="SQL", order=90, title="SQL · bubblemeter")

PLACEHOLDER = "select * from nvda_dc_vs_capex order by calendar_quarter_start"


def _examples():
    items = [
        html.Li(
            html.Button(
                example.title,
                id={"type": ids.SQL_EXAMPLE, "name": example.name},
                title=f"warehouse/examples/{example.name}.sql",
                n_clicks=0,
                className="sql-example",
            )
        )
        for example in data.sql_examples()
    ]
    return dbc.Card(
        [
            dbc.CardHeader("Example queries"),
            dbc.CardBody(html.Ul(items, id=ids.SQL_EXAMPLES, className="sql-examples")),
        ],
        className="mb-3",
    )


def _schema(settings):
    schema = data.sql_schema(settings)
    if schema.empty_reason:
        body = html.P(schema.empty_reason, className="text-muted")
    else:
        body = []
        for (kind, name), group in schema.frame.groupby(["object_type", "object_name"], sort=False):
            rows = [
                html.Tr(
                    [
                        html.Td(html.Code(r.column_name)),
                        html.Td(r.data_type),
                        html.Td(r.column_description),
                    ]
                )
                for r in group.itertuples()
            ]
            body.append(
                html.Details(
                    [
                        html.Summary(
                            [
                                html.Code(name),
                                " ",
                                html.Span(kind, className="badge"),
                                " ",
                                html.Small(
                                    group["object_description"].iloc[0], className="text-muted"
                                ),
                            ]
                        ),
                        html.Table(html.Tbody(rows), className="table mb-2"),
                    ],
                    className="mb-2",
                )
            )
    return dbc.Card(
        [
            dbc.CardHeader("Tables and views"),
            dbc.CardBody(
                body,
                id=ids.SQL_SCHEMA,
                className="sql-schema",
                style={"maxHeight": "32rem", "overflowY": "auto"},
            ),
        ],
        className="mb-3",
    )


def layout(q=None, **_query):
    """The console; ?q=... fills the editor and runs the query (a shareable link)."""
    settings = context.settings()
    query = q[0] if isinstance(q, list) else q
    editor = dbc.Card(
        dbc.CardBody(
            [
                dcc.Textarea(
                    id=ids.SQL_EDITOR,
                    value=query or "",
                    placeholder=PLACEHOLDER,
                    spellCheck=False,
                    className="form-control sql-editor mb-2",
                ),
                html.Div(
                    [
                        dbc.Button("Run", id=ids.SQL_RUN, color="primary", className="me-2"),
                        dbc.Button(
                            "Download CSV", id=ids.SQL_DOWNLOAD, className="me-2", disabled=True
                        ),
                        html.Span(id=ids.SQL_STATUS, className="text-muted"),
                    ],
                    className="d-flex align-items-center mb-2",
                ),
                html.Small(
                    f"One read-only statement; no files, network or settings changes; "
                    f"{settings.sql_timeout_s:g} s and {settings.sql_memory_limit} per query; "
                    f"the first {settings.sql_row_cap:,} rows are shown.",
                    className="text-muted",
                ),
            ]
        ),
        className="mb-3",
    )
    results = html.Div(
        [
            dbc.Alert(id=ids.SQL_ERROR, color="danger", is_open=False),
            dbc.Alert(id=ids.SQL_TRUNCATED, color="warning", is_open=False),
            dcc.Loading(
                dag.AgGrid(
                    id=ids.SQL_GRID,
                    rowData=[],
                    columnDefs=[],
                    defaultColDef={
                        "sortable": True,
                        "resizable": True,
                        "filter": True,
                        "useValueFormatterForExport": False,
                    },
                    dashGridOptions={"suppressFieldDotNotation": True, "animateRows": False},
                    csvExportParams={"fileName": "bubblemeter-query.csv"},
                    style={"height": "32rem", "width": "100%"},
                )
            ),
            html.Small(
                data.sql_source_note(settings),
                id=ids.SQL_SOURCE,
                className="text-muted d-block mt-2",
            ),
        ]
    )
    return html.Div(
        [
            html.H3("SQL console"),
            dbc.Row(
                [
                    dbc.Col([editor, results], lg=8),
                    dbc.Col([_examples(), _schema(settings)], lg=4),
                ]
            ),
            dcc.Store(id=ids.SQL_AUTORUN, data=bool(query and query.strip())),
            dcc.Store(id=ids.SQL_URL_SYNC),
        ]
    )


@callback(
    Output(ids.SQL_EDITOR, "value"),
    Input({"type": ids.SQL_EXAMPLE, "name": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def load_example(clicks):
    """Put the clicked example's SQL in the editor."""
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update
    name = ctx.triggered_id["name"]
    return next((e.sql for e in data.sql_examples() if e.name == name), dash.no_update)


@callback(
    Output(ids.SQL_GRID, "rowData"),
    Output(ids.SQL_GRID, "columnDefs"),
    Output(ids.SQL_STATUS, "children"),
    Output(ids.SQL_ERROR, "children"),
    Output(ids.SQL_ERROR, "is_open"),
    Output(ids.SQL_TRUNCATED, "children"),
    Output(ids.SQL_TRUNCATED, "is_open"),
    Output(ids.SQL_DOWNLOAD, "disabled"),
    Input(ids.SQL_RUN, "n_clicks"),
    State(ids.SQL_EDITOR, "value"),
    State(ids.SQL_AUTORUN, "data"),
)
def run(clicks, sql, autorun):
    """Run the editor's query (on Run, or on load when the URL carries one)."""
    if not clicks and not autorun:
        return [], [], "", "", False, "", False, True
    result = data.run_console_query(context.settings(), sql)
    if result.error:
        return [], [], "", result.error, True, "", False, True
    n = result.row_count
    status = f"{n:,} row{'' if n == 1 else 's'} in {result.elapsed_ms:,.0f} ms"
    notice = ""
    if result.truncated:
        status = f"first {n:,} rows in {result.elapsed_ms:,.0f} ms (truncated)"
        notice = (
            f"Showing the first {result.row_cap:,} rows: the result has more. Add a "
            f"WHERE or LIMIT, or use `bubblemeter sql --output FILE` for every row."
        )
    return (result.rows, result.column_defs, status, "", False, notice, result.truncated, n == 0)


@callback(
    Output(ids.SQL_GRID, "exportDataAsCsv"),
    Input(ids.SQL_DOWNLOAD, "n_clicks"),
    prevent_initial_call=True,
)
def download_csv(_clicks):
    """Let the grid write its rows as CSV in the browser."""
    return True


# The query goes into the address bar on Run, so the page can be shared as a link. replaceState
# changes the URL without Dash's router noticing, so the page is not rebuilt or run twice.
clientside_callback(
    """
    function(clicks, sql) {
        if (!clicks) { return window.dash_clientside.no_update; }
        const url = new URL(window.location.href);
        if (sql && sql.trim()) { url.searchParams.set('q', sql); }
        else { url.searchParams.delete('q'); }
        window.history.replaceState(window.history.state, '', url.toString());
        return url.search;
    }
    """,
    Output(ids.SQL_URL_SYNC, "data"),
    Input(ids.SQL_RUN, "n_clicks"),
    State(ids.SQL_EDITOR, "value"),
    prevent_initial_call=True,
)
