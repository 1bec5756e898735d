"""Like for like by construction, dated, and with its history: the Thesis page's rules, pinned
on the real snapshot (fixed panels, current readings, vintages, one capex definition at a time,
point in time by filing date, the Census standard-error band)."""

import shutil

import duckdb
import pandas as pd
import pytest

from dashboard import chart, charts, data, figures, text
from warehouse.reader import query_df
from warehouse.settings import Settings


def card(settings):
    return query_df(settings, "select * from thesis_scorecard").set_index("indicator")


@pytest.fixture(scope="module")
def altered(tmp_path_factory, imported):
    """A copy of the imported warehouse for tests that change rows; returns (settings, con)."""

    def make(name: str, *statements):
        db = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
        shutil.copy(imported.db, db)
        with duckdb.connect(str(db)) as con:
            for sql, params in statements:
                con.execute(sql, params)
        return Settings.from_env(env={}, db=str(db))

    return make


def test_adopters_growth_on_a_fixed_basket(imported):
    # The case: on a fixed basket (CRM, NOW, PLTR) growth moved 12.1% -> 14.5%,
    # where the changing basket read +8.0 pp (ADBE, PLTR, SNOW against CRM, NOW, PLTR).
    row = card(imported).loc["enterprise_adopters_growth"]
    assert row.members == row.year_ago_members == "CRM,NOW,PLTR"
    assert (round(row.year_ago_value_pct, 1), round(row.value_pct, 1)) == (12.1, 14.5)
    # the same figures from the companies' own revenue rows
    rev = query_df(
        imported,
        "select ticker, calendar_label, value_usd from quarterly_financials "
        "where metric = 'revenue' and ticker in ('CRM', 'NOW', 'PLTR')",
    ).pivot(index="calendar_label", columns="ticker", values="value_usd")
    total = rev.sum(axis=1)

    def growth(q, q_ago):
        return (total[q] / total[q_ago] - 1) * 100

    assert row.value_pct == pytest.approx(growth(row.period_label, "2024Q3"))
    assert row.year_ago_value_pct == pytest.approx(growth(row.year_ago_label, "2023Q3"))
    # the latest quarter, where part of the panel has not reported, has no growth figure
    latest = query_df(
        imported,
        "select * from enterprise_adopters_growth where ticker = 'BASKET' "
        "order by calendar_year desc, calendar_quarter desc limit 1",
    ).iloc[0]
    assert not latest.is_complete and pd.isna(latest.revenue_yoy_pct)
    assert latest.panel_reported == f"{latest.companies_reported} of 3 reported"


def test_no_complete_total_over_a_partial_panel(imported):
    total = query_df(
        imported,
        "select * from hyperscaler_capex_quarterly where ticker = 'ALL' order by calendar_label",
    )
    panel = total.members.iloc[0].split(",")
    assert (total.is_complete == (total.companies_reported == len(panel))).all()
    assert (total.tickers_reported.str.split(",").map(lambda t: set(t) <= set(panel))).all()
    # 2026Q2: part of the panel had reported; the view says so and computes no growth
    q2 = total.set_index("calendar_label").loc["2026Q2"]
    assert not q2.is_complete and pd.isna(q2.capex_yoy_pct)
    assert q2.panel_reported == f"{q2.companies_reported} of {len(panel)} reported"
    # the chart draws it hollow and dashed, with "N of M reported" in the hover, apart
    # from the solid line of complete quarters (where 2026Q2 is a gap, not a fall)
    frame = data.hyperscaler_capex_quarterly(imported).frame
    hyperscalers = sorted(set(frame.ticker) - {"ALL"})
    fig = figures.capex_figure(figures.capex_drawn(frame, hyperscalers, hyperscalers))
    solid = next(t for t in fig.data if t.name.startswith("Panel total ("))
    hollow = next(t for t in fig.data if "incomplete" in t.name)
    assert pd.isna(list(solid.y)[-1])
    assert hollow.line.dash == "dash" and "circle-open" in hollow.marker.symbol
    notes = [c[1] for c in hollow.customdata]
    assert any(q2.panel_reported in n and "not a fall" in n for n in notes)
    # a dashed segment joins adjacent quarters only: runs are kept apart by gaps
    xs = list(hollow.x)
    assert None in xs
    for a, b in zip(xs, xs[1:]):
        if a is not None and b is not None:
            assert (pd.Timestamp(b) - pd.Timestamp(a)).days <= 92


def test_no_scorecard_row_compares_different_members(imported):
    c = card(imported)
    year = c[c.change_on_year_pp.notna()]
    quarter = c[c.change_on_quarter_pp.notna()]
    # the Census survey's current wording began in November 2025: it has no year-ago reading
    # of its own, and none is borrowed from the old wording
    assert list(c.index.difference(year.index)) == ["btos_ai_use_rate"]
    assert c.loc["btos_ai_use_rate", "points_to"] == "no year-ago reading"
    assert (year.members == year.year_ago_members).all()
    assert (quarter.members == quarter.prior_quarter_members).all()
    history = query_df(imported, "select * from thesis_history")
    assert history.members.notna().any()


