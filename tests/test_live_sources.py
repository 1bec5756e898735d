"""The live source clients and their normalisers: real yfinance and requests over loopback.

Recorded Yahoo responses (../shared/data/yahoo) are served as they were recorded; expected
values are read from those files here.
"""

from __future__ import annotations

import json
import time
from datetime import date

import pandas as pd
import pytest
import requests

from ingest.normalise import yahoo as normalise
from ingest.normalise.sec import PayloadError
from ingest.sources.http import HTTPStatusError, RateLimiter, RetryPolicy, SourceError, with_retries
from ingest.sources.sec import SecClient
from ingest.sources.yahoo import YahooClient, YahooSession
from tests.conftest import SNAPSHOT
from tests.fakes import FakeSec, FakeYahoo
from tests.fakes.fixtures import SEC_USER_AGENT

# A generous timeout: these tests are about payloads and retries, not about timing.
POLICY = RetryPolicy(tries=4, backoff_s=0.01, timeout_s=30.0)


def _recorded(name: str) -> dict:
    return json.loads((SNAPSHOT / "yahoo" / name).read_text())


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "https://query1.finance.yahoo.com/v8/finance/chart/NVDA?range=1d",
            "http://mirror.test:81/v8/finance/chart/NVDA?range=1d",
        ),
        (
            "https://query2.finance.yahoo.com/ws/fundamentals-timeseries/v1/finance/timeseries/AMD"
            "?symbol=AMD&type=quarterlyTotalRevenue",
            "http://mirror.test:81/ws/fundamentals-timeseries/v1/finance/timeseries/AMD"
            "?symbol=AMD&type=quarterlyTotalRevenue",
        ),
        ("https://fc.yahoo.com", "http://mirror.test:81/"),
        (
            "https://finance.yahoo.com/calendar/earnings?symbol=MSFT&offset=0&size=25",
            "http://mirror.test:81/calendar/earnings?symbol=MSFT&offset=0&size=25",
        ),
        ("https://guce.yahoo.com/consent", "http://mirror.test:81/consent"),
        ("https://example.com/not-yahoo", "https://example.com/not-yahoo"),
        ("https://notyahoo.com/x", "https://notyahoo.com/x"),
    ],
)
def test_session_sends_every_yahoo_host_to_the_base_url(url, expected):
    assert YahooSession("http://mirror.test:81/").rewrite(url) == expected
    assert YahooSession(None).rewrite(url) == url


def test_yfinance_history_through_the_session(fake_yahoo):
    client = YahooClient(fake_yahoo.url, POLICY)
    history = client.history("NVDA", date(2024, 6, 3))
    prices, actions = normalise.prices_frames(history, "NVDA")
    csv = pd.read_csv(SNAPSHOT / "prices" / "NVDA.csv").set_index("Date")
    assert str(prices["date"].iloc[0]) == "2024-06-03"
    for row in prices.head(10).itertuples():
        assert row.close == pytest.approx(csv.loc[str(row.date), "Close"])
        assert row.adj_close == pytest.approx(csv.loc[str(row.date), "Adj Close"])
        assert row.volume == csv.loc[str(row.date), "Volume"]
    assert ("split", 10.0) in {(a.action, a.value) for a in actions.itertuples()}
    chart = fake_yahoo.requests_for("chart", "NVDA")
    assert chart and all(
        r.query.get("events") == "div,splits,capitalGains" for r in chart if "period1" in r.query
    )


def test_recorded_chart_parses_to_its_rows_and_dividends(fake_yahoo):
    # AAPL has no price file in the snapshot: the fake serves the recorded response as is.
    recorded = _recorded("history_chart_AAPL.json")["chart"]["result"][0]
    prices, actions = normalise.prices_frames(
        YahooClient(fake_yahoo.url, POLICY).history("AAPL"), "AAPL"
    )
    assert len(prices) == len(recorded["timestamp"])
    assert prices["close"].iloc[-1] == pytest.approx(
        recorded["indicators"]["quote"][0]["close"][-1]
    )
    expected = sorted(d["amount"] for d in recorded["events"]["dividends"].values())
    assert sorted(actions[actions.action == "dividend"]["value"]) == expected


