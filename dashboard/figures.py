"""Pure builders: DataFrame -> plotly Figure. No I/O."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

COLORS = {
    "hyperscale": "#1f77b4",
    "enterprise": "#2ca02c",
    "AMZN": "#ff9900", "GOOGL": "#4285f4", "META": "#0866ff", "MSFT": "#737373",
    "ORCL": "#c74634",
}
LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=40, b=40), height=380,
              legend=dict(orientation="h", y=-0.15), hovermode="x unified")


def empty_figure(message: str) -> go.Figure:
    """A blank figure that says what is missing instead of an empty axis."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(template="plotly_white", height=200, xaxis_visible=False,
                      yaxis_visible=False)
    return fig


def dc_mix_figure(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars: NVIDIA data-center revenue, hyperscale vs AI clouds/industrial/enterprise."""
    labels = frame["fiscal_label"]
    fig = go.Figure()
    for col, share, name, color in (
        ("hyperscale_usd", "hyperscale_share_pct", "Hyperscale", COLORS["hyperscale"]),
        ("ai_clouds_industrial_enterprise_usd", "ai_clouds_industrial_enterprise_share_pct",
         "AI clouds, industrial & enterprise", COLORS["enterprise"]),
    ):
        fig.add_bar(
            x=labels, y=frame[col] / 1e9, name=name, marker_color=color,
            customdata=list(zip(frame[share], frame["vintage"])),
            hovertemplate="%{y:$,.2f}B (%{customdata[0]:.1f}% of data center)"
                          "<br>%{customdata[1]}<extra>" + name + "</extra>")
    fig.update_layout(barmode="stack", yaxis_title="USD billions", **LAYOUT)
    return fig


def capex_figure(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars of capex per hyperscaler by calendar quarter; total and YoY on hover."""
    frame = frame.sort_values("calendar_quarter_start")
    per_company = frame[frame["ticker"] != "ALL"]
    total = frame[frame["ticker"] == "ALL"]
    fig = go.Figure()
    for ticker, rows in per_company.groupby("ticker", sort=True):
        fig.add_bar(x=rows["calendar_quarter_start"], y=rows["capex_usd"] / 1e9, name=ticker,
                    marker_color=COLORS.get(ticker),
                    customdata=rows[["calendar_label", "capex_yoy_pct", "source_kind"]].values,
                    hovertemplate="%{customdata[0]}: %{y:$,.2f}B, YoY %{customdata[1]:.1f}% "
                                  "(%{customdata[2]})<extra>" + ticker + "</extra>")
    if not total.empty:
        fig.add_scatter(x=total["calendar_quarter_start"], y=total["capex_usd"] / 1e9,
                        name="Total (companies reporting)", mode="lines+markers",
                        line=dict(color="black", width=1), marker=dict(size=4),
                        customdata=total[["calendar_label", "tickers_reported",
                                          "capex_yoy_pct"]].values,
                        hovertemplate="%{customdata[0]}: %{y:$,.2f}B from %{customdata[1]}, "
                                      "YoY %{customdata[2]:.1f}%<extra>Total</extra>")
    fig.update_layout(barmode="stack", yaxis_title="USD billions", **LAYOUT)
    fig.update_xaxes(type="date", dtick="M12", tickformat="%Y")
    return fig


def caption(source: str, as_of: str, note: str | None = None) -> str:
    """The line under every chart: where the figures come from and how current they are."""
    text = f"Source: {source}. As of {as_of}."
    return f"{text} {note}" if note else text


def dc_mix_caption(frame: pd.DataFrame) -> str:
    """Caption for the NVIDIA data-center mix chart."""
    last = frame.iloc[-1]
    sources = "; ".join(sorted(frame["source"].dropna().unique()))
    return caption(sources, f"NVIDIA FY{last.fiscal_year} Q{last.fiscal_quarter} "
                            f"(quarter ended {last.period_end:%Y-%m-%d})",
                   "Recast figures (Q2 FY2027) are used where NVIDIA published them; "
                   "hover shows each bar's vintage.")


def capex_caption(frame: pd.DataFrame) -> str:
    """Caption for the hyperscaler capex chart."""
    per_company = frame[frame["ticker"] != "ALL"]
    latest = per_company.groupby("ticker")["period_end"].max()
    as_of = ", ".join(f"{t} {d:%Y-%m-%d}" for t, d in latest.items())
    kinds = sorted(per_company["source_kind"].unique())
    names = {"sec": "SEC EDGAR companyfacts", "transcribed": "filings as transcribed",
             "yahoo": "Yahoo Finance"}
    return caption(", ".join(names.get(k, k) for k in kinds) +
                   " (PaymentsToAcquirePropertyPlantAndEquipment; Amazon: "
                   "PaymentsToAcquireProductiveAssets; finance leases excluded)",
                   f"latest quarter per company: {as_of}",
                   "Fiscal quarters placed in the calendar quarter holding most of their days.")
