"""Every chart of the dashboard, each declared once (the spec is dashboard/chart.py).

A declaration names the key (ids, CSV file), the card title, the data function (data.py), the
rows drawn, the figure builder and the caption (figures.py). Functions that take a second
argument receive the page's filters: f.tickers, f.colors, ... (each page's render() says which).
"""

from __future__ import annotations

from dashboard import data, figures, revenue_gap
from dashboard.chart import Chart

# --- Thesis (pages/home.py) -------------------------------------------------------------------

HOME_DC_MIX = Chart(
    key="home-dc-mix",
    title="NVIDIA data-center revenue: hyperscale vs AI clouds, industrial & enterprise",
    data=lambda settings: data.nvda_data_center_mix(settings, "both"),
    drawn=figures.dc_mix_drawn,
    figure=figures.dc_mix_figure,
    caption=figures.dc_mix_caption,
)
HOME_DC_VS_CAPEX = Chart(
    key="home-dc-vs-capex",
    title="NVIDIA data-center revenue vs hyperscaler capex",
    data=data.hyperscaler_capex_panel,
    drawn=figures.dc_vs_capex_drawn,
    figure=figures.dc_vs_capex_figure,
    caption=figures.dc_vs_capex_caption,
)

HOME_HISTORY = Chart(
    key="home-history",
    title="How the evidence moved: the scorecard at each quarter-end, as known then",
    data=data.thesis_history,
    drawn=figures.history_drawn,
    figure=figures.history_figure,
    caption=figures.history_caption,
)

# --- GPU vendors (pages/gpu_vendors.py) -------------------------------------------------------


def _vendor_chosen(f):
    return None if f.tickers else "no vendor chosen: tick at least one above"


GPU_REVENUE = Chart(
    key="gpu-revenue",
    uses=("tickers",),
    title="Revenue by quarter",
    data=lambda settings, f: data.gpu_vendor_quarterly(settings, f.tickers),
    drawn=figures.gpu_revenue_drawn,
    figure=lambda drawn, f: figures.gpu_revenue_figure(drawn, f.colors),
    caption=figures.gpu_revenue_caption,
    check=_vendor_chosen,
)
GPU_MARGIN = Chart(
    key="gpu-margin",
    uses=("tickers",),
    title="Gross margin by quarter",
    data=lambda settings, f: data.gpu_vendor_quarterly(settings, f.tickers),
    drawn=figures.gpu_margin_drawn,
    figure=lambda drawn, f: figures.gpu_margin_figure(drawn, f.colors),
    caption=lambda drawn, f: figures.gpu_margin_caption(drawn, f.tickers),
    check=_vendor_chosen,
)
GPU_PLATFORM = Chart(
    key="gpu-platform",
    uses=("presentation",),
    title="NVIDIA revenue by platform",
    data=lambda settings, f: data.nvda_revenue_by_platform(settings, f.presentation),
    drawn=figures.platform_drawn,
    figure=figures.platform_figure,
    caption=figures.platform_caption,
)
GPU_DC_SPLIT = Chart(
    key="gpu-dc-split",
    title="NVIDIA data-center revenue: compute vs networking",
    data=data.nvda_data_center_split,
    drawn=figures.dc_split_drawn,
    figure=figures.dc_split_figure,
    caption=figures.dc_split_caption,
)
GPU_EARNINGS = Chart(
    key="gpu-earnings",
    uses=("tickers",),
    title="Earnings: EPS estimate vs actual",
    data=lambda settings, f: data.earnings_surprises(settings, f.tickers),
    drawn=figures.earnings_drawn,
    figure=lambda drawn, f: figures.earnings_figure(drawn, f.colors),
    caption=lambda drawn, f: figures.earnings_caption(drawn, f.frame, f.tickers),
    check=_vendor_chosen,
)

# --- Big-tech capex (pages/capex.py) ----------------------------------------------------------


def _hyperscaler_chosen(f):
    return None if f.tickers else "no hyperscaler chosen: tick at least one above"


CAPEX_BY_COMPANY = Chart(
    key="capex-by-company",
    uses=("tickers", "definition"),
    title="Capex per hyperscaler by calendar quarter (panel total when all are chosen)",
    data=lambda settings, f: data.hyperscaler_capex_quarterly(settings, f.tickers),
    drawn=lambda frame, f: figures.capex_drawn(frame, f.tickers, f.all_tickers, f.definition),
    figure=lambda drawn, f: figures.capex_figure(drawn, f.colors),
    caption=lambda drawn, f: figures.capex_caption(drawn, f.tickers),
    check=_hyperscaler_chosen,
)
CAPEX_INTENSITY = Chart(
    key="capex-intensity",
    uses=("tickers",),
    title="Capex intensity: capex ÷ revenue",
    data=lambda settings, f: data.hyperscaler_capex_intensity(settings, f.tickers),
    drawn=figures.intensity_drawn,
    figure=lambda drawn, f: figures.intensity_figure(drawn, f.colors),
    caption=lambda drawn, f: figures.intensity_caption(drawn, f.tickers),
    check=_hyperscaler_chosen,
)
CAPEX_DC_SHARE = Chart(
    key="capex-dc-share",
    title="NVIDIA data-center revenue as a share of hyperscaler capex",
    data=data.hyperscaler_capex_panel,
    drawn=figures.dc_vs_capex_drawn,
    figure=figures.dc_share_figure,
    caption=figures.dc_vs_capex_caption,
)