def test_census_reading_is_the_national_rate_of_the_current_wording(imported):
    row = card(imported).loc["btos_ai_use_rate"]
    national = query_df(
        imported,
        "select period_date, value, series_version from adoption_indicators "
        "where indicator = 'btos_ai_use_rate' and geography = 'US' "
        "order by series_version desc, period_date desc limit 1",
    ).iloc[0]
    assert (row.basis, row.members) == (national.series_version, "US")
    assert row.value_pct == pytest.approx(national.value)
    assert pd.Timestamp(row.period_end) == pd.Timestamp(national.period_date)


def test_without_national_rows_the_census_reading_is_a_fixed_panel_of_states(altered):
    # the national rows taken out of a copy: the median over the states reporting at both dates
    states_only = altered(
        "no-national", ("delete from adoption_indicators where geography = 'US'", [])
    )
    row = card(states_only).loc["btos_ai_use_rate"]
    states = row.members.split(",")
    both = query_df(
        states_only,
        "select geography, value, period_date from adoption_indicators "
        "where indicator = 'btos_ai_use_rate' and length(geography) = 2 and geography <> 'XX' "
        "and period_date in (?, ?)",
        [row.period_end, pd.Timestamp(row.year_ago_label.removeprefix("survey of "))],
    )
    at = both.pivot(index="geography", columns="period_date", values="value").dropna()
    assert sorted(at.index) == states
    assert f"median of a fixed panel of {len(states)} states" in row.indicator_label
    latest, year_ago = at.columns.max(), at.columns.min()
    assert row.value_pct == pytest.approx(at[latest].median())
    assert row.year_ago_value_pct == pytest.approx(at[year_ago].median())
    # the unfixed median of every state reporting differs: the panel is what changed
    assert both.groupby("period_date").size().nunique() > 1


def test_stale_readings_are_greyed_and_not_counted(imported):
    c = card(imported)
    newest = query_df(imported, "select max(reading_quarter) q from thesis_indicators").q[0]
    latest = query_df(
        imported,
        "select indicator, reading_quarter from thesis_indicators "
        "where is_current_basis and value_pct is not null "
        "qualify row_number() over (partition by indicator order by period_end desc) = 1",
    ).set_index("indicator")
    behind = newest - latest.reading_quarter
    assert (c.quarters_behind == behind[c.index]).all()
    assert not c.is_current[behind[c.index] > 2].any()
    # the Census reading and the top-customer share are stale on this snapshot
    assert not c.loc["btos_ai_use_rate", "is_current"]
    assert not c.loc["nvda_top_customer_share", "is_current"]
    sentences = text.thesis_sentences(c.reset_index())
    current = c[c.is_current]
    n = text._number_word(len(current))
    assert f"of the {n} current readings (of six indicators)" in sentences[0]
    enterprise = int((current.points_to == "enterprise-led").sum())
    assert sentences[0].split(",")[1].strip().startswith(text._number_word(enterprise))
    oldest = current.loc[current.quarters_behind.idxmax()]
    assert f"The oldest reading counted is {oldest.period_label}" in sentences[1]
    assert "Not counted, because not current" in sentences[2]


def test_nvidia_vintages_are_separate_series(imported):
    frame = data.nvda_data_center_mix(imported, "both").frame
    fig = figures.dc_mix_figure(figures.dc_mix_drawn(frame))
    by_group = {}
    for t in fig.data:
        by_group.setdefault(t.offsetgroup, set()).add(t.name)
    assert set(by_group) == {"fy27_original", "fy27_recast"}
    assert all("(as first published)" in n for n in by_group["fy27_original"])
    assert all("(recast)" in n for n in by_group["fy27_recast"])
    # each trace holds one vintage's quarters only
    for t in fig.data:
        quarters = set(frame[frame.presentation == t.offsetgroup].fiscal_label)
        assert set(t.x) == quarters
    assert "never spliced" in figures.dc_mix_caption(frame)
    # the scorecard's share compares within one vintage
    row = card(imported).loc["nvda_enterprise_share"]
    assert row.basis == "fy27_recast" and row.members == row.year_ago_members


