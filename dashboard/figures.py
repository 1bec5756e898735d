"""Pure builders: DataFrame -> plotly Figure. No I/O.

Each chart (declared in dashboard/charts.py) has a `*_drawn` selector (exactly the rows and
columns the figure draws: the "download CSV" content), a `*_figure` builder and a `*_caption`.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.text import day

# Every figure is drawn on plotly_white. As plotly's default template it is attached to each
# new figure without being validated again; passed to update_layout(template=...) it was
# copied and validated for every figure (~10 ms each, 2-4 figures a page).
pio.templates.default = "plotly_white"

# Companies are coloured by role: each role's palette in universe-file order (company_colors),
# so a company added to the universe gets the next colour of its role's palette.
ROLE_PALETTES = {
    "gpu_vendor": ["#76b900", "#ed1c24", "#0071c5", "#7c3aed", "#0d9488", "#be185d"],
    "hyperscaler": ["#737373", "#4285f4", "#ff9900", "#a855f7", "#c74634", "#0891b2", "#65a30d"],
    "enterprise_adopter": ["#62d84e", "#1f77b4", "#17becf", "#8c564b", "#d62728", "#e377c2"],
    "supply_chain": ["#e60012", "#9467bd", "#bcbd22"],
    "benchmark": ["#6b7280", "#9ca3af", "#4b5563", "#374151"],
}
ROLE_COLORS = {  # the role groups' own lines (Markets)
    "gpu_vendor": "#166534",
    "hyperscaler": "#1d4ed8",
    "enterprise_adopter": "#c2410c",
    "supply_chain": "#7c3aed",
    "benchmark": "#6b7280",
}
NVIDIA_COLOR = "#76b900"  # the subject's own series: data-center revenue, the revenue gap
ENTERPRISE_COLOR = "#2ca02c"
SERIES_COLORS = {"BASKET": "#111827", "capex": "#94a3b8", "share": "#b45309"}
SEGMENT_COLORS = {
    "data_center": NVIDIA_COLOR,
    "gaming": "#1f77b4",
    "professional_visualization": "#9467bd",
    "automotive": "#ff7f0e",
    "oem_other": "#7f7f7f",
    "hyperscale": "#1f77b4",
    "ai_clouds_industrial_enterprise": ENTERPRISE_COLOR,
    "edge_computing": "#ff7f0e",
}
SOURCE_KIND_NAMES = {
    "sec": "SEC EDGAR companyfacts",
    "transcribed": "company filings as transcribed (citation per row)",
    "yahoo": "Yahoo Finance",
    "segment_sum": "sum of NVIDIA's market-platform segments",
}
ROLE_NAMES = {
    "gpu_vendor": "GPU vendors",
    "hyperscaler": "Hyperscalers",
    "enterprise_adopter": "Enterprise adopters",
    "supply_chain": "Supply chain",
    "benchmark": "Benchmarks",
}
BTOS_QUESTION_CHANGE = "2025-11-01"
QUARTER_GAP_DAYS = 100  # quarterly series: a longer step means a quarter is missing
BTOS_GAP_DAYS = 20  # the survey is biweekly
LAYOUT = dict(
    margin=dict(l=60, r=20, t=20, b=40),
    height=360,
    # under the plot: clear of the toolbar, and the plot keeps its width on a phone
    legend=dict(orientation="h", x=0, y=-0.12, yanchor="top"),
    hovermode="x unified",
)


def empty_figure(message: str) -> go.Figure:
    """A blank figure that says what is missing instead of an empty axis."""
    fig = go.Figure()
    wrapped = "<br>".join(textwrap.wrap(message, 64))
    fig.add_annotation(
        text=wrapped,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font=dict(color="#7c5a10", size=13),
    )
    fig.update_layout(
        height=200, xaxis_visible=False, yaxis_visible=False, margin=dict(l=10, r=10, t=10, b=10)
    )
    return fig


def caption(source: str, as_of: str, note: str | None = None) -> str:
    """The line under every chart: where the figures come from and how current they are."""
    text = f"Source: {source}. As of {as_of}."
    return f"{text} {note}" if note else text


def company_colors(companies) -> dict[str, str]:
    """Colour per ticker: each role's palette in the order the companies are listed."""
    out: dict[str, str] = {}
    taken: dict[str, int] = {}
    for company in companies:
        palette = ROLE_PALETTES.get(company.role, ROLE_PALETTES["benchmark"])
        i = taken.get(company.role, 0)
        out[company.ticker] = palette[i % len(palette)]
        taken[company.role] = i + 1
    return out


def _color(colors: dict | None, key: str) -> str | None:
    """A ticker's colour from the page's map, else a role group's or a named series' own."""
    return (colors or {}).get(key) or ROLE_COLORS.get(key) or SERIES_COLORS.get(key)


def _break_gaps(rows: pd.DataFrame, date_col: str, max_days: int) -> pd.DataFrame:
    """Rows sorted by date with an empty row wherever consecutive dates are more than max_days
    apart, so a line stops at a missing period instead of bridging it."""
    rows = rows.sort_values(date_col)
    dates = pd.to_datetime(rows[date_col])
    gaps = dates.diff() > pd.Timedelta(days=max_days)
    if not gaps.any():
        return rows
    fillers = pd.DataFrame({date_col: (dates.shift()[gaps] + pd.Timedelta(days=1)).values})
    return pd.concat([rows, fillers], ignore_index=True).sort_values(date_col, kind="stable")