def test_recorded_quarterly_statement_parses_to_its_values(fake_yahoo):
    statements = YahooClient(fake_yahoo.url, POLICY).quarterly_statements("AAPL")
    frame = normalise.statements_frame(statements, "AAPL", 9)
    recorded = {
        e["meta"]["type"][0]: e
        for e in _recorded("timeseries_income_statement_quarterly_AAPL.json")["timeseries"][
            "result"
        ]
    }
    revenue = {
        x["asOfDate"]: x["reportedValue"]["raw"]
        for x in recorded["quarterlyTotalRevenue"]["quarterlyTotalRevenue"]
    }
    got = frame[frame.metric == "revenue"].set_index("period_end")["value_usd"]
    assert {str(k): v for k, v in got.items()} == revenue
    # Apple's fiscal year ends in September: the quarter ended 2024-12-31 is fiscal Q1 2025.
    q = frame[(frame.metric == "revenue") & (frame.period_end == date(2024, 12, 31))].iloc[0]
    assert (q.fiscal_year, q.fiscal_quarter, q.calendar_year, q.calendar_quarter) == (
        2025,
        1,
        2024,
        4,
    )
    assert set(frame.metric) == {"revenue", "gross_profit", "operating_income", "net_income"}


def test_yahoo_capex_is_stored_as_a_positive_outflow(fake_yahoo):
    statements = YahooClient(fake_yahoo.url, POLICY).quarterly_statements("AMZN")
    capex = normalise.statements_frame(statements, "AMZN", 12)
    facts = pd.read_csv(SNAPSHOT / "financial_facts.csv")
    facts = facts[(facts.ticker == "AMZN") & (facts.metric == "capex")]
    expected = dict(zip(facts.period_end, facts.value_usd))
    assert len(capex) == 5
    for row in capex.itertuples():
        assert row.value_usd > 0 and row.value_usd == expected[str(row.period_end)]


def test_earnings_dates_from_the_calendar_page(fake_yahoo):
    fake_yahoo.as_of = date(2025, 10, 1)
    dates = YahooClient(fake_yahoo.url, POLICY).earnings_dates("META")
    frame = normalise.earnings_frame(dates, "META", 12, today=date(2025, 10, 1))
    events = pd.read_csv(SNAPSHOT / "earnings_events.csv")
    q2 = events[(events.ticker == "META") & (events.report_date == "2025-07-30")].iloc[0]
    row = frame[frame.fiscal_period_label == "FY2025Q2"].iloc[0]
    assert (row.eps_estimate, row.eps_actual, row.surprise_pct) == (
        q2.eps_estimate,
        q2.eps_actual,
        q2.surprise_pct,
    )
    assert row.is_confirmed
    upcoming = frame[frame.fiscal_period_label == "FY2025Q3"].iloc[0]
    assert str(upcoming.report_date) == "2025-10-30"
    assert pd.isna(upcoming.eps_actual) and not upcoming.is_confirmed


@pytest.mark.parametrize(
    "report, fye, label",
    [
        (date(2025, 11, 19), 1, (2026, 3)),  # NVIDIA reports fiscal Q3 (ended late October)
        (date(2026, 2, 25), 1, (2026, 4)),
        (date(2026, 1, 28), 6, (2026, 2)),  # Microsoft fiscal Q2 ends December 31
        (date(2025, 10, 30), 12, (2025, 3)),
        (date(2025, 9, 9), 5, (2026, 1)),  # Oracle fiscal Q1 ends August 31
    ],
)
def test_reported_quarter(report, fye, label):
    assert normalise.reported_quarter(report, fye) == label


