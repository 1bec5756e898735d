"""Layout pieces pages share besides charts (dashboard/chart.py): tables with a CSV download,
empty states, URL filters."""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import MATCH, Input, Output, State, dcc, html

from dashboard.chart import csv_button, csv_download, csv_on_click, csv_payload, csv_store


def download_csv(n_clicks, payload):
    """Callback body: send the stored CSV (nothing when the chart is empty); a chart that
    reads its CSV on demand is read now."""
    if not n_clicks or not payload:
        return None
    if "csv" not in payload:
        payload = csv_on_click(payload)
        if payload is None:
            return None
    return {
        "content": payload["csv"],
        "filename": payload["filename"],
        "type": "text/csv",
        "base64": False,
    }


def register_callbacks(app) -> None:
    """Callbacks shared by every page (registered per app: pages can be rebuilt per app)."""
    app.callback(
        Output(csv_download(MATCH), "data"),
        Input(csv_button(MATCH), "n_clicks"),
        State(csv_store(MATCH), "data"),
        prevent_initial_call=True,
    )(download_csv)


def table_card(
    key: str,
    title: str,
    table_id: str,
    caption_id: str,
    frame: pd.DataFrame | None,
    columns: dict[str, str],
    caption_text: str,
    empty_reason: str | None = None,
    formats: dict | None = None,
    links: tuple[str, ...] = (),
    controls=None,
):
    """A card holding a plain table, its caption and a 'download CSV' of the rows shown."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H5(title, className="mb-0"),
                        html.Button(
                            "Download CSV",
                            id=csv_button(key),
                            className="btn btn-sm",
                            disabled=frame is None or frame.empty,
                        ),
                    ],
                    className="d-flex justify-content-between align-items-center mb-2 gap-2",
                ),
                controls,
                html.Div(
                    table(frame, columns, formats, links, empty_reason),
                    id=table_id,
                    className="table-wrap",
                ),
                html.Small(caption_text, id=caption_id, className="text-muted caption"),
                dcc.Store(
                    id=csv_store(key),
                    data=None
                    if frame is None or frame.empty
                    else csv_payload(frame[list(columns)], f"bubblemeter-{key}.csv"),
                ),
                dcc.Download(id=csv_download(key)),
            ]
        ),
        className="mb-3",
    )


def table(
    frame: pd.DataFrame | None,
    columns: dict[str, str],
    formats: dict | None = None,
    links: tuple[str, ...] = (),
    empty_reason: str | None = None,
):
    """An HTML table of chosen columns (name -> header), or the reason it is empty."""
    if frame is None or frame.empty:
        return html.P(empty_reason or "nothing to show", className="empty-state")
    formats = formats or {}
    head = html.Thead(html.Tr([html.Th(h) for h in columns.values()]))
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for col in columns:
            value = getattr(row, col)
            text = (
                formats[col](value)
                if col in formats
                else (
                    "–"
                    if value is None or (not isinstance(value, str) and pd.isna(value))
                    else str(value)
                )
            )
            if col in links and isinstance(value, str) and value.startswith("http"):
                cells.append(
                    html.Td(
                        html.A(
                            _short_url(value),
                            href=value,
                            target="_blank",
                            rel="noopener noreferrer",
                        )
                    )
                )
            else:
                cells.append(html.Td(text))
        body.append(html.Tr(cells))
    return html.Table([head, html.Tbody(body)], className="table table-sm")


def _short_url(url: str) -> str:
    host = url.split("//", 1)[-1].split("/", 1)[0]
    return host.removeprefix("www.")


def empty_state(reason: str, element_id: str | None = None):
    """A visible note saying what is missing and how to get it."""
    kwargs = {"id": element_id} if element_id else {}
    return dbc.Alert(reason, color="warning", className="empty-state", **kwargs)


# --------------------------------------------------------------------------------------------
# Filters in the URL query string


def search_string(params: dict, defaults: dict) -> str:
    """'?a=1&b=x,y' holding only the filters that differ from their defaults ('' when none)."""
    kept = {}
    for key, value in params.items():
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "1" if value else "0"
        elif value is None:
            value = ""
        default = defaults.get(key)
        if isinstance(default, (list, tuple)):
            default = ",".join(str(v) for v in default)
        elif isinstance(default, bool):
            default = "1" if default else "0"
        elif default is None:
            default = ""
        if str(value) != str(default):
            kept[key] = value
    return "?" + urlencode(kept, safe=",:") if kept else ""


def query_list(value, allowed: list[str], default: list[str]) -> list[str]:
    """A comma-separated query value as a list of allowed items, in the allowed order."""
    if value is None:
        return list(default)
    if isinstance(value, (list, tuple)):
        value = ",".join(value)
    wanted = {v.strip() for v in str(value).split(",") if v.strip()}
    chosen = [a for a in allowed if a in wanted]
    return chosen


def query_choice(value, allowed: list[str], default: str) -> str:
    """A query value that must be one of `allowed`, else the default."""
    return value if isinstance(value, str) and value in allowed else default


def query_flag(value, default: bool = False) -> bool:
    """'1'/'true'/'yes' -> True, '0'/'false'/'no' -> False, else the default."""
    if isinstance(value, str):
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off"):
            return False
    return default