def _layout(fig: go.Figure, **overrides) -> go.Figure:
    fig.update_layout(**{**LAYOUT, **overrides})
    return fig


def _kinds(values) -> str:
    kinds = sorted(
        {k.strip() for v in values if isinstance(v, str) for k in v.split(",") if k.strip()}
    )
    return "; ".join(SOURCE_KIND_NAMES.get(k.strip(), k.strip()) for k in kinds)


def _series_name(series: str) -> str:
    return ROLE_NAMES.get(series, series)


# ---------------------------------------------------------------------------------------------
# Thesis: NVIDIA data-center revenue beside hyperscaler capex (view hyperscaler_capex_panel)


def dc_vs_capex_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Quarters with both NVIDIA data-center revenue and the panel's capex."""
    cols = [
        "calendar_label",
        "calendar_quarter_start",
        "tickers",
        "capex_usd",
        "nvda_fiscal_year",
        "nvda_fiscal_quarter",
        "nvda_data_center_revenue_usd",
        "dc_share_of_capex_pct",
        "source_kinds",
        "nvda_source",
    ]
    return frame.loc[frame["nvda_data_center_revenue_usd"].notna(), cols].reset_index(drop=True)


def dc_vs_capex_figure(drawn: pd.DataFrame) -> go.Figure:
    """Bars: hyperscaler capex and NVIDIA data-center revenue; line: revenue as % of capex."""
    fig = go.Figure()
    x = drawn["calendar_quarter_start"]
    fig.add_bar(
        x=x,
        y=drawn["capex_usd"] / 1e9,
        name="Hyperscaler capex",
        marker_color=SERIES_COLORS["capex"],
        customdata=drawn[["calendar_label", "tickers"]].values,
        hovertemplate="%{customdata[0]}: %{y:$,.1f}B capex (%{customdata[1]})<extra>Capex</extra>",
    )
    labels = (
        "FY"
        + drawn["nvda_fiscal_year"].astype(str)
        + " Q"
        + drawn["nvda_fiscal_quarter"].astype(str)
    )
    fig.add_bar(
        x=x,
        y=drawn["nvda_data_center_revenue_usd"] / 1e9,
        name="NVIDIA data-center revenue",
        marker_color=NVIDIA_COLOR,
        customdata=list(zip(drawn["calendar_label"], labels)),
        hovertemplate="%{customdata[0]} (NVIDIA %{customdata[1]}): %{y:$,.1f}B"
        "<extra>NVIDIA data center</extra>",
    )
    fig.add_scatter(
        x=x,
        y=drawn["dc_share_of_capex_pct"],
        name="Revenue as % of capex",
        yaxis="y2",
        mode="lines+markers",
        line=dict(color=SERIES_COLORS["share"]),
        hovertemplate="%{y:.1f}% of capex<extra>Share</extra>",
    )
    _layout(
        fig,
        barmode="group",
        yaxis_title="USD billions",
        yaxis2=dict(
            title="% of capex",
            overlaying="y",
            side="right",
            rangemode="tozero",
            showgrid=False,
            ticksuffix="%",
            dtick=10,
        ),
    )
    fig.update_xaxes(type="date", dtick="M12", tickformat="%Y")
    return fig


def dc_vs_capex_caption(drawn: pd.DataFrame) -> str:
    """Caption for the data-center revenue vs capex chart."""
    last = drawn.iloc[-1]
    return caption(
        f"NVIDIA revenue by market (transcribed); capex of {last.tickers}: "
        f"{_kinds(drawn['source_kinds'])}",
        f"calendar {last.calendar_label} (NVIDIA FY{last.nvda_fiscal_year} "
        f"Q{last.nvda_fiscal_quarter})",
        "Only quarters in which every one of these hyperscalers reported are drawn; "
        "NVIDIA's fiscal quarter sits in the calendar quarter holding most of its "
        "days. Capex excludes finance leases.",
    )


# ---------------------------------------------------------------------------------------------
# GPU vendors (views gpu_vendor_quarterly, nvda_revenue_by_platform, earnings_surprises)


def gpu_revenue_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Revenue per vendor and quarter."""
    cols = [
        "ticker",
        "fiscal_label",
        "calendar_label",
        "calendar_quarter_start",
        "period_end",
        "revenue_usd",
        "revenue_source_kind",
        "revenue_source",
    ]
    return frame.loc[frame["revenue_usd"].notna(), cols].reset_index(drop=True)


def gpu_revenue_figure(drawn: pd.DataFrame, colors: dict | None = None) -> go.Figure:
    """Lines of quarterly revenue per vendor on a calendar axis; NVIDIA's segment sums hollow."""
    fig = go.Figure()
    for ticker, rows in drawn.groupby("ticker", sort=True):
        rows = _break_gaps(rows, "calendar_quarter_start", QUARTER_GAP_DAYS)
        summed = rows["revenue_source_kind"] == "segment_sum"
        fig.add_scatter(
            x=rows["calendar_quarter_start"],
            y=rows["revenue_usd"] / 1e9,
            name=ticker,
            mode="lines+markers",
            line=dict(color=_color(colors, ticker)),
            marker=dict(symbol=["circle-open" if s else "circle" for s in summed], size=7),
            customdata=list(
                zip(
                    rows["fiscal_label"],
                    rows["calendar_label"],
                    rows["revenue_source_kind"]
                    .map(SOURCE_KIND_NAMES)
                    .fillna(rows["revenue_source_kind"]),
                )
            ),
            hovertemplate="%{customdata[0]} (calendar %{customdata[1]}): %{y:$,.2f}B"
            "<br>%{customdata[2]}<extra>" + ticker + "</extra>",
        )
    _layout(fig, yaxis_title="USD billions per quarter")
    fig.update_xaxes(type="date", dtick="M12", tickformat="%Y")
    return fig