def test_capex_definitions_one_at_a_time(imported):
    frame = data.hyperscaler_capex_quarterly(imported).frame
    tickers = sorted(set(frame.ticker) - {"ALL"})
    cash = figures.capex_drawn(frame, tickers, tickers, "cash")
    leases = figures.capex_drawn(frame, tickers, tickers, "leases")
    assert (cash.value_usd == cash.capex_usd).all()
    assert (leases.value_usd == leases.capex_usd + leases.finance_lease_principal_usd).all()
    loaded = query_df(
        imported,
        "select distinct ticker from financial_facts "
        "where metric = 'finance_lease_principal_payments'",
    ).ticker
    assert set(leases.ticker) - {"ALL"} == set(loaded) & set(tickers)
    # no panel total under a definition not every member's filings allow
    assert "ALL" not in set(leases.ticker)
    assert "(the default)" in figures.capex_caption(cash, tickers)
    caption = figures.capex_caption(leases, tickers)
    assert "including finance leases" in caption and "AMZN" in caption
    # a rounded figure is flagged in the hover
    rounded = cash[cash.is_rounded.astype(bool) & (cash.ticker != "ALL")]
    assert len(rounded) and rounded.source.str.contains("ROUNDED").all()
    fig = figures.capex_figure(cash)
    flags = [c[2] for t in fig.data if t.name in set(rounded.ticker) for c in t.customdata]
    assert any("rounded in its source" in f for f in flags)


def test_history_is_point_in_time(imported):
    history = query_df(imported, "select * from thesis_history")
    indicators = query_df(imported, "select * from thesis_indicators")
    assert history.as_of.min() == pd.Timestamp("2023-03-31")
    assert not history.duplicated(["indicator", "as_of"]).any()
    known = history[history.value_pct.notna()]
    assert (known.known_at <= known.as_of).all()
    # the last quarter-end before the newest capex reading was known reads an older one
    latest = card(imported).loc["hyperscaler_capex_yoy"]
    before = history[
        (history.indicator == "hyperscaler_capex_yoy") & (history.as_of < latest.known_at)
    ].iloc[-1]
    assert before.period_label != latest.period_label
    expected = indicators[
        (indicators.indicator == "hyperscaler_capex_yoy") & (indicators.known_at <= before.as_of)
    ].sort_values("period_end")
    assert before.period_label == expected.period_label.iloc[-1]
    # the verdict of each date counts its current readings only
    for _, rows in history.groupby("as_of"):
        current = rows[rows.is_current]
        assert rows.current_readings.iloc[0] == len(current)
        assert rows.enterprise_led.iloc[0] == (current.points_to == "enterprise-led").sum()


def test_a_fact_filed_after_as_of_is_not_used(imported, altered):
    # Synthetic change: Microsoft's capex for calendar 2025Q4 marked as first filed at the end
    # of 2026. At 2026-03-31 the panel's 2025Q4 total was then not known yet.
    msft = query_df(
        imported,
        "select fiscal_year, fiscal_quarter from financial_facts where ticker = 'MSFT' "
        "and metric = 'capex' and calendar_year = 2025 and calendar_quarter = 4",
    ).iloc[0]
    settings = altered(
        "late-filing",
        (
            "update financial_facts set first_filed_at = date '2026-12-31' "
            "where ticker = 'MSFT' and metric = 'capex' and fiscal_year = ? "
            "and fiscal_quarter = ?",
            [int(msft.fiscal_year), int(msft.fiscal_quarter)],
        ),
    )
    sql = (
        "select period_label from thesis_history "
        "where indicator = 'hyperscaler_capex_yoy' and as_of = date '2026-03-31'"
    )
    assert query_df(imported, sql).period_label[0] == "2025Q4"
    assert query_df(settings, sql).period_label[0] == "2025Q3"


def test_census_change_inside_its_band_reads_no_clear_change(imported, altered):
    # Synthetic national rows with standard errors (the Census publishes them; none are loaded
    # in this snapshot): 17.0% vs 16.5% a year earlier, se 0.4 each -> band 0.93 pp.
    rows = [
        ("2024-12-15", 16.5, 0.4),
        ("2025-03-09", 16.8, 0.4),
        ("2025-12-14", 17.0, 0.4),
    ]
    statements = [
        (
            "insert into adoption_indicators by name select 'btos_ai_use_rate' as indicator, "
            "'US' as geography, ?::date as period_date, ? as value, 'percent_of_firms' as unit, "
            "'2025_any_business_function' as series_version, 'synthetic' as source, "
            "? as std_error",
            list(r),
        )
        for r in rows
    ]
    settings = altered("national", *statements)
    row = card(settings).loc["btos_ai_use_rate"]
    assert row.members == row.year_ago_members == "US"
    assert row.indicator_label.endswith("national rate")
    assert row.change_on_year_pp == pytest.approx(0.5)
    assert row.change_on_year_band_pp == pytest.approx(1.645 * (0.4**2 * 2) ** 0.5)
    assert row.points_to == "no clear change"


def test_history_chart_draws_every_quarter_end(imported):
    f = chart.filters()
    out = chart.render_all([charts.HOME_HISTORY], imported, f)[charts.HOME_HISTORY.key]
    as_of = query_df(imported, "select distinct as_of from thesis_history").as_of
    verdict = next(t for t in out.figure.data if t.name == "verdict")
    assert len(verdict.x) == len(as_of)
    assert "known by then" in out.caption
