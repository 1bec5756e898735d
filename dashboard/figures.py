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

# Every figure is drawn on plotly_white, as the template "bubblemeter": plotly_white's layout
# and its scatter and bar defaults, the only traces drawn here, without its entries for 22
# other trace types and for polar, ternary, 3-D and map subplots. It looks the same, is 2.0 KB
# instead of 7.2 KB in every figure, and plotly.js takes about half the time to plot a bar chart
# with it (it works through each template entry per plot). As plotly's default it is attached
# to each new figure without being validated again; passed to update_layout(template=...) it
# was copied and validated for every figure (~10 ms each, 2-4 figures a page).
TEMPLATE_TRACES = ("scatter", "bar")
TEMPLATE_SKIPPED_LAYOUT = ("polar", "ternary", "scene", "geo")


def _slim_template() -> go.layout.Template:
    white = pio.templates["plotly_white"].to_plotly_json()
    return go.layout.Template(
        data={kind: white["data"][kind] for kind in TEMPLATE_TRACES},
        layout={k: v for k, v in white["layout"].items() if k not in TEMPLATE_SKIPPED_LAYOUT},
    )


pio.templates["bubblemeter"] = _slim_template()
pio.templates.default = "bubblemeter"

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
    # under the plot: clear of the toolbar, and the plot keeps its width on a phone. Placed at
    # the figure's bottom edge (yref "container"), plotly.js keeps the room it takes apart from
    # the axis's tick labels; placed below the plot area instead (yref "paper", y < 0), it
    # covered labels that had turned to fit (the data-center mix's quarters)
    legend=dict(orientation="h", x=0, y=0, yref="container", yanchor="bottom"),
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


def filings_note(frame: pd.DataFrame) -> str:
    """'Read from SEC filings: 10-Q 0001045810-25-000209 filed 2025-08-27 (FY2026 Q2, ...)'."""
    if "accession" not in frame or frame["accession"].isna().all():
        return "No loaded filing covers these periods: all as transcribed."
    filed = frame[frame["accession"].notna()]
    parts = []
    for accession, rows in filed.groupby("accession", sort=True):
        when = day(rows["filed_at"].max())
        periods = (
            sorted(set(rows["fiscal_label"]))
            if "fiscal_label" in rows
            else sorted(set(rows.get("calendar_label", [])))
        )
        label = f"{accession} filed {when}"
        parts.append(label + (f" ({', '.join(periods)})" if periods else ""))
    rest = "" if filed.shape[0] == frame.shape[0] else "; the other periods as transcribed"
    return "Read from SEC filings: " + "; ".join(parts) + rest + "."


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
        "days. Capex: cash capex (purchases of property and equipment), finance leases "
        "excluded. A rising share can mean enterprise demand or a larger GPU share of the "
        "same capex.",
    )


# ---------------------------------------------------------------------------------------------
# Thesis: how the evidence moved (view thesis_history)

HISTORY_SHORT_NAMES = {
    "nvda_enterprise_share": "NVIDIA enterprise share",
    "hyperscaler_capex_yoy": "Hyperscaler capex growth",
    "nvda_dc_share_of_capex": "NVIDIA DC ÷ capex",
    "enterprise_adopters_growth": "Adopters' growth",
    "btos_ai_use_rate": "Census AI use",
    "nvda_top_customer_share": "Top direct customer",
}
HISTORY_COLORS = {"enterprise-led": "#2e7d32", "capex-led": "#c62828"}


def history_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's reading and the verdict at each quarter-end, as known then."""
    cols = [
        "as_of",
        "indicator",
        "indicator_label",
        "period_label",
        "value_pct",
        "year_ago_label",
        "year_ago_value_pct",
        "change_on_year_pp",
        "points_to",
        "is_current",
        "known_at",
        "members",
        "verdict",
        "verdict_detail",
    ]
    return frame[cols].reset_index(drop=True)