def gpu_revenue_caption(drawn: pd.DataFrame) -> str:
    """Caption for the vendor revenue chart."""
    latest = drawn.groupby("ticker")["fiscal_label"].last()
    note = "Fiscal quarters sit in the calendar quarter holding most of their days."
    if (drawn["revenue_source_kind"] == "segment_sum").any():
        note = (
            "NVIDIA before fiscal 2026: the sum of its five market-platform segments (hollow "
            "markers), as no SEC revenue figure is loaded for those quarters. " + note
        )
    return caption(
        _kinds(drawn["revenue_source_kind"]),
        "latest quarter per vendor: " + ", ".join(f"{t} {q}" for t, q in latest.items()),
        note,
    )


def gpu_margin_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Gross margin per vendor and quarter, where gross profit was reported."""
    cols = [
        "ticker",
        "fiscal_label",
        "calendar_label",
        "calendar_quarter_start",
        "period_end",
        "revenue_usd",
        "gross_profit_usd",
        "gross_margin_pct",
        "gross_profit_source",
    ]
    return frame.loc[frame["gross_margin_pct"].notna(), cols].reset_index(drop=True)


def _share_lines_figure(
    drawn: pd.DataFrame,
    pct: str,
    label: str,
    part: str,
    part_name: str,
    whole_name: str,
    yaxis_title: str,
    colors: dict | None = None,
) -> go.Figure:
    """Lines of one percentage per ticker by calendar quarter; hover shows part and whole."""
    fig = go.Figure()
    for ticker, rows in drawn.groupby("ticker", sort=True):
        rows = _break_gaps(rows, "calendar_quarter_start", QUARTER_GAP_DAYS)
        fig.add_scatter(
            x=rows["calendar_quarter_start"],
            y=rows[pct],
            name=ticker,
            mode="lines+markers",
            line=dict(color=_color(colors, ticker)),
            customdata=list(zip(rows[label], rows[part] / 1e9, rows["revenue_usd"] / 1e9)),
            hovertemplate="%{customdata[0]}: %{y:.1f}% ("
            + part_name
            + " %{customdata[1]:$,.2f}B of "
            + whole_name
            + "%{customdata[2]:$,.2f}B)<extra>"
            + ticker
            + "</extra>",
        )
    _layout(fig, yaxis_title=yaxis_title, yaxis_ticksuffix="%")
    fig.update_xaxes(type="date", dtick="M12", tickformat="%Y")
    return fig


def gpu_margin_figure(drawn: pd.DataFrame, colors: dict | None = None) -> go.Figure:
    """Lines of gross margin (% of revenue) per vendor."""
    return _share_lines_figure(
        drawn,
        "gross_margin_pct",
        "fiscal_label",
        "gross_profit_usd",
        "gross profit",
        "",
        "gross margin, % of revenue",
        colors,
    )


def gpu_margin_caption(drawn: pd.DataFrame, requested: list[str]) -> str:
    """Caption for the gross-margin chart, naming vendors with no gross profit loaded."""
    first = drawn.groupby("ticker")["fiscal_label"].first()
    last = drawn.groupby("ticker")["fiscal_label"].last()
    kinds = drawn["gross_profit_source"].map(
        lambda s: "sec" if s == "sec" else "yahoo" if s == "yahoo" else "transcribed"
    )
    note = "Quarters: " + ", ".join(f"{t} {first[t]} to {last[t]}" for t in first.index) + "."
    absent = [t for t in requested if t not in set(drawn["ticker"])]
    if absent:
        note += f" No gross profit loaded for {', '.join(absent)}."
    if "NVDA" in first.index:
        note += (
            " NVIDIA's gross profit is loaded from SEC filings only (fiscal 2026 on); "
            "earlier quarters are a gap, not zero."
        )
    return caption(
        _kinds(kinds),
        "latest quarter per vendor: " + ", ".join(f"{t} {q}" for t, q in last.items()),
        note,
    )


def platform_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """NVIDIA revenue by segment in one presentation."""
    cols = [
        "presentation_group",
        "presentation",
        "fiscal_label",
        "period_end",
        "segment",
        "segment_label",
        "revenue_usd",
        "share_of_total_pct",
        "quarter_total_usd",
        "is_complete",
        "source",
    ]
    return frame[cols].reset_index(drop=True)


def platform_figure(drawn: pd.DataFrame) -> go.Figure:
    """Stacked bars of NVIDIA revenue by segment per fiscal quarter."""
    order = list(dict.fromkeys(drawn.sort_values("period_end")["fiscal_label"]))
    fig = go.Figure()
    # largest segment at the bottom of the stack
    by_size = drawn.groupby("segment")["revenue_usd"].sum().sort_values(ascending=False).index
    for segment in by_size:
        rows = drawn[drawn["segment"] == segment]
        rows = rows.set_index("fiscal_label").reindex(order).reset_index()
        label = rows["segment_label"].dropna().iloc[0]
        fig.add_bar(
            x=rows["fiscal_label"],
            y=rows["revenue_usd"] / 1e9,
            name=label,
            marker_color=SEGMENT_COLORS.get(segment),
            customdata=list(zip(rows["share_of_total_pct"], rows["presentation"])),
            hovertemplate="%{x}: %{y:$,.3f}B (%{customdata[0]:.1f}% of revenue; "
            "%{customdata[1]})<extra>" + label + "</extra>",
        )
    _layout(fig, barmode="stack", yaxis_title="USD billions per quarter")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=order)
    return fig


def platform_caption(drawn: pd.DataFrame) -> str:
    """Caption for NVIDIA revenue by platform."""
    last = drawn.sort_values("period_end").iloc[-1]
    incomplete = sorted(set(drawn.loc[~drawn["is_complete"].astype(bool), "fiscal_label"]))
    note = (
        "Market-platform presentation (data center, gaming, professional visualization, "
        "automotive, OEM & other)."
        if last.presentation_group == "market_platform"
        else "Presentation introduced with Q1 FY2027: hyperscale, AI clouds/industrial/enterprise "
        "and edge computing; the Q2 FY2027 recast is used where NVIDIA published it."
    )
    if incomplete:
        note += (
            f" {', '.join(incomplete)}: only some segments published in this "
            "presentation; the missing ones are a gap, not zero."
        )
    sources = "; ".join(sorted(drawn["source"].dropna().unique())[:3])
    return caption(
        sources, f"NVIDIA {last.fiscal_label} (quarter ended {day(last.period_end)})", note
    )


def earnings_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Reported quarters with a report date, EPS estimate and actual."""
    cols = [
        "ticker",
        "fiscal_period_label",
        "report_date",
        "eps_estimate",
        "eps_actual",
        "eps_surprise",
        "surprise_pct",
        "eps_basis",
        "estimate_provider",
        "source",
    ]
    rows = frame[frame["report_date"].notna() & ~frame["is_upcoming"].astype(bool)]
    return rows[cols].reset_index(drop=True)