CAPEX_CLOUD = Chart(
    key="capex-cloud",
    uses=("tickers",),
    title="Cloud revenue vs capex: cloud revenue per dollar of capex, four quarters",
    data=lambda settings, f: data.cloud_revenue_vs_capex(settings, f.tickers),
    drawn=figures.cloud_capex_drawn,
    figure=lambda drawn, f: figures.cloud_capex_figure(drawn, f.colors),
    caption=lambda drawn, f: figures.cloud_capex_caption(drawn, f.tickers),
    check=_hyperscaler_chosen,
)

# --- Enterprise adoption (pages/enterprise.py) ------------------------------------------------

ENT_MIX = Chart(
    key="ent-mix",
    uses=("vintage",),
    title="NVIDIA data-center revenue: hyperscale vs AI clouds, industrial & enterprise",
    data=lambda settings, f: data.nvda_data_center_mix(settings, f.vintage),
    drawn=figures.dc_mix_drawn,
    figure=figures.dc_mix_figure,
    caption=figures.dc_mix_caption,
)
ENT_GROWTH = Chart(
    key="ent-growth",
    uses=("tickers",),
    title="Enterprise adopters: revenue growth on a year earlier",
    data=lambda settings, f: data.enterprise_adopters_growth(settings, f.tickers),
    drawn=figures.growth_drawn,
    figure=lambda drawn, f: figures.growth_figure(drawn, f.colors),
    caption=figures.growth_caption,
)
ENT_BTOS_NATIONAL = Chart(
    key="ent-btos-national",
    uses=("btos",),
    title="Census BTOS: share of US businesses using AI, nationally, by question wording",
    data=lambda settings, f: data.btos_ai_use_national(settings, f.btos),
    drawn=figures.btos_national_drawn,
    figure=figures.btos_national_figure,
    caption=figures.btos_national_caption,
)
ENT_BTOS_SECTOR = Chart(
    key="ent-btos-sector",
    uses=("btos",),
    title="Census BTOS: AI use by sector, newest period",
    data=lambda settings, f: data.btos_ai_use_by_sector(settings, f.btos),
    drawn=figures.btos_sector_drawn,
    figure=figures.btos_sector_figure,
    caption=figures.btos_sector_caption,
)
ENT_BTOS_SIZE = Chart(
    key="ent-btos-size",
    uses=("btos",),
    title="Census BTOS: AI use by firm size, newest period",
    data=lambda settings, f: data.btos_ai_use_by_size(settings, f.btos),
    drawn=figures.btos_size_drawn,
    figure=figures.btos_size_figure,
    caption=figures.btos_size_caption,
)
ENT_BTOS = Chart(
    key="ent-btos",
    uses=("btos", "show_xx"),
    title="Census BTOS by state (secondary view): the spread across states",
    data=lambda settings, f: data.btos_ai_use_by_period(settings, f.btos),
    drawn=lambda frame, f: figures.btos_drawn(frame, f.show_xx),
    figure=figures.btos_figure,
    caption=figures.btos_caption,
)

# --- AI revenue gap (pages/revenue_gap.py) ----------------------------------------------------

REVENUE_GAP = Chart(
    key="revenue-gap",
    title="Revenue end users must earn each year, at each quarter's run-rate",
    data=data.nvda_data_center_quarterly,
    drawn=lambda frame, f: revenue_gap.table(frame, f.cost, f.margin, f.earned),
    figure=lambda drawn, f: figures.gap_figure(drawn, f.label),
    caption=figures.gap_caption,
    check=lambda f: f.error,
)

# --- Markets (pages/markets.py) ---------------------------------------------------------------


def _performance_check(f):
    if f.reason:
        return f.reason
    if not [s for s in f.series if s != f.benchmark]:
        return f"only {f.benchmark} chosen: relative to itself it is flat at 100"
    return None


MKT_PERFORMANCE = Chart(
    key="mkt-performance",
    title="Relative performance",
    data=lambda settings, f: data.relative_performance(
        settings, f.start, [s for s in f.series if s != f.benchmark], f.benchmark
    ),
    drawn=lambda frame, f: figures.performance_drawn(frame, f.benchmark),
    figure=lambda drawn, f: figures.performance_figure(drawn, f.benchmark, f.log_scale, f.colors),
    caption=lambda drawn, f: figures.performance_caption(drawn, f.benchmark),
    check=_performance_check,
    csv_on_demand=True,  # years of daily rows: read when the CSV is asked for
)
MKT_DRAWDOWN = Chart(
    key="mkt-drawdown",
    title="Drawdown from the peak within the range",
    data=lambda settings, f: data.relative_performance(settings, f.start, f.series, None),
    drawn=figures.drawdown_drawn,
    figure=lambda drawn, f: figures.drawdown_figure(drawn, f.colors),
    caption=lambda drawn: figures.performance_caption(drawn, None),
    check=lambda f: f.reason,
    csv_on_demand=True,
)