def history_figure(drawn: pd.DataFrame) -> go.Figure:
    """One row of squares per indicator and one for the verdict: green enterprise-led, red
    capex-led, grey otherwise; hollow where the reading was not current (not counted)."""
    fig = go.Figure()
    drawn = drawn.copy()
    drawn["row"] = drawn["indicator"].map(HISTORY_SHORT_NAMES).fillna(drawn["indicator"])
    drawn["value_text"] = drawn["value_pct"].map(lambda v: "–" if pd.isna(v) else f"{v:.1f}%")
    drawn["change_text"] = drawn["change_on_year_pp"].map(
        lambda v: "no year-ago reading" if pd.isna(v) else f"{v:+.1f} pp on a year earlier"
    )
    order = list(HISTORY_SHORT_NAMES.values())
    for points_to, rows in drawn.groupby("points_to", sort=True):
        current = rows["is_current"].astype(bool)
        fig.add_scatter(
            x=rows["as_of"],
            y=rows["row"],
            mode="markers",
            name=points_to,
            marker=dict(
                symbol=["square" if c else "square-open" for c in current],
                size=16,
                color=HISTORY_COLORS.get(points_to, "#9e9e9e"),
            ),
            customdata=list(
                zip(
                    rows["period_label"].fillna("nothing known yet"),
                    rows["value_text"],
                    rows["change_text"],
                    current.map({True: "current, counted", False: "not current, not counted"}),
                )
            ),
            hovertemplate="as of %{x|%Y-%m-%d}: %{customdata[0]} %{customdata[1]}, "
            "%{customdata[2]}<br>" + points_to + " (%{customdata[3]})<extra>%{y}</extra>",
        )
    verdicts = drawn.drop_duplicates("as_of")
    fig.add_scatter(
        x=verdicts["as_of"],
        y=["Verdict"] * len(verdicts),
        mode="markers",
        name="verdict",
        showlegend=False,
        marker=dict(
            symbol="diamond",
            size=18,
            color=[HISTORY_COLORS.get(v, "#9e9e9e") for v in verdicts["verdict"]],
        ),
        customdata=list(zip(verdicts["verdict"], verdicts["verdict_detail"])),
        hovertemplate="as of %{x|%Y-%m-%d}: %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
    )
    _layout(fig, hovermode="closest", height=340, margin=dict(l=170, r=20, t=30, b=40))
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(["Verdict", *order])))
    ends = pd.to_datetime(verdicts["as_of"])
    fig.update_xaxes(
        type="date",
        tickvals=ends,
        ticktext=[f"{d.year}Q{d.quarter}" for d in ends],
    )
    return fig


def history_caption(drawn: pd.DataFrame) -> str:
    """Caption for the history chart: point in time, and the availability rule."""
    last = drawn["as_of"].max()
    return caption(
        "the scorecard's sources (thesis_history)",
        f"quarter-ends 2023-03-31 to {last:%Y-%m-%d}",
        "Each quarter-end uses only figures known by then: by filing date where the row has "
        "one, else the SEC deadline for large accelerated filers (40 days after a quarter, "
        "60 after a year), NVIDIA's split not before the filing that introduced its vintage, "
        "Census surveys 28 days after their date. Hollow: not current then, not counted. "
        "Diamonds: the verdict of that date (green enterprise-led, red capex-led, grey split); "
        "the x-axis marks each quarter's last day.",
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
        "filed_at",
        "accession",
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
        sources,
        f"NVIDIA {last.fiscal_label} (quarter ended {day(last.period_end)})",
        note + " " + filings_note(drawn),
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


CAPEX_DEFINITIONS = {
    "cash": "cash capex (purchases of property and equipment)",
    "leases": "including finance leases (plus finance-lease principal payments)",
}


def capex_drawn(
    frame: pd.DataFrame, tickers: list[str], all_tickers: list[str], definition: str = "cash"
) -> pd.DataFrame:
    """Capex per chosen hyperscaler in one definition; the panel total only when every one is
    chosen. Companies without a figure in that definition are left out."""
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
        "capex_incl_finance_leases_usd",
        "capex_yoy_pct",
        "tickers_reported",
        "members",
        "panel_reported",
        "is_complete",
        "is_rounded",
        "source_kind",
        "source",
    ]
    drawn = frame.loc[keep, cols].copy()
    value = "capex_incl_finance_leases_usd" if definition == "leases" else "capex_usd"
    drawn.insert(6, "value_usd", drawn[value])
    drawn["definition"] = CAPEX_DEFINITIONS.get(definition, CAPEX_DEFINITIONS["cash"])
    return drawn[drawn["value_usd"].notna()].reset_index(drop=True)


def _flag(row) -> str:
    """What the hover says about a figure that is not as filed: rounded, transcribed."""
    flags = []
    if bool(row.is_rounded):
        flags.append("rounded in its source")
    if isinstance(row.source_kind, str) and "transcribed" in row.source_kind:
        flags.append("transcribed, not read from SEC EDGAR")
    return "; ".join(flags) if flags else "SEC EDGAR"