def earnings_figure(drawn: pd.DataFrame, colors: dict | None = None) -> go.Figure:
    """EPS estimate (hollow) vs actual (filled) per report date and company."""
    fig = go.Figure()
    for ticker, rows in drawn.groupby("ticker", sort=True):
        custom = list(
            zip(
                rows["fiscal_period_label"],
                rows["surprise_pct"],
                rows["estimate_provider"],
                rows["eps_basis"],
            )
        )
        fig.add_scatter(
            x=rows["report_date"],
            y=rows["eps_estimate"],
            mode="markers",
            name=f"{ticker} estimate",
            marker=dict(symbol="circle-open", size=9, color=_color(colors, ticker)),
            customdata=custom,
            hovertemplate="%{customdata[0]}, reported %{x|%Y-%m-%d}: estimate "
            "$%{y:.2f}/share (%{customdata[2]}; %{customdata[3]})"
            f"<extra>{ticker}</extra>",
        )
        fig.add_scatter(
            x=rows["report_date"],
            y=rows["eps_actual"],
            mode="markers",
            name=f"{ticker} actual",
            marker=dict(symbol="circle", size=7, color=_color(colors, ticker)),
            customdata=custom,
            hovertemplate="%{customdata[0]}: actual $%{y:.2f}/share, surprise "
            "%{customdata[1]:+.1f}%<extra>" + ticker + "</extra>",
        )
    _layout(fig, yaxis_title="EPS, USD per share", hovermode="closest")
    return fig


def earnings_caption(drawn: pd.DataFrame, frame: pd.DataFrame, requested=()) -> str:
    """Caption for the earnings chart: rows of `frame` (as read) without a report date are
    named, not drawn, and requested companies with no events at all are named too."""
    providers = ", ".join(sorted(drawn["estimate_provider"].dropna().unique()))
    note = (
        "Estimates come from different providers on different EPS bases: compare a row's "
        "estimate with its own actual, not across rows."
    )
    undated = frame[frame["report_date"].isna()]
    if not undated.empty:
        note += (
            " Not drawn (no report date loaded): "
            + ", ".join(f"{r.ticker} {r.fiscal_period_label}" for r in undated.itertuples())
            + "."
        )
    text = caption(
        f"earnings pages as transcribed ({providers})",
        f"latest report {day(drawn['report_date'].max())}",
        note,
    )
    absent = [t for t in requested if t not in set(frame["ticker"])]
    if absent:
        text += f" No earnings events loaded for {', '.join(absent)}."
    return text


# ---------------------------------------------------------------------------------------------
# Big-tech capex (views hyperscaler_capex_quarterly, hyperscaler_capex_intensity,
# hyperscaler_capex_panel)


