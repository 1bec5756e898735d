"""Data status: last refresh per source, run history with failures, newest data per table."""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import chart, components, context, data, ids, text
from warehouse.runlog import utcnow
from warehouse.scheduler_state import read_state

dash.register_page(
    __name__, path="/status", name="Data status", order=60, title="Data status · bubblemeter"
)

DEFAULTS = {"failed": False}
SOURCE_COLUMNS = {
    "source": "Source",
    "last_run_started_at": "Last run",
    "last_run_mode": "Mode",
    "last_run_status": "Status",
    "items_ok": "Items ok",
    "items_failed": "Failed",
    "items_skipped": "Skipped",
    "failures": "Failures and reasons",
    "skips": "Skipped and why",
    "last_success_at": "Last success",
}
FRESHNESS_COLUMNS = {
    "source": "Source",
    "table_name": "Table",
    "row_count": "Rows",
    "newest_data_date": "Newest data",
    "last_success_at": "Last loaded",
    "last_success_mode": "Mode",
}
RUN_COLUMNS = {
    "started_at": "Started",
    "duration_s": "Seconds",
    "trigger": "Trigger",
    "mode": "Mode",
    "status": "Status",
    "items_ok": "Ok",
    "items_failed": "Failed",
    "items_skipped": "Skipped",
    "rows_written": "Rows written",
    "failures": "Failures and reasons",
}
FORMATS = {
    "last_run_started_at": text.moment,
    "last_success_at": text.moment,
    "started_at": text.moment,
    "newest_data_date": text.day,
    "duration_s": lambda v: "–" if text.missing(v) else f"{v:,.1f}",
    "row_count": lambda v: f"{v:,}",
    "rows_written": lambda v: f"{int(v):,}",
    "failures": lambda v: reason_list(v),
    "skips": lambda v: reason_list(v),
}


def reason_list(value):
    """A view's ' | '-joined reasons (each distinct reason once, with its item count) as lines."""
    if text.missing(value):
        return ""
    return [html.Div(reason, className="reason") for reason in str(value).split(" | ")]


def scheduler_block(state: dict | None):
    """What the scheduler last did and will do next, or that none is running."""
    if state is None:
        return html.P(
            "No scheduler running: no scheduler has written its state next to this "
            "warehouse. Start one with `bubblemeter schedule` to refresh daily.",
            className="mb-0",
        )
    rows = [
        ("Last run", text.moment(state.get("last_run_at")) if state.get("last_run_at") else "–"),
        ("Last status", state.get("last_status") or "–"),
        ("Last summary", state.get("last_summary") or "–"),
        (
            "Next run",
            (text.moment(state.get("next_run_at")) if state.get("next_run_at") else "–")
            if state.get("alive")
            else "none scheduled (not running)",
        ),
    ]
    head = (
        "Scheduler running (process " + str(state.get("pid")) + ")"
        if state.get("alive")
        else "No scheduler running: the last one (process "
        + str(state.get("pid"))
        + ") has stopped; its last state is below."
    )
    return html.Div(
        [
            html.P(head, className="mb-2"),
            html.Table(
                html.Tbody([html.Tr([html.Th(k), html.Td(v)]) for k, v in rows]),
                className="table table-sm",
            ),
        ]
    )


def summary_block(settings):
    """Plain statements about how current the warehouse is (the banner's messages, always)."""
    status = data.warehouse_status(settings)
    if status.empty_reason:
        return components.empty_state(status.empty_reason)
    row = status.frame.iloc[0]
    now = utcnow()
    facts = [
        html.Li(f"Newest price: {text.day(row.newest_price_date)}"),
        html.Li(
            f"Last successful load: {text.moment(row.last_success_at)} "
            f"({row.last_success_mode or '–'})"
        ),
        html.Li(
            f"Last run: {text.moment(row.last_run_started_at)}, status {row.last_run_status or '–'}"
        ),
    ]
    messages = text.banner_messages(status.frame, now)
    alerts = [dbc.Alert(m, color=level, className="mb-2") for level, m in messages]
    if not messages:
        alerts = [
            dbc.Alert(
                "Up to date: recent prices and a recent successful load.",
                color="success",
                className="mb-2",
            )
        ]
    return html.Div(alerts + [html.Ul(facts, className="mb-0")])


