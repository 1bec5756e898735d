"""The idempotent loader on a real DuckDB file, with small SYNTHETIC price rows (ticker SYN*)."""

import datetime as dt

import duckdb
import pandas as pd
import pytest

from warehouse.db import write_session
from warehouse.load import upsert
from warehouse.reader import query_df


def synthetic_prices(ticker: str, days: int, close: float = 10.0) -> pd.DataFrame:
    """A tiny synthetic prices_daily frame (not market data)."""
    dates = pd.bdate_range("2024-01-01", periods=days)
    return pd.DataFrame(
        {
            "ticker": ticker,
            "date": dates.date,
            "open": close,
            "high": close + 1,
            "low": close - 1,
            "close": [close + i for i in range(days)],
            "adj_close": [close + i for i in range(days)],
            "volume": 1000,
            "source": "synthetic",
        }
    )


def load(settings, frame) -> int:
    with write_session(settings) as con:
        con.begin()
        written = upsert(con, "prices_daily", frame)
        con.commit()
    return written


def test_new_rows_then_nothing_then_only_changes(fresh_settings):
    assert load(fresh_settings, synthetic_prices("SYN1", 5)) == 5
    assert load(fresh_settings, synthetic_prices("SYN1", 5)) == 0
    changed = synthetic_prices("SYN1", 6)
    changed.loc[2, "close"] = 99.5
    assert load(fresh_settings, changed) == 2  # one changed, one new day
    stored = query_df(fresh_settings, "select date, close from prices_daily order by date")
    assert len(stored) == 6
    assert stored.close[2] == 99.5


def test_other_keys_do_not_block_the_insert(fresh_settings):
    assert load(fresh_settings, synthetic_prices("SYN1", 5)) == 5
    assert load(fresh_settings, synthetic_prices("SYN2", 5)) == 5
    assert (
        load(fresh_settings, pd.concat([synthetic_prices("SYN1", 5), synthetic_prices("SYN3", 3)]))
        == 3
    )
    assert query_df(fresh_settings, "select count(*) n from prices_daily").n[0] == 13


def test_rows_repeated_exactly_count_once(fresh_settings):
    frame = synthetic_prices("SYN1", 4)
    assert load(fresh_settings, pd.concat([frame, frame.iloc[[1]]])) == 4
    assert load(fresh_settings, pd.concat([frame, frame.iloc[[1]]])) == 0


def test_sorted_frame_with_a_repeated_row_counts_it_once(fresh_settings):
    frame = synthetic_prices("SYN1", 4)
    sorted_with_repeat = frame.iloc[[0, 1, 1, 2, 3]].reset_index(drop=True)
    assert load(fresh_settings, sorted_with_repeat) == 4


def test_keys_of_every_kind_load(fresh_settings):
    """Sorted and unsorted frames, str and object tickers, dates as objects or datetime64."""
    frame = synthetic_prices("SYN1", 6)
    as_datetime = frame.assign(date=pd.to_datetime(frame["date"]), ticker="SYN2")
    as_object = frame.assign(ticker=pd.Series(["SYN3"] * 6, dtype=object))
    shuffled = frame.assign(ticker="SYN4").iloc[[3, 0, 5, 1, 4, 2]]
    for part in (frame, as_datetime, as_object, shuffled):
        assert load(fresh_settings, part) == 6
        assert load(fresh_settings, part) == 0
    counts = query_df(
        fresh_settings,
        "select ticker, count(*) n, min(date) first from prices_daily group by 1 order by 1",
    )
    assert counts.n.tolist() == [6, 6, 6, 6]
    assert counts["first"].nunique() == 1


def test_two_different_rows_for_one_key_are_refused(fresh_settings):
    frame = synthetic_prices("SYN1", 3)
    clash = frame.iloc[[0]].assign(close=123.0)
    with pytest.raises(duckdb.Error):
        load(fresh_settings, pd.concat([frame, clash]))


def test_timestamps_that_fall_on_one_date_are_one_key(fresh_settings):
    frame = synthetic_prices("SYN1", 2)
    frame["date"] = [dt.datetime(2024, 1, 1, 9), dt.datetime(2024, 1, 1, 16)]
    with pytest.raises(duckdb.Error):  # two different rows for (SYN1, 2024-01-01)
        load(fresh_settings, frame)
    frame["close"] = frame["adj_close"] = 10.0
    assert load(fresh_settings, frame) == 1


def test_unknown_column_is_an_error(fresh_settings):
    with pytest.raises(ValueError, match="no column"):
        load(fresh_settings, synthetic_prices("SYN1", 2).assign(colour="red"))