def capex_drawn(frame: pd.DataFrame, tickers: list[str], all_tickers: list[str]) -> pd.DataFrame:
    """Capex per chosen hyperscaler; the all-reporting total only when every one is chosen."""
    keep = frame["ticker"].isin(tickers)
    if set(all_tickers) <= set(tickers):
        keep |= frame["ticker"] == "ALL"
    cols = [
        "ticker",
        "calendar_label",
        "calendar_quarter_start",
        "fiscal_year",
        "fiscal_quarter",
        "period_end",
        "capex_usd",
        "finance_lease_principal_usd",
        "capex_yoy_pct",
        "tickers_reported",
        "source_kind",
        "source",
    ]
    return frame.loc[keep, cols].reset_index(drop=True)


def capex_figure(frame: pd.DataFrame, colors: dict | None = None) -> go.Figure:
    """Stacked bars of capex per hyperscaler by calendar quarter; total and YoY on hover."""
    frame = frame.sort_values("calendar_quarter_start")
    per_company = frame[frame["ticker"] != "ALL"]
    total = frame[frame["ticker"] == "ALL"]
    fig = go.Figure()
    for ticker, rows in per_company.groupby("ticker", sort=True):
        fig.add_bar(
            x=rows["calendar_quarter_start"],
            y=rows["capex_usd"] / 1e9,
            name=ticker,
            marker_color=_color(colors, ticker),
            customdata=rows[["calendar_label", "capex_yoy_pct", "source_kind"]].values,
            hovertemplate="%{customdata[0]}: %{y:$,.2f}B, YoY %{customdata[1]:.1f}% "
            "(%{customdata[2]})<extra>" + ticker + "</extra>",
        )
    if not total.empty:
        fig.add_scatter(
            x=total["calendar_quarter_start"],
            y=total["capex_usd"] / 1e9,
            name="Total (companies reporting)",
            mode="lines+markers",
            line=dict(color="black", width=1),
            marker=dict(size=4),
            customdata=total[["calendar_label", "tickers_reported", "capex_yoy_pct"]].values,
            hovertemplate="%{customdata[0]}: %{y:$,.2f}B from %{customdata[1]}, "
            "YoY %{customdata[2]:.1f}%<extra>Total</extra>",
        )
    _layout(fig, barmode="stack", yaxis_title="USD billions")
    fig.update_xaxes(type="date", dtick="M12", tickformat="%Y")
    return fig


def capex_caption(frame: pd.DataFrame) -> str:
    """Caption for the hyperscaler capex chart."""
    per_company = frame[frame["ticker"] != "ALL"]
    latest = per_company.groupby("ticker")["period_end"].max()
    as_of = ", ".join(f"{t} {d:%Y-%m-%d}" for t, d in latest.items())
    return caption(
        _kinds(per_company["source_kind"])
        + " (PaymentsToAcquirePropertyPlantAndEquipment; Amazon: "
        "PaymentsToAcquireProductiveAssets; finance leases excluded)",
        f"latest quarter per company: {as_of}",
        "Fiscal quarters placed in the calendar quarter holding most of their days.",
    )


def intensity_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Capex / revenue per hyperscaler and quarter."""
    cols = [
        "ticker",
        "fiscal_year",
        "fiscal_quarter",
        "calendar_label",
        "calendar_quarter_start",
        "period_end",
        "capex_usd",
        "revenue_usd",
        "capex_intensity_pct",
        "capex_source_kind",
        "revenue_source_kind",
    ]
    return frame[cols].reset_index(drop=True)


def intensity_figure(drawn: pd.DataFrame, colors: dict | None = None) -> go.Figure:
    """Lines of capex as % of revenue per hyperscaler."""
    return _share_lines_figure(
        drawn,
        "capex_intensity_pct",
        "calendar_label",
        "capex_usd",
        "capex",
        "revenue ",
        "capex, % of revenue",
        colors,
    )


def intensity_caption(drawn: pd.DataFrame, requested: list[str]) -> str:
    """Caption for capex intensity, naming companies without revenue loaded."""
    last = drawn.groupby("ticker")["calendar_label"].last()
    note = (
        "Capex = PaymentsToAcquirePropertyPlantAndEquipment, finance leases excluded; "
        "revenue of the same fiscal quarter."
    )
    absent = [t for t in requested if t not in set(drawn["ticker"])]
    if absent:
        note += f" No quarter with both capex and revenue loaded for {', '.join(absent)}."
    return caption(
        _kinds(pd.concat([drawn["capex_source_kind"], drawn["revenue_source_kind"]])),
        "latest quarter per company: " + ", ".join(f"{t} {q}" for t, q in last.items()),
        note,
    )


def dc_share_figure(drawn: pd.DataFrame) -> go.Figure:
    """Line: NVIDIA data-center revenue as a share of the panel's capex."""
    fig = go.Figure()
    labels = (
        "FY"
        + drawn["nvda_fiscal_year"].astype(str)
        + " Q"
        + drawn["nvda_fiscal_quarter"].astype(str)
    )
    fig.add_scatter(
        x=drawn["calendar_quarter_start"],
        y=drawn["dc_share_of_capex_pct"],
        name="NVIDIA data-center revenue / hyperscaler capex",
        mode="lines+markers",
        line=dict(color=SERIES_COLORS["share"]),
        customdata=list(
            zip(
                drawn["calendar_label"],
                labels,
                drawn["nvda_data_center_revenue_usd"] / 1e9,
                drawn["capex_usd"] / 1e9,
                drawn["tickers"],
            )
        ),
        hovertemplate="%{customdata[0]} (NVIDIA %{customdata[1]}): %{y:.1f}%<br>"
        "%{customdata[2]:$,.1f}B of %{customdata[3]:$,.1f}B capex "
        "(%{customdata[4]})<extra></extra>",
    )
    _layout(
        fig,
        yaxis_title="% of hyperscaler capex",
        yaxis_ticksuffix="%",
        yaxis_rangemode="tozero",
        showlegend=False,
    )
    fig.update_xaxes(type="date", dtick="M12", tickformat="%Y")
    return fig


