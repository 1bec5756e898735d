"""Faults, one ticker at a time, while the others are healthy: nothing lost, everything said.

The real yfinance library and the real SEC client talk to loopback fakes (tests/fakes) that
serve the snapshot; a baseline warehouse is loaded first, then the fakes' clock moves on and one
ticker misbehaves during the next refresh.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ingest.live import GIVE_UP_AFTER, refresh_live
from tests.fakes import FakeSec, FakeYahoo
from tests.fakes.fixtures import CLEAN_TICKERS, SHORT_TIMEOUT_S
from tests.live_helpers import (
    SECOND_AS_OF,
    build_baseline,
    copy_warehouse,
    run_items,
    settings_for,
    ticker_rows,
)
from warehouse.reader import query_df

FAULTY = "MSFT"
HEALTHY = [t for t in CLEAN_TICKERS if t != FAULTY]

# fault -> reason recorded for (prices, financials, earnings). Only the timeout cases run with
# a short timeout (SHORT_TIMEOUT_S); the fake hangs the faulted ticker's requests only.
TIMEOUT_REASON = rf"timeout \(no answer within {SHORT_TIMEOUT_S:g} s\) after 4 tries"
YAHOO_REASONS = {
    "timeout": [TIMEOUT_REASON] * 3,
    "429": ["HTTP 429 after 4 tries"] * 3,
    "500": ["HTTP 500 after 4 tries"] * 3,
    "403": [
        r"HTTP 403 from Yahoo \(/v8/finance/chart/MSFT\)",
        r"HTTP 403 from Yahoo \(/ws/fundamentals-timeseries/.+\)",
        r"HTTP 403 from Yahoo \(/calendar/earnings\)",
    ],
    "malformed": [
        r"malformed JSON \(.+\)",
        r"malformed JSON \(.+\)",
        r"unexpected payload layout \(KeyError: .+\)",
    ],
    "empty": [
        r"no price rows returned",
        r"no quarterly income statement rows returned",
        r"no earnings dates returned",
    ],
    "missing_field": [
        "missing field 'timestamp'",
        "missing field 'reportedValue'",
        "missing field 'Reported EPS'",
    ],
}
SEC_REASONS = {
    "timeout": TIMEOUT_REASON,
    "429": "HTTP 429 after 4 tries",
    "500": "HTTP 500 after 4 tries",
    "malformed": r"malformed JSON \(.+\)",
    "empty": "no quarterly facts for the tracked metrics in companyfacts",
    "missing_field": "missing field 'facts'",
}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, yfinance_cache):
    return build_baseline(tmp_path_factory.mktemp("baseline") / "warehouse.duckdb")


def _timeout_for(fault: str) -> dict:
    """A short HTTP timeout only where the timeout is the thing under test."""
    return {"http_timeout_s": SHORT_TIMEOUT_S} if fault == "timeout" else {}


def _frames_equal(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    for table in before:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)


@pytest.mark.parametrize("fault", list(YAHOO_REASONS))
def test_yahoo_fault_on_one_ticker(fault, baseline, tmp_path, fake_yahoo, fake_sec):
    settings = settings_for(
        copy_warehouse(baseline, tmp_path / "w.duckdb"), fake_yahoo, fake_sec, **_timeout_for(fault)
    )
    before = ticker_rows(settings, FAULTY)
    newest_before = query_df(
        settings, "select ticker, max(date) as newest from prices_daily group by ticker"
    ).set_index("ticker")["newest"]
    fake_yahoo.as_of = SECOND_AS_OF
    fake_yahoo.fail(FAULTY, fault)

    summary = refresh_live(settings, sources=["yahoo"], tickers=CLEAN_TICKERS)

    assert summary.exit_code == 1
    failed = {i.item: i.error for i in summary.failed}
    assert sorted(failed) == [f"{d}/{FAULTY}" for d in ("earnings", "financials", "prices")]
    for dataset, pattern in zip(("prices", "financials", "earnings"), YAHOO_REASONS[fault]):
        assert re.match(pattern, failed[f"{dataset}/{FAULTY}"]), (dataset, failed)
    # The run log says the same, and the summary prints it.
    logged = run_items(settings, summary.run_id)
    assert logged[f"yahoo:prices/{FAULTY}"] == ("failed", failed[f"prices/{FAULTY}"])
    assert f"  failed  yahoo:prices/{FAULTY}: {failed[f'prices/{FAULTY}']}" in summary.lines()
    # Healthy tickers moved on; the faulty one kept exactly what it had.
    newest_after = query_df(
        settings, "select ticker, max(date) as newest from prices_daily group by ticker"
    ).set_index("ticker")["newest"]
    for ticker in HEALTHY:
        assert newest_after[ticker] > newest_before[ticker]
        assert logged[f"yahoo:prices/{ticker}"][0] == "ok"
    assert newest_after[FAULTY] == newest_before[FAULTY]
    _frames_equal(before, ticker_rows(settings, FAULTY))
    # A bad payload is not retried; a status or a timeout is, four times.
    asked = [r for r in fake_yahoo.requests_for("chart", FAULTY) if r.fault]
    assert len(asked) == (1 if fault in ("malformed", "empty", "missing_field", "403") else 4)


@pytest.mark.parametrize("fault", list(SEC_REASONS))
def test_sec_fault_on_one_ticker(fault, baseline, tmp_path, fake_sec):
    settings = settings_for(
        copy_warehouse(baseline, tmp_path / "w.duckdb"), None, fake_sec, **_timeout_for(fault)
    )
    before = ticker_rows(settings, FAULTY)
    fake_sec.fail(FAULTY, fault, kind="companyfacts")

    # full: companyfacts is asked for even though no filing is new since the baseline
    summary = refresh_live(
        settings, sources=["sec"], tickers=CLEAN_TICKERS, datasets=["companyfacts"], full=True
    )

    assert summary.exit_code == 1
    failed = {i.item: i.error for i in summary.failed}
    assert list(failed) == [f"companyfacts/{FAULTY}"]
    assert re.fullmatch(SEC_REASONS[fault], failed[f"companyfacts/{FAULTY}"])
    logged = run_items(settings, summary.run_id)
    assert all(logged[f"sec:companyfacts/{t}"][0] == "ok" for t in HEALTHY)
    _frames_equal(before, ticker_rows(settings, FAULTY))
    tries = len(fake_sec.requests_for("companyfacts", FAULTY))
    assert tries == (1 if fault in ("malformed", "empty", "missing_field") else 4)


def test_429_then_success_loads_everything(baseline, tmp_path, fake_yahoo, fake_sec):
    settings = settings_for(copy_warehouse(baseline, tmp_path / "w.duckdb"), fake_yahoo, fake_sec)
    fake_yahoo.as_of = SECOND_AS_OF
    fake_yahoo.fail(FAULTY, "429", times=1, kind="chart")
    fake_sec.fail(FAULTY, "429", times=2, kind="companyfacts")

    # full: companyfacts is asked for even though no filing is new since the baseline
    summary = refresh_live(settings, tickers=CLEAN_TICKERS, full=True)

    assert summary.exit_code == 0, summary.lines()
    assert [r.fault for r in fake_yahoo.requests_for("chart", FAULTY)][0] == "429"
    # Two 429s, then an answer (a slow machine may repeat that last request; never a fault).
    served = [r.fault for r in fake_sec.requests_for("companyfacts", FAULTY)]
    assert served[:3] == ["429", "429", None] and set(served[3:]) <= {None}
    newest = query_df(
        settings, "select max(date) as d from prices_daily where ticker = ?", [FAULTY]
    )["d"][0]
    assert pd.Timestamp(newest) > pd.Timestamp("2026-06-01")


def test_a_source_that_stops_answering_is_given_up(baseline, tmp_path, fake_yahoo):
    settings = settings_for(
        copy_warehouse(baseline, tmp_path / "w.duckdb"),
        fake_yahoo,
        None,
        http_tries=1,
        http_timeout_s=SHORT_TIMEOUT_S,
    )
    for ticker in CLEAN_TICKERS:
        fake_yahoo.fail(ticker, "timeout")

    summary = refresh_live(settings, sources=["yahoo"], tickers=CLEAN_TICKERS)

    reasons = [i.error for i in summary.failed]
    assert len(reasons) == 3 * len(CLEAN_TICKERS)
    assert all(r.startswith("timeout") for r in reasons[:GIVE_UP_AFTER])
    assert all(r.startswith("not tried: yahoo stopped answering") for r in reasons[GIVE_UP_AFTER:])
    assert len([r for r in fake_yahoo.requests if r.fault]) == GIVE_UP_AFTER


def test_fakes_answer_each_fault_as_documented(yfinance_cache):
    import requests

    with FakeYahoo() as yahoo, FakeSec() as sec:
        yahoo.hang_s = 0.5
        yahoo.fail("AMD", "timeout", times=1)
        with pytest.raises(requests.Timeout):
            requests.get(f"{yahoo.url}/v8/finance/chart/AMD?range=1d", timeout=0.1)
        assert requests.get(f"{yahoo.url}/v8/finance/chart/AMD?range=1d").status_code == 200
        sec.fail("NVDA", "500", times=1)
        url = f"{sec.url}/api/xbrl/companyfacts/CIK0001045810.json"
        headers = {"User-Agent": "a b@example.com"}
        assert requests.get(url, headers=headers).status_code == 500
        assert requests.get(url, headers=headers).json()["facts"]
        assert requests.get(url, headers={"User-Agent": "anonymous"}).status_code == 403
        assert [r.key for r in sec.requests_for("companyfacts")] == ["NVDA"] * 3
        with pytest.raises(ValueError):
            yahoo.fail("AMD", "gremlins")