def _incomplete_runs(total: pd.DataFrame, complete: pd.Series) -> dict:
    """x, y, customdata and marker sizes of the incomplete panel totals: each run of them
    joined by a dashed segment to the complete quarter before it, runs kept apart by gaps."""
    x, y, custom, sizes = [], [], [], []
    rows = list(total.itertuples())
    flags = list(complete)
    for i, row in enumerate(rows):
        if flags[i]:
            continue
        if i > 0 and flags[i - 1]:  # the run starts: lead in from the last complete quarter
            before = rows[i - 1]
            x.append(before.calendar_quarter_start)
            y.append(before.value_usd / 1e9)
            custom.append((before.calendar_label, before.panel_reported))
            sizes.append(0)
        x.append(row.calendar_quarter_start)
        y.append(row.value_usd / 1e9)
        custom.append(
            (
                row.calendar_label,
                f"incomplete: {row.panel_reported} ({row.tickers_reported}), so far, not a fall",
            )
        )
        sizes.append(9)
        if i + 1 < len(rows) and flags[i + 1]:  # the run ends: no line to the next one
            x.append(None)
            y.append(None)
            custom.append(("", ""))
            sizes.append(0)
    return dict(x=x, y=y, customdata=custom, marker_size=sizes, connectgaps=False)


def capex_figure(frame: pd.DataFrame, colors: dict | None = None) -> go.Figure:
    """Stacked bars of capex per hyperscaler by calendar quarter; the panel total as a line,
    solid where every member reported, hollow and dashed where part of the panel has not."""
    frame = frame.sort_values("calendar_quarter_start")
    per_company = frame[frame["ticker"] != "ALL"]
    total = frame[frame["ticker"] == "ALL"]
    fig = go.Figure()
    for ticker, rows in per_company.groupby("ticker", sort=True):
        fig.add_bar(
            x=rows["calendar_quarter_start"],
            y=rows["value_usd"] / 1e9,
            name=ticker,
            marker_color=_color(colors, ticker),
            customdata=list(
                zip(rows["calendar_label"], rows["capex_yoy_pct"], rows.apply(_flag, axis=1))
            ),
            hovertemplate="%{customdata[0]}: %{y:$,.2f}B, YoY %{customdata[1]:.1f}% "
            "(%{customdata[2]})<extra>" + ticker + "</extra>",
        )
    if not total.empty:
        complete = total["is_complete"].astype(bool)
        members = total["members"].iloc[0]
        fig.add_scatter(
            x=total["calendar_quarter_start"],
            y=(total["value_usd"] / 1e9).where(complete),
            name=f"Panel total ({members})",
            mode="lines+markers",
            line=dict(color="black", width=1),
            marker=dict(size=5),
            customdata=total[["calendar_label", "panel_reported", "capex_yoy_pct"]].values,
            hovertemplate="%{customdata[0]}: %{y:$,.2f}B, %{customdata[1]}, "
            "YoY %{customdata[2]:.1f}%<extra>Panel total</extra>",
        )
        if (~complete).any():
            fig.add_scatter(
                name="Panel total, incomplete (not all reported)",
                mode="lines+markers",
                line=dict(color="black", width=1, dash="dash"),
                marker=dict(symbol="circle-open", color="black"),
                hovertemplate="%{customdata[0]}: %{y:$,.2f}B, %{customdata[1]}"
                "<extra>Panel total</extra>",
                **_incomplete_runs(total, complete),
            )
    _layout(fig, barmode="stack", yaxis_title="USD billions")
    fig.update_xaxes(type="date", dtick="M12", tickformat="%Y")
    return fig