# ---------------------------------------------------------------------------------------------
# Enterprise adoption (views nvda_data_center_mix, enterprise_adopters_growth,
# btos_ai_use_by_period; table customer_concentration)


def dc_mix_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """NVIDIA data-center split per quarter in one vintage."""
    cols = [
        "fiscal_year",
        "fiscal_quarter",
        "fiscal_label",
        "period_end",
        "presentation",
        "vintage",
        "hyperscale_usd",
        "ai_clouds_industrial_enterprise_usd",
        "data_center_usd",
        "hyperscale_share_pct",
        "ai_clouds_industrial_enterprise_share_pct",
        "source",
    ]
    return frame[cols].reset_index(drop=True)


def dc_mix_figure(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars: NVIDIA data-center revenue, hyperscale vs AI clouds/industrial/enterprise."""
    labels = frame["fiscal_label"]
    fig = go.Figure()
    for col, share, name, color in (
        ("hyperscale_usd", "hyperscale_share_pct", "Hyperscale", SEGMENT_COLORS["hyperscale"]),
        (
            "ai_clouds_industrial_enterprise_usd",
            "ai_clouds_industrial_enterprise_share_pct",
            "AI clouds, industrial & enterprise",
            SEGMENT_COLORS["ai_clouds_industrial_enterprise"],
        ),
    ):
        fig.add_bar(
            x=labels,
            y=frame[col] / 1e9,
            name=name,
            marker_color=color,
            customdata=list(zip(frame[share], frame["vintage"])),
            hovertemplate="%{y:$,.2f}B (%{customdata[0]:.1f}% of data center)"
            "<br>%{customdata[1]}<extra>" + name + "</extra>",
        )
    return _layout(fig, barmode="stack", yaxis_title="USD billions")


def dc_mix_caption(frame: pd.DataFrame) -> str:
    """Caption for the NVIDIA data-center mix chart."""
    last = frame.iloc[-1]
    sources = "; ".join(sorted(frame["source"].dropna().unique()))
    note = (
        "Recast figures (Q2 FY2027) are used where NVIDIA published them; "
        "hover shows each bar's vintage."
    )
    if set(frame["presentation"]) == {"fy27_original"}:
        note = (
            "As first published with Q1 FY2027, before NVIDIA moved one company to "
            "hyperscale in its Q2 FY2027 recast."
        )
    return caption(
        sources,
        f"NVIDIA FY{last.fiscal_year} Q{last.fiscal_quarter} "
        f"(quarter ended {last.period_end:%Y-%m-%d})",
        note,
    )


def growth_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year revenue growth per adopter and for the like-for-like basket."""
    cols = [
        "ticker",
        "name",
        "calendar_label",
        "calendar_quarter_start",
        "fiscal_year",
        "fiscal_quarter",
        "period_end",
        "revenue_usd",
        "revenue_usd_year_ago",
        "revenue_yoy_pct",
        "tickers_reported",
        "source_kind",
    ]
    return frame.loc[frame["revenue_yoy_pct"].notna(), cols].reset_index(drop=True)


def growth_figure(drawn: pd.DataFrame, colors: dict | None = None) -> go.Figure:
    """Lines of revenue growth on a year earlier: each adopter thin, the basket thick."""
    fig = go.Figure()
    for ticker, rows in drawn.groupby("ticker", sort=True):
        rows = _break_gaps(rows, "calendar_quarter_start", QUARTER_GAP_DAYS)
        basket = ticker == "BASKET"
        name = "Basket (like for like)" if basket else ticker
        fig.add_scatter(
            x=rows["calendar_quarter_start"],
            y=rows["revenue_yoy_pct"],
            name=name,
            mode="lines+markers",
            line=dict(color=_color(colors, ticker), width=4 if basket else 1.5),
            customdata=list(
                zip(
                    rows["calendar_label"],
                    rows["revenue_usd"] / 1e9,
                    rows["revenue_usd_year_ago"] / 1e9,
                    rows["tickers_reported"],
                )
            ),
            hovertemplate="%{customdata[0]}: %{y:+.1f}% (%{customdata[1]:$,.2f}B vs "
            "%{customdata[2]:$,.2f}B; %{customdata[3]})<extra>" + name + "</extra>",
        )
    _layout(fig, yaxis_title="revenue growth on a year earlier, %", yaxis_ticksuffix="%")
    fig.update_xaxes(type="date", dtick="M12", tickformat="%Y")
    return fig


def growth_caption(drawn: pd.DataFrame) -> str:
    """Caption for enterprise adopters' growth."""
    last = drawn.groupby("ticker")["calendar_label"].last()
    return caption(
        _kinds(drawn["source_kind"]),
        "latest quarter: " + ", ".join(f"{t} {q}" for t, q in last.items() if t != "BASKET"),
        "Each company against its own fiscal quarter a year earlier; the basket sums "
        "the companies that reported both quarters, so its membership varies "
        "(hover shows it).",
    )


def btos_drawn(frame: pd.DataFrame, show_xx: bool) -> pd.DataFrame:
    """Per survey period: median, quartiles and range across states (and XX when asked)."""
    cols = [
        "indicator",
        "series_version",
        "period_date",
        "states_reported",
        "median_pct",
        "p25_pct",
        "p75_pct",
        "min_pct",
        "max_pct",
        "min_state",
        "max_state",
        "source",
    ]
    if show_xx:
        cols.append("xx_value_pct")
    return frame[cols].reset_index(drop=True)


def btos_figure(drawn: pd.DataFrame, today=None) -> go.Figure:
    """Median across states with the range and middle half shaded; the November 2025 change of
    question marked, and never bridged."""
    fig = go.Figure()
    for version, rows in drawn.groupby("series_version", sort=True):
        rows = _break_gaps(rows, "period_date", BTOS_GAP_DAYS)
        x = rows["period_date"]
        fig.add_scatter(
            x=x,
            y=rows["max_pct"],
            mode="lines",
            line=dict(width=0),
            showlegend=False,
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=x,
            y=rows["min_pct"],
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor="rgba(44,160,44,0.12)",
            name=f"Range across states ({version})",
            customdata=list(zip(rows["min_state"], rows["max_pct"], rows["max_state"])),
            hovertemplate="range %{y:.1f}% (%{customdata[0]}) to %{customdata[1]:.1f}% "
            "(%{customdata[2]})<extra></extra>",
        )
        fig.add_scatter(
            x=x,
            y=rows["p75_pct"],
            mode="lines",
            line=dict(width=0),
            showlegend=False,
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=x,
            y=rows["p25_pct"],
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor="rgba(44,160,44,0.28)",
            name="Middle half of states",
            customdata=rows[["p75_pct"]].values,
            hovertemplate="middle half %{y:.1f}% to %{customdata[0]:.1f}%<extra></extra>",
        )
        fig.add_scatter(
            x=x,
            y=rows["median_pct"],
            mode="lines+markers",
            line=dict(color=ENTERPRISE_COLOR, width=2.5),
            marker=dict(size=4),
            name=f"Median across states ({version})",
            customdata=rows[["states_reported"]].values,
            hovertemplate="median %{y:.1f}% of firms (%{customdata[0]} states)<extra></extra>",
        )
        if "xx_value_pct" in rows:
            fig.add_scatter(
                x=x,
                y=rows["xx_value_pct"],
                mode="lines",
                line=dict(color="#6b7280", dash="dot"),
                name="'XX' as labelled by the source (not verified as national)",
                hovertemplate="XX: %{y:.1f}%<extra></extra>",
            )
    change = pd.Timestamp(BTOS_QUESTION_CHANGE)
    right = max(pd.Timestamp(drawn["period_date"].max()), change) + pd.Timedelta(days=75)
    if today is not None:
        right = max(right, pd.Timestamp(today))
    fig.add_shape(
        type="line",
        x0=change,
        x1=change,
        y0=0,
        y1=1,
        yref="paper",
        line=dict(color="#b91c1c", dash="dash", width=1.5),
    )
    fig.add_annotation(
        x=change,
        y=1,
        yref="paper",
        xanchor="right",
        yanchor="top",
        showarrow=False,
        align="right",
        font=dict(color="#b91c1c", size=11),
        text="Nov 2025: Census changed the AI question<br>"
        "(new wording not comparable;<br>no post-change series loaded)",
    )
    _layout(fig, yaxis_title="% of firms", yaxis_ticksuffix="%", yaxis_rangemode="tozero")
    fig.update_xaxes(type="date", range=[drawn["period_date"].min() - pd.Timedelta(days=20), right])
    return fig


def btos_caption(drawn: pd.DataFrame) -> str:
    """Caption for the BTOS chart."""
    last = drawn.iloc[-1]
    return caption(
        "US Census Bureau, Business Trends and Outlook Survey, by state",
        f"survey period ending {day(last.period_date)} ({last.states_reported} states reporting)",
        "Share of firms answering yes; suppressed state cells are left out, so the "
        "number of states varies. This is the states' distribution, not a national "
        "rate. The question changed in November 2025; no series under the new wording "
        "is loaded, so the line stops rather than bridging the change.",
    )


def concentration_caption(frame: pd.DataFrame) -> str:
    """Caption for the customer concentration table."""
    return caption(
        "NVIDIA 10-Q disclosures and CFO commentary as quoted in news pages (link per row)",
        f"period ended {day(frame['period_end'].max())}",
        "Customers are unnamed in the filings; shares are of total revenue unless the "
        "basis says otherwise.",
    )


# ---------------------------------------------------------------------------------------------
# AI revenue gap (view stg_nvda_data_center; the method lives in dashboard/revenue_gap.py)


def gap_figure(drawn: pd.DataFrame, selected_label: str | None) -> go.Figure:
    """Bars: revenue end users must earn per year at each quarter's run-rate; line: the user's
    estimate of AI revenue earned, when given."""
    fig = go.Figure()
    colors = [NVIDIA_COLOR if lbl == selected_label else "#b7d98c" for lbl in drawn["fiscal_label"]]
    fig.add_bar(
        x=drawn["fiscal_label"],
        y=drawn["required_revenue_usd"] / 1e9,
        marker_color=colors,
        name="Revenue needed per year",
        customdata=list(zip(drawn["data_center_revenue_usd"] / 1e9, drawn["run_rate_usd"] / 1e9)),
        hovertemplate="%{x}: %{y:$,.0f}B a year needed (data center "
        "%{customdata[0]:$,.1f}B a quarter, run-rate "
        "%{customdata[1]:$,.1f}B)<extra></extra>",
    )
    earned = drawn["earned_usd"].dropna()
    if not earned.empty:
        fig.add_scatter(
            x=drawn["fiscal_label"],
            y=drawn["earned_usd"] / 1e9,
            mode="lines",
            name="Your estimate of AI revenue earned",
            line=dict(color="#b91c1c", dash="dash"),
            hovertemplate="your estimate %{y:$,.0f}B a year<extra></extra>",
        )
    _layout(fig, yaxis_title="USD billions per year")
    fig.update_xaxes(type="category")
    return fig


def gap_caption(drawn: pd.DataFrame) -> str:
    """Caption for the revenue-gap chart."""
    last = drawn.iloc[-1]
    return caption(
        "NVIDIA data-center revenue by quarter (revenue by market, transcribed); "
        "multipliers are the method's assumptions; AI revenue earned is your estimate",
        f"NVIDIA {last.fiscal_label} (quarter ended {day(last.period_end)})",
    )


# ---------------------------------------------------------------------------------------------
# Markets (macros relative_performance_since, relative_performance_vs)


def performance_drawn(frame: pd.DataFrame, benchmark: str | None) -> pd.DataFrame:
    """Per series and trading day: the index, or the index relative to the benchmark."""
    if benchmark:
        cols = [
            "series_kind",
            "series",
            "role",
            "date",
            "index_value",
            "benchmark",
            "benchmark_index_value",
            "relative_index",
        ]
    else:
        cols = ["series_kind", "series", "role", "date", "index_value", "base_date", "members"]
    return frame[cols].reset_index(drop=True)


def performance_figure(
    drawn: pd.DataFrame, benchmark: str | None, log_scale: bool, colors: dict | None = None
) -> go.Figure:
    """Lines per series; benchmarks (by role) dashed; 100 = the start of the range."""
    value = "relative_index" if benchmark else "index_value"
    fig = go.Figure()
    for (kind, series, role), rows in drawn.groupby(["series_kind", "series", "role"], sort=True):
        name = _series_name(series) + (" (group)" if kind == "group" else "")
        dashed = role == "benchmark"
        unit = f"(100 = moved with {benchmark})" if benchmark else "(100 = start)"
        fig.add_scatter(
            x=rows["date"],
            y=rows[value],
            name=name,
            mode="lines",
            line=dict(
                color=_color(colors, series),
                dash="dash" if dashed else None,
                width=2.5 if kind == "group" else 1.5,
            ),
            hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} " + unit + "<extra>" + name + "</extra>",
        )
    title = (
        f"index relative to {benchmark} (100 = level with it)"
        if benchmark
        else "index, 100 = first day of the range"
    )
    _layout(fig, yaxis_title=title, yaxis_type="log" if log_scale else "linear")
    fig.add_hline(y=100, line=dict(color="#9ca3af", width=1))
    return fig


