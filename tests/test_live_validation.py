"""Garbage in a well-formed answer is a failed item with its reason, never stored as data.

The fakes serve the real snapshot; the "garbage" fault replaces one ticker's numbers with
closes of -1 and 1e308, volumes of -5 and no adj_close (Yahoo) or facts of +-1e308 (SEC).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from ingest.live import refresh_live
from tests.live_helpers import (
    SECOND_AS_OF,
    build_baseline,
    copy_warehouse,
    midnight_new_york,
    settings_for,
    ticker_rows,
    window_requests,
)

WHOLE_HISTORY_BEFORE = midnight_new_york(date(1980, 1, 1))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, yfinance_cache):
    return build_baseline(tmp_path_factory.mktemp("baseline") / "warehouse.duckdb")


def _same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    for table in before:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)


def test_garbage_prices_fail_the_item_and_keep_the_history(
    baseline, tmp_path, fake_yahoo, fake_sec
):
    settings = settings_for(copy_warehouse(baseline, tmp_path / "w.duckdb"), fake_yahoo, fake_sec)
    before = ticker_rows(settings, "NVDA")
    fake_yahoo.as_of = SECOND_AS_OF
    fake_yahoo.fail("NVDA", "garbage", kind="chart")

    summary = refresh_live(settings, sources=["yahoo"], tickers=["NVDA", "MSFT"])

    failed = {i.item: i.error for i in summary.failed}
    assert list(failed) == ["prices/NVDA"], summary.lines()
    assert re.fullmatch(r"[\d,]+ close values ≤ 0, missing or non-finite", failed["prices/NVDA"])
    _same(before, ticker_rows(settings, "NVDA"))
    # the bad window never made the refresh fetch (and overwrite) the whole history
    asked = window_requests(fake_yahoo, "NVDA")
    assert asked and all(int(r.query["period1"]) > WHOLE_HISTORY_BEFORE for r in asked)
    assert {i.item: i.status for i in summary.items}["prices/MSFT"] == "ok"


def test_garbage_facts_fail_the_item_and_keep_the_facts(baseline, tmp_path, fake_sec):
    settings = settings_for(copy_warehouse(baseline, tmp_path / "w.duckdb"), None, fake_sec)
    before = ticker_rows(settings, "MSFT")
    fake_sec.fail("MSFT", "garbage", kind="companyfacts")

    # full: companyfacts is asked for even though no filing is new since the baseline
    summary = refresh_live(settings, sources=["sec"], tickers=["MSFT", "NVDA"], full=True)

    failed = {i.item: i.error for i in summary.failed}
    assert list(failed) == ["companyfacts/MSFT"], summary.lines()
    assert re.fullmatch(
        r"[\d,]+ fact values non-finite or beyond ±1e\+13", failed["companyfacts/MSFT"]
    )
    _same(before, ticker_rows(settings, "MSFT"))