def capex_caption(frame: pd.DataFrame, requested: list[str] | None = None) -> str:
    """Caption for the hyperscaler capex chart: the definition shown, always."""
    per_company = frame[frame["ticker"] != "ALL"]
    latest = per_company.groupby("ticker")["period_end"].max()
    as_of = ", ".join(f"{t} {d:%Y-%m-%d}" for t, d in latest.items())
    definition = frame["definition"].iloc[0]
    leases = definition == CAPEX_DEFINITIONS["leases"]
    note = f"Showing {definition}"
    note += "." if leases else " (the default)."
    if leases:
        absent = [t for t in (requested or []) if t not in set(per_company["ticker"])]
        note += (
            " Added: finance-lease principal payments as filed (Meta counts them in its own "
            "capex). Microsoft's headline figure also counts new finance leases when signed; "
            "those are not in the loaded filings, so they are not added."
        )
        if absent:
            note += f" No finance-lease figure loaded for {', '.join(absent)}: left out"
            note += ", and no panel total." if "ALL" not in set(frame["ticker"]) else "."
    note += (
        " The total is a fixed panel; a quarter where part of it has not reported is drawn "
        "hollow and dashed. Hover flags rounded and transcribed figures. Fiscal quarters "
        "placed in the calendar quarter holding most of their days."
    )
    return caption(
        _kinds(per_company["source_kind"])
        + " (PaymentsToAcquirePropertyPlantAndEquipment; Amazon: "
        "PaymentsToAcquireProductiveAssets)",
        f"latest quarter per company: {as_of}",
        note,
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
        "Capex: cash capex (PaymentsToAcquirePropertyPlantAndEquipment), finance leases "
        "excluded; revenue of the same fiscal quarter."
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
        "filed_at",
        "accession",
    ]
    return frame[cols].reset_index(drop=True)


VINTAGE_NAMES = {"fy27_original": "as first published", "fy27_recast": "recast"}