def performance_caption(drawn: pd.DataFrame, benchmark: str | None) -> str:
    """Caption for relative performance."""
    last = drawn.groupby("series")["date"].max()
    ends = sorted(set(last.dt.strftime("%Y-%m-%d")))
    note = (
        "Adjusted closes (splits and dividends); groups are equal-weighted means of their "
        "members' indices, drawn only on days every member traded."
    )
    if len(ends) > 1:
        note += (
            " Series end on different days: "
            + ", ".join(f"{_series_name(s)} {d:%Y-%m-%d}" for s, d in last.items())
            + "."
        )
    return caption(
        "daily prices (Yahoo Finance, or the imported snapshot)",
        f"{ends[-1]}; range from {day(drawn['date'].min())}",
        note,
    )


def drawdown_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Per series and trading day: the fall from the highest index so far in the range."""
    cols = ["series_kind", "series", "role", "date", "index_value", "drawdown_pct"]
    return frame[cols].reset_index(drop=True)


def drawdown_figure(drawn: pd.DataFrame, colors: dict | None = None) -> go.Figure:
    """Lines of drawdown from the running peak, in percent; benchmark tickers dashed."""
    fig = go.Figure()
    for (kind, series, role), rows in drawn.groupby(["series_kind", "series", "role"], sort=True):
        name = _series_name(series) + (" (group)" if kind == "group" else "")
        fig.add_scatter(
            x=rows["date"],
            y=rows["drawdown_pct"],
            name=name,
            mode="lines",
            line=dict(
                color=_color(colors, series),
                dash="dash" if role == "benchmark" and kind == "ticker" else None,
            ),
            hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}% below peak<extra>" + name + "</extra>",
        )
    _layout(fig, yaxis_title="% below the peak so far", yaxis_ticksuffix="%")
    return fig