def test_normalisers_refuse_empty_frames():
    with pytest.raises(PayloadError, match="no price rows returned"):
        normalise.prices_frames(pd.DataFrame(), "X")
    with pytest.raises(PayloadError, match="no quarterly statement rows"):
        normalise.statements_frame({"income": pd.DataFrame(), "cash_flow": None}, "X", 12)
    with pytest.raises(PayloadError, match="no earnings dates returned"):
        normalise.earnings_frame(None, "X", 12, date(2026, 1, 1))


def test_retries_are_bounded_and_say_how_many_tries():
    calls = []

    def always_429():
        calls.append(1)
        raise HTTPStatusError(429, "http://synthetic.test/")

    with pytest.raises(SourceError, match=r"^HTTP 429 after 4 tries$"):
        with_retries(always_429, POLICY)
    assert len(calls) == 4

    def bad_payload():
        calls.append(2)
        return json.loads("{not json")

    with pytest.raises(SourceError, match=r"^malformed JSON \(") as raised:
        with_retries(bad_payload, POLICY)
    assert calls.count(2) == 1 and not raised.value.network


def test_sec_client_sends_user_agent_and_explains_errors(fake_sec):
    client = SecClient(fake_sec.url, SEC_USER_AGENT, POLICY, RateLimiter(1000))
    facts = client.companyfacts(1045810)
    assert facts["facts"]["us-gaap"]
    assert fake_sec.requests[-1].headers["User-Agent"] == SEC_USER_AGENT
    with pytest.raises(
        SourceError,
        match=r"SEC has no companyfacts for CIK 0001018724 "
        r"\(HTTP 404\)",
    ):
        client.companyfacts(1018724)
    anonymous = SecClient(fake_sec.url, "anonymous", POLICY, RateLimiter(1000))
    with pytest.raises(SourceError, match="HTTP 403 from SEC"):
        anonymous.companyfacts(1045810)


def test_sec_client_keeps_to_ten_requests_per_second(fake_sec):
    client = SecClient(fake_sec.url, SEC_USER_AGENT, POLICY, RateLimiter(10))
    started = time.monotonic()
    for _ in range(12):
        client.companyfacts(1045810)
    arrivals = [r.at for r in fake_sec.requests_for("companyfacts")]
    # Request n may start 0.1 s x n after the first at the earliest. A slow machine only delays
    # arrivals, so this lower bound holds however loaded it is; a limiter that lets requests
    # through in a burst breaks it.
    assert len(arrivals) >= 12
    assert all(at - started >= 0.1 * n - 0.005 for n, at in enumerate(arrivals))


def test_yahoo_timeout_is_ours_not_yfinances(fake_yahoo):
    fake_yahoo.fail("AMD", "timeout", kind="earnings")
    client = YahooClient(fake_yahoo.url, RetryPolicy(tries=2, backoff_s=0.01, timeout_s=0.2))
    with pytest.raises(SourceError, match=r"^timeout \(no answer within 0\.2 s\) after 2 tries$"):
        client.earnings_dates("AMD")
    hung = [r for r in fake_yahoo.requests_for("earnings", "AMD") if r.fault == "timeout"]
    assert len(hung) == 2


def test_fake_yahoo_undoes_later_splits(yfinance_cache):
    with FakeYahoo(as_of=date(2024, 6, 3)) as yahoo:
        doc = requests.get(f"{yahoo.url}/v8/finance/chart/NVDA?range=1d").json()
    csv = pd.read_csv(SNAPSHOT / "prices" / "NVDA.csv").set_index("Date")
    close = doc["chart"]["result"][0]["indicators"]["quote"][0]["close"][-1]
    assert close == pytest.approx(csv.loc["2024-06-03", "Close"] * 10)


def test_fake_sec_serves_recorded_bytes(fake_sec):
    body = requests.get(
        f"{fake_sec.url}/api/xbrl/companyfacts/CIK0001326801.json",
        headers={"User-Agent": SEC_USER_AGENT},
    ).content
    assert body == (SNAPSHOT / "sec" / "companyfacts" / "CIK0001326801.json").read_bytes()
    assert isinstance(FakeSec().ticker_of[1326801], str)