def dc_mix_figure(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars per vintage, side by side: NVIDIA data-center revenue, hyperscale vs AI
    clouds/industrial/enterprise; the original and recast presentations are separate series."""
    fig = go.Figure()
    for presentation, rows in frame.groupby("presentation", sort=True):
        vintage = VINTAGE_NAMES.get(presentation, presentation)
        recast = presentation == "fy27_recast"
        base = None
        for col, share, name, color in (
            ("hyperscale_usd", "hyperscale_share_pct", "Hyperscale", SEGMENT_COLORS["hyperscale"]),
            (
                "ai_clouds_industrial_enterprise_usd",
                "ai_clouds_industrial_enterprise_share_pct",
                "AI clouds, industrial & enterprise",
                SEGMENT_COLORS["ai_clouds_industrial_enterprise"],
            ),
        ):
            label = f"{name} ({vintage})"
            fig.add_bar(
                x=rows["fiscal_label"],
                y=rows[col] / 1e9,
                base=None if base is None else base / 1e9,
                name=label,
                offsetgroup=presentation,
                marker=dict(color=color, pattern_shape="/" if recast else "", line=dict(width=0)),
                customdata=list(zip(rows[share], rows["vintage"])),
                hovertemplate="%{y:$,.2f}B (%{customdata[0]:.1f}% of data center)"
                "<br>%{customdata[1]}<extra>" + label + "</extra>",
            )
            base = rows[col].values if base is None else base + rows[col].values
    fig = _layout(fig, barmode="group", yaxis_title="USD billions")
    labels = list(
        dict.fromkeys(frame.sort_values(["fiscal_year", "fiscal_quarter"])["fiscal_label"])
    )
    fig.update_xaxes(categoryorder="array", categoryarray=labels)
    return fig


def dc_mix_caption(frame: pd.DataFrame) -> str:
    """Caption for the NVIDIA data-center mix chart."""
    last = frame.sort_values(["fiscal_year", "fiscal_quarter"]).iloc[-1]
    sources = "; ".join(sorted(frame["source"].dropna().unique()))
    presentations = set(frame["presentation"])
    if presentations == {"fy27_original"}:
        note = (
            "As first published with Q1 FY2027, before NVIDIA moved one company to "
            "hyperscale in its Q2 FY2027 recast."
        )
    elif presentations == {"fy27_recast"}:
        note = "Recast with Q2 FY2027 (one company moved to hyperscale): only the recast quarters."
    else:
        note = (
            "Two presentations, never spliced: as first published with Q1 FY2027 (plain) and "
            "recast with Q2 FY2027 (hatched, one company moved to hyperscale); compare a "
            "quarter with a year earlier within one of them."
        )
    return caption(
        sources,
        f"NVIDIA FY{last.fiscal_year} Q{last.fiscal_quarter} "
        f"(quarter ended {last.period_end:%Y-%m-%d})",
        note + " " + filings_note(frame),
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
        "members",
        "source_kind",
    ]
    return frame.loc[frame["revenue_yoy_pct"].notna(), cols].reset_index(drop=True)


def growth_figure(drawn: pd.DataFrame, colors: dict | None = None) -> go.Figure:
    """Lines of revenue growth on a year earlier: each adopter thin, the basket thick."""
    fig = go.Figure()
    for ticker, rows in drawn.groupby("ticker", sort=True):
        rows = _break_gaps(rows, "calendar_quarter_start", QUARTER_GAP_DAYS)
        basket = ticker == "BASKET"
        name = "Basket (fixed panel)" if basket else ticker
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


def _members(drawn: pd.DataFrame) -> str:
    basket = drawn.loc[drawn["ticker"] == "BASKET", "members"].dropna()
    return ", ".join(basket.iloc[0].split(",")) if len(basket) else "none loaded"


def growth_caption(drawn: pd.DataFrame) -> str:
    """Caption for enterprise adopters' growth."""
    last = drawn.groupby("ticker")["calendar_label"].last()
    return caption(
        _kinds(drawn["source_kind"]),
        "latest quarter: " + ", ".join(f"{t} {q}" for t, q in last.items() if t != "BASKET"),
        "Each company against its own fiscal quarter a year earlier; the basket is a "
        f"fixed panel ({_members(drawn)}), drawn only where every member reported both "
        "quarters, so a company joining the data never reads as growth.",
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


def _band(fig: go.Figure, x, high, low, **lower) -> None:
    """A shaded band between two series: an invisible upper line, then the lower line filled up
    to it (`lower` styles the filled trace: fillcolor, name, hover)."""
    fig.add_scatter(
        x=x, y=high, mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"
    )
    fig.add_scatter(x=x, y=low, mode="lines", line=dict(width=0), fill="tonexty", **lower)


def btos_figure(drawn: pd.DataFrame, today=None) -> go.Figure:
    """Median across states with the range and middle half shaded; the November 2025 change of
    question marked, and never bridged."""
    fig = go.Figure()
    for version, rows in drawn.groupby("series_version", sort=True):
        rows = _break_gaps(rows, "period_date", BTOS_GAP_DAYS)
        x = rows["period_date"]
        _band(
            fig,
            x,
            rows["max_pct"],
            rows["min_pct"],
            fillcolor="rgba(44,160,44,0.12)",
            name=f"Range across states ({version})",
            customdata=list(zip(rows["min_state"], rows["max_pct"], rows["max_state"])),
            hovertemplate="range %{y:.1f}% (%{customdata[0]}) to %{customdata[1]:.1f}% "
            "(%{customdata[2]})<extra></extra>",
        )
        _band(
            fig,
            x,
            rows["p75_pct"],
            rows["p25_pct"],
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
    _wording_change(
        fig,
        "Nov 2025: Census changed the AI question<br>"
        + (
            "(two series: not comparable)"
            if "2025_any_business_function" in set(drawn["series_version"])
            else "(new wording not comparable;<br>no state series under it loaded)"
        ),
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
        "rate (the national rate is the chart above). The question changed in November "
        "2025; each wording is its own series, and a line stops rather than bridging the "
        "change.",
    )


def concentration_caption(frame: pd.DataFrame) -> str:
    """Caption for the customer concentration table."""
    return caption(
        "NVIDIA 10-Q/10-K filings (us-gaap:ConcentrationRiskPercentage1 by srt:MajorCustomersAxis) "
        "and, for what filings do not tag, CFO commentary as quoted in news pages (link per row)",
        f"period ended {day(frame['period_end'].max())}",
        "Customers are unnamed in the filings; shares are of total revenue unless the "
        "basis says otherwise; the Wording column keeps each filing fact's axes. "
        + filings_note(frame.assign(fiscal_label=frame["period_end"].map(day))),
    )


# ---------------------------------------------------------------------------------------------
# NVIDIA data center: compute vs networking (view nvda_data_center_split)


def dc_split_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Compute and networking revenue per NVIDIA quarter, with the filing it came from."""
    cols = [
        "fiscal_label",
        "period_end",
        "compute_usd",
        "networking_usd",
        "networking_share_pct",
        "accession",
        "filed_at",
        "source",
    ]
    return frame[cols].reset_index(drop=True)


def dc_split_figure(drawn: pd.DataFrame) -> go.Figure:
    """Stacked bars: NVIDIA data-center compute and networking revenue per quarter."""
    fig = go.Figure()
    for col, name, color in (
        ("compute_usd", "Compute", SEGMENT_COLORS["hyperscale"]),
        ("networking_usd", "Networking", SEGMENT_COLORS["ai_clouds_industrial_enterprise"]),
    ):
        fig.add_bar(
            x=drawn["fiscal_label"],
            y=drawn[col] / 1e9,
            name=name,
            marker_color=color,
            customdata=drawn[["networking_share_pct", "accession"]].values,
            hovertemplate="%{x}: %{y:$,.2f}B (networking %{customdata[0]:.1f}%; "
            "accession %{customdata[1]})<extra>" + name + "</extra>",
        )
    _layout(fig, barmode="stack", yaxis_title="USD billions")
    return fig


def dc_split_caption(drawn: pd.DataFrame) -> str:
    """Caption for compute vs networking."""
    last = drawn.sort_values("period_end").iloc[-1]
    return caption(
        "SEC EDGAR inline XBRL, us-gaap:Revenues by srt:ProductOrServiceAxis "
        "(nvda:ComputeMember, nvda:NetworkingMember)",
        f"NVIDIA {last.fiscal_label} (quarter ended {day(last.period_end)})",
        "Quarters only where a loaded 10-Q gives them, or a 10-K minus the Q3 10-Q; a quarter "
        "without a loaded filing is missing, not zero. " + filings_note(drawn),
    )


# ---------------------------------------------------------------------------------------------
# Cloud revenue vs capex (view cloud_revenue_vs_capex)


def cloud_capex_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Cloud revenue and capex over the same four calendar quarters, per hyperscaler."""
    cols = [
        "ticker",
        "cloud_label",
        "calendar_label",
        "period_end",
        "cloud_revenue_ttm_usd",
        "capex_ttm_usd",
        "cloud_revenue_per_capex_usd",
        "cloud_revenue_next_year_usd",
        "next_year_cloud_revenue_per_capex_usd",
        "capex_source_kind",
        "cloud_source",
        "filed_at",
    ]
    drawn = frame[cols].reset_index(drop=True)
    drawn["accession"] = drawn["cloud_source"].str.extract(r"(\d{10}-\d{2}-\d{6})")[0]
    return drawn


def cloud_capex_figure(drawn: pd.DataFrame, colors: dict | None = None) -> go.Figure:
    """Lines: cloud revenue per dollar of capex, four quarters to each, per hyperscaler; dotted,
    the next four quarters' cloud revenue per dollar of the same capex."""
    fig = go.Figure()
    for ticker, rows in drawn.groupby("ticker", sort=True):
        label = rows["cloud_label"].iloc[0]
        fig.add_scatter(
            x=rows["calendar_label"],
            y=rows["cloud_revenue_per_capex_usd"],
            name=f"{ticker} ({label})",
            mode="lines+markers",
            line=dict(color=_color(colors, ticker)),
            customdata=rows[["cloud_revenue_ttm_usd", "capex_ttm_usd"]].values / 1e9,
            hovertemplate="%{x}: $%{y:.2f} of cloud revenue per $ of capex "
            "(%{customdata[0]:$,.1f}B vs %{customdata[1]:$,.1f}B)<extra>" + ticker + "</extra>",
        )
        later = rows[rows["next_year_cloud_revenue_per_capex_usd"].notna()]
        if not later.empty:
            fig.add_scatter(
                x=later["calendar_label"],
                y=later["next_year_cloud_revenue_per_capex_usd"],
                name=f"{ticker}: the next four quarters",
                mode="lines+markers",
                line=dict(color=_color(colors, ticker), dash="dot"),
                hovertemplate="capex of the four quarters to %{x} was followed by $%{y:.2f} "
                "of cloud revenue per $ in the next four<extra>" + ticker + "</extra>",
            )
    _layout(fig, yaxis_title="cloud revenue per USD of capex")
    return fig


def cloud_capex_caption(drawn: pd.DataFrame, requested: list[str]) -> str:
    """Caption for cloud revenue vs capex, naming hyperscalers without both loaded."""
    last = drawn.groupby("ticker")["calendar_label"].last()
    note = (
        "Like for like: one company, the same four calendar quarters on both sides (capex "
        "only where all four are loaded); dotted, the cloud revenue of the next four quarters "
        "per dollar of the same capex, once they are loaded. Cloud revenue is each filer's own "
        "cloud segment "
        "(AWS, Google Cloud, Microsoft Intelligent Cloud, Oracle cloud services)."
    )
    absent = [t for t in requested if t not in set(drawn["ticker"])]
    if absent:
        names = ", ".join(absent)
        note += f" No loaded filing gives cloud revenue with four quarters of capex for {names}."
    return caption(
        "SEC EDGAR inline XBRL (cloud revenue); capex " + _kinds(drawn["capex_source_kind"]),
        "latest per company: " + ", ".join(f"{t} {q}" for t, q in last.items()),
        note + " " + filings_note(drawn),
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


def _days(dates: pd.Series):
    """Trading days as a numpy datetime64[D] array: sent as ISO dates ("2025-08-21"), half the
    bytes of the timestamps a datetime64[ns] column is sent as, and copied whole by plotly's
    figure objects (which deep-copy each trace twice) where an array of strings is copied
    string by string."""
    return dates.to_numpy().astype("datetime64[D]")


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
            x=_days(rows["date"]),
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
            x=_days(rows["date"]),
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


# Census BTOS nationally, by sector and by firm size (views btos_ai_use_national,
# btos_ai_use_by_sector, btos_ai_use_by_size): each question wording is its own series.
BTOS_SOURCE = "US Census Bureau, Business Trends and Outlook Survey"
BTOS_WORDINGS = {
    "2023_goods_or_services": "“in producing goods or services” (to Sep 2025)",
    "2025_any_business_function": "“in any of its business functions” (from Nov 2025)",
}
BTOS_WORDING_COLORS = {
    "2023_goods_or_services": ("#6b7280", "rgba(107,114,128,0.22)"),
    "2025_any_business_function": (ENTERPRISE_COLOR, "rgba(44,160,44,0.22)"),
}
BTOS_WORDING_SHORT = {
    "2023_goods_or_services": "old wording",
    "2025_any_business_function": "new wording",
}
BTOS_NEW_WORDING = "2025_any_business_function"
# the sectors the column names, drawn in the wording's colour; the others lighter
BTOS_NAMED_SECTORS = ("31", "48", "62", "51", "52")


def _wording(version: str) -> str:
    return BTOS_WORDINGS.get(version, version)


def btos_national_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """The national rate per wording and survey period, with its 90% confidence band."""
    cols = [
        "indicator",
        "series_version",
        "period_date",
        "value_pct",
        "std_error_pp",
        "ci90_low_pct",
        "ci90_high_pct",
        "source",
    ]
    return frame[cols].reset_index(drop=True)


def btos_national_figure(drawn: pd.DataFrame) -> go.Figure:
    """One line per question wording with its 90% band; the change of wording is a break."""
    fig = go.Figure()
    for version, rows in drawn.groupby("series_version", sort=True):
        line, band = BTOS_WORDING_COLORS.get(version, ("#1f77b4", "rgba(31,119,180,0.2)"))
        rows = _break_gaps(rows, "period_date", BTOS_GAP_DAYS)
        x = rows["period_date"]
        _band(
            fig,
            x,
            rows["ci90_high_pct"],
            rows["ci90_low_pct"],
            fillcolor=band,
            name="90% confidence band",
            legendgroup=version,
            showlegend=False,
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=x,
            y=rows["value_pct"],
            mode="lines+markers",
            line=dict(color=line, width=2.5),
            marker=dict(size=5),
            name=_wording(version),
            legendgroup=version,
            customdata=rows[["ci90_low_pct", "ci90_high_pct"]].values,
            hovertemplate="%{y:.1f}% of firms (90% band %{customdata[0]:.1f}-"
            "%{customdata[1]:.1f})<extra></extra>",
        )
    _wording_change(fig, "Nov 2025: the question changed<br>(two series: not comparable)")
    _layout(fig, yaxis_title="% of firms", yaxis_ticksuffix="%", yaxis_rangemode="tozero")
    return fig


def _wording_change(fig: go.Figure, text: str) -> None:
    change = pd.Timestamp(BTOS_QUESTION_CHANGE)
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
        text=text,
    )


def _latest_by_wording(drawn: pd.DataFrame) -> str:
    """'period ending 2025-11-30 (new wording); 2025-09-21 (old wording)'."""
    parts = []
    for version, rows in drawn.groupby("series_version", sort=False):
        short = BTOS_WORDING_SHORT.get(version, version)
        parts.append(f"{day(rows['period_date'].max())} ({short})")
    return "survey period ending " + "; ".join(parts)


def btos_national_caption(drawn: pd.DataFrame) -> str:
    """Caption for the national BTOS chart."""
    return caption(
        f"{BTOS_SOURCE}, National.xlsx",
        _latest_by_wording(drawn.sort_values("series_version", ascending=False)),
        "Share of all US employer businesses answering yes; the band is the 90% confidence "
        "interval (±1.645 standard errors as published). In November 2025 the Census changed "
        "the question from AI “in producing goods or services” to AI “in any of its business "
        "functions”: the jump between the two lines is the wording, not a trend. No survey "
        "ran in October and early November 2025 (shutdown).",
    )


def btos_latest_drawn(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """The newest survey period of each wording, one row per category (sector or size)."""
    cols = [
        "indicator",
        "series_version",
        label,
        "period_date",
        "value_pct",
        "std_error_pp",
        "ci90_low_pct",
        "ci90_high_pct",
        "source",
    ]
    keys = [c for c in ("naics", "size_class") if c in frame]
    rows = frame[frame["is_latest"]]
    return rows[keys + cols].reset_index(drop=True)


def _btos_bars(drawn: pd.DataFrame, label: str, order: list[str]) -> go.Figure:
    """Horizontal bars, one group per wording (its newest period), with 90% error bars."""
    fig = go.Figure()
    for version in sorted(drawn["series_version"].unique()):
        rows = drawn[drawn["series_version"] == version].set_index(label).reindex(order)
        rows = rows.dropna(subset=["value_pct"])
        line, _ = BTOS_WORDING_COLORS.get(version, ("#1f77b4", None))
        period = day(rows["period_date"].max()) if not rows.empty else ""
        fig.add_bar(
            y=rows.index,
            x=rows["value_pct"],
            orientation="h",
            marker_color=line,
            name=f"{_wording(version)}, period ending {period}",
            error_x=dict(
                type="data",
                symmetric=True,
                array=(1.645 * rows["std_error_pp"]).tolist(),
                color="#374151",
                thickness=1,
                width=2,
            ),
            hovertemplate="%{y}: %{x:.1f}% of firms<extra></extra>",
        )
    _layout(
        fig,
        barmode="group",
        height=max(360, 28 * len(order) + 120),
        hovermode="closest",
        xaxis_title="% of firms",
        xaxis_ticksuffix="%",
        xaxis_rangemode="tozero",
        margin=dict(l=260, r=20, t=50, b=40),
    )
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(order)))
    return fig


def btos_sector_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """The newest period of each wording by sector."""
    return btos_latest_drawn(frame, "sector")


def btos_sector_figure(drawn: pd.DataFrame) -> go.Figure:
    """AI use by sector, sorted by the newest wording's rate; the sectors the column names first
    in bold."""
    current = drawn[drawn["series_version"] == drawn["series_version"].max()]
    order = current.sort_values("value_pct", ascending=False)["sector"].tolist()
    order += [s for s in drawn["sector"].unique() if s not in order]
    named = set(drawn.loc[drawn["naics"].isin(BTOS_NAMED_SECTORS), "sector"])
    fig = _btos_bars(drawn, "sector", order)
    fig.update_yaxes(tickvals=order, ticktext=[f"<b>{s}</b>" if s in named else s for s in order])
    return fig


def btos_sector_caption(drawn: pd.DataFrame) -> str:
    """Caption for the BTOS sector chart."""
    return caption(
        f"{BTOS_SOURCE}, Sector.xlsx (NAICS sectors)",
        _latest_by_wording(drawn.sort_values("series_version", ascending=False)),
        "Share of businesses in each sector answering yes, the newest period of each question "
        "wording (never compare one wording's bar with the other's as a change); whiskers are "
        "90% confidence intervals. In bold: manufacturing, transportation & warehousing, "
        "health care, information, finance. Suppressed cells are left out.",
    )


def btos_size_drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """The newest period of each wording by employment size class."""
    return btos_latest_drawn(frame, "size_label")


def btos_size_figure(drawn: pd.DataFrame) -> go.Figure:
    """AI use by firm size, smallest class first."""
    order = drawn.sort_values("size_class")["size_label"].drop_duplicates().tolist()
    return _btos_bars(drawn, "size_label", order)


def btos_size_caption(drawn: pd.DataFrame) -> str:
    """Caption for the BTOS size chart."""
    return caption(
        f"{BTOS_SOURCE}, Employment Size Class.xlsx",
        _latest_by_wording(drawn.sort_values("series_version", ascending=False)),
        "Share of businesses of each size (paid employees) answering yes, the newest period of "
        "each question wording; whiskers are 90% confidence intervals.",
    )
