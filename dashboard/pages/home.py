"""Thesis (home): the two charts that carry the argument."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import context, data, figures, ids

dash.register_page(__name__, path="/", name="Thesis", order=0)


def _chart(title: str, chart, build, build_caption, graph_id: str, caption_id: str):
    if chart.empty_reason:
        body = [figures.empty_figure(chart.empty_reason), chart.empty_reason]
    else:
        body = [build(chart.frame), build_caption(chart.frame)]
    return dbc.Card(dbc.CardBody([
        html.H5(title),
        dcc.Graph(id=graph_id, figure=body[0], config={"displaylogo": False}),
        html.Small(body[1], id=caption_id, className="text-muted"),
    ]), className="mb-3")


def layout(**_query):
    """Build the page from the warehouse as it is now."""
    settings = context.settings()
    return html.Div([
        html.H3("Is NVIDIA's growth carried by big-tech capex, or by enterprises?"),
        dbc.Row([
            dbc.Col(_chart("NVIDIA data-center revenue: hyperscale vs AI clouds, industrial "
                           "& enterprise", data.nvda_data_center_mix(settings),
                           figures.dc_mix_figure, figures.dc_mix_caption,
                           ids.HOME_DC_MIX_GRAPH, ids.HOME_DC_MIX_CAPTION), lg=6),
            dbc.Col(_chart("Hyperscaler capex by calendar quarter",
                           data.hyperscaler_capex_quarterly(settings), figures.capex_figure,
                           figures.capex_caption, ids.HOME_CAPEX_GRAPH, ids.HOME_CAPEX_CAPTION),
                    lg=6),
        ]),
    ])