def runs_table(failed_only: bool):
    """(table, csv payload, disabled) for the run history."""
    runs = data.ingest_run_summary(context.settings(), failed_only)
    frame = None if runs.empty_reason else runs.frame
    body = components.table(frame, RUN_COLUMNS, FORMATS, empty_reason=runs.empty_reason)
    payload = (
        None
        if frame is None
        else chart.csv_payload(frame[list(RUN_COLUMNS) + ["run_id"]], "bubblemeter-status-runs.csv")
    )
    return body, payload, frame is None


@callback(
    Output(ids.STATUS_URL, "search"),
    Output(ids.STATUS_RUNS_TABLE, "children"),
    Output(chart.csv_store("status-runs"), "data"),
    Output(chart.csv_button("status-runs"), "disabled"),
    Input(ids.STATUS_FAILED_ONLY, "value"),
    prevent_initial_call=True,
)
def update(failed_value):
    """Show all runs or only those with failures, and keep the choice in the URL."""
    failed_only = "failed" in (failed_value or [])
    body, payload, disabled = runs_table(failed_only)
    return (components.search_string({"failed": failed_only}, DEFAULTS), body, payload, disabled)


def layout(failed=None, **_query):
    """The page, read fresh from the warehouse and the scheduler's state file."""
    settings = context.settings()
    failed_only = components.query_flag(failed)
    sources = data.source_last_refresh(settings)
    freshness = data.data_freshness(settings)
    body, payload, disabled = runs_table(failed_only)

    def frame_of(result):
        return None if result.empty_reason else result.frame

    runs_card = dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H5("Run history (latest 50)", className="mb-0"),
                        html.Button(
                            "Download CSV",
                            id=chart.csv_button("status-runs"),
                            className="btn btn-sm",
                            disabled=disabled,
                        ),
                    ],
                    className="d-flex justify-content-between align-items-center mb-2 gap-2",
                ),
                dcc.Checklist(
                    id=ids.STATUS_FAILED_ONLY,
                    value=["failed"] if failed_only else [],
                    inline=True,
                    className="inline-choices mb-2",
                    options=[{"label": "only runs with failures", "value": "failed"}],
                ),
                html.Div(body, id=ids.STATUS_RUNS_TABLE, className="table-wrap"),
                html.Small(
                    "Source: ingest_runs and ingest_run_items (view ingest_run_summary). Times "
                    "in UTC.",
                    className="text-muted caption",
                ),
                dcc.Store(id=chart.csv_store("status-runs"), data=payload),
                dcc.Download(id=chart.csv_download("status-runs")),
            ]
        ),
        className="mb-3",
    )

    return html.Div(
        [
            dcc.Location(id=ids.STATUS_URL, refresh=False),
            html.H3("Data status"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card(
                            dbc.CardBody(
                                [
                                    html.H5("How current"),
                                    html.Div(summary_block(settings), id=ids.STATUS_SUMMARY),
                                ]
                            ),
                            className="mb-3",
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        dbc.Card(
                            dbc.CardBody(
                                [
                                    html.H5("Scheduler"),
                                    html.Div(
                                        scheduler_block(read_state(settings)),
                                        id=ids.STATUS_SCHEDULER,
                                    ),
                                ]
                            ),
                            className="mb-3",
                        ),
                        lg=6,
                    ),
                ]
            ),
            components.table_card(
                "status-sources",
                "Last refresh per source",
                ids.STATUS_SOURCES_TABLE,
                "status-sources-caption",
                frame_of(sources),
                SOURCE_COLUMNS,
                "Source: view source_last_refresh. Times in UTC.",
                empty_reason=sources.empty_reason,
                formats=FORMATS,
            ),
            components.table_card(
                "status-freshness",
                "Newest data per table",
                ids.STATUS_FRESHNESS_TABLE,
                "status-freshness-caption",
                frame_of(freshness),
                FRESHNESS_COLUMNS,
                "Source: view data_freshness. 'Newest data' is the latest date the rows describe "
                "(a price day, a quarter end), not when they were loaded.",
                empty_reason=freshness.empty_reason,
                formats=FORMATS,
            ),
            runs_card,
        ]
    )
