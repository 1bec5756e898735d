"""The dashboard's readers and result cache follow the warehouse file across refreshes."""

import os
import shutil

import duckdb
import pandas as pd
import pytest

from dashboard import data
from warehouse.db import read_connection, write_session
from warehouse.reader import READER, file_identity
from warehouse.settings import Settings


@pytest.fixture
def warehouse(tmp_path, imported) -> Settings:
    """A copy of the warehouse imported from the real snapshot, free to rewrite."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(imported.db, db)
    READER.clear_cache()
    yield Settings.from_env(env={}, db=str(db))
    READER.clear_cache()


def newest_price(settings: Settings) -> pd.Timestamp:
    chart = data.warehouse_status(settings)
    assert chart.empty_reason is None
    return pd.Timestamp(chart.frame["newest_price_date"].iloc[0])


def newest(con):
    return con.execute("select max(date) from prices_daily").fetchall()[0][0]


def drop_prices_from(settings: Settings, cutoff: pd.Timestamp) -> None:
    """A refresh that removes the newest month of prices (real rows only, nothing invented)."""
    with write_session(settings) as con:
        con.execute("delete from prices_daily where date >= ?", [cutoff.date()])


def test_a_refresh_swap_is_seen_by_the_next_read(warehouse):
    before = newest_price(warehouse)
    assert newest_price(warehouse) == before  # served again, same file
    cutoff = before - pd.Timedelta(days=30)
    drop_prices_from(warehouse, cutoff)
    after = newest_price(warehouse)
    assert after < cutoff


def test_an_open_reader_of_the_old_file_does_not_hide_the_new_one(warehouse):
    # DuckDB hands a new duckdb.connect(path) the instance of a connection still open on
    # that path, so a reader opened that way would keep seeing the file a refresh replaced
    before = newest_price(warehouse)
    cutoff = before - pd.Timedelta(days=30)
    with read_connection(warehouse) as old, READER.attached(warehouse) as old_attached:
        drop_prices_from(warehouse, cutoff)
        assert newest_price(warehouse) < cutoff
        with READER.attached(warehouse) as new:
            assert newest(new) < cutoff.date()
        # the readers opened before the swap still read the file they opened, whole
        for con in (old, old_attached):
            assert newest(con) == before.date()


def test_a_writer_on_the_file_itself_invalidates_the_cache(warehouse):
    before = newest_price(warehouse)
    cutoff = before - pd.Timedelta(days=30)
    con = duckdb.connect(warehouse.db)  # in place, as a DuckDB client could
    con.execute("delete from prices_daily where date >= ?", [cutoff.date()])
    con.close()
    assert newest_price(warehouse) < cutoff


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """The SQL of every query the data functions run (through data._query, really run)."""
    seen = []
    real_query = data._query

    def counting_query(settings, sql, params):
        seen.append(sql)
        return real_query(settings, sql, params)

    monkeypatch.setattr(data, "_query", counting_query)
    return seen


def test_repeated_reads_query_once_and_hand_out_copies(warehouse, calls):
    first = data.thesis_scorecard(warehouse)
    first.frame.loc[:, "value_pct"] = -1.0
    second = data.thesis_scorecard(warehouse)
    assert len(calls) == 1
    assert (second.frame["value_pct"] != -1.0).any()
    os.utime(warehouse.db)  # a new mtime: the file may have changed
    data.thesis_scorecard(warehouse)
    assert len(calls) == 2


def test_file_identity(warehouse, tmp_path):
    assert file_identity(Settings(db=":memory:")) is None
    assert file_identity(Settings(db=str(tmp_path / "absent.duckdb"))) is None
    before = file_identity(warehouse)
    assert before is not None and file_identity(warehouse) == before
    with write_session(warehouse) as con:
        con.execute("select 1").fetchall()
    assert file_identity(warehouse) != before


@pytest.mark.parametrize(
    "read, view, order, column, choices",
    [
        (
            data.gpu_vendor_quarterly,
            "gpu_vendor_quarterly",
            "ticker, fiscal_year, fiscal_quarter",
            "ticker",
            [(["NVDA"], ["NVDA"]), (["NVDA", "AMD"], ["NVDA", "AMD"]), (["NOPE"], ["NOPE"])],
        ),
        (
            data.btos_ai_use_by_sector,
            "btos_ai_use_by_sector",
            "series_version, naics, period_date",
            "indicator",
            [
                ("btos_ai_use_rate", ["btos_ai_use_rate"]),
                ("btos_ai_use_expected_rate", ["btos_ai_use_expected_rate"]),
                ("<script>", ["<script>"]),
            ],
        ),
        (
            data.nvda_data_center_mix,
            "nvda_data_center_mix",
            "fiscal_year, fiscal_quarter, presentation",
            "presentation",
            [("original", ["fy27_original"]), ("recast", ["fy27_recast"]), ("both", None)],
        ),
    ],
)
def test_every_choice_of_a_filter_is_read_from_one_kept_result(
    warehouse, calls, read, view, order, column, choices
):
    """A filter's choices are rows of one query kept per file: what the default choice read
    (the page built after a refresh) answers the others, each the rows SQL would select
    (`choices`: the choice, and the values of `column` it selects; None for all rows)."""
    charts = [read(warehouse, choice) for choice, _ in choices]
    assert len(calls) == 1 and view in calls[0]
    for (_, keep), chart in zip(choices, charts, strict=True):
        where = "" if keep is None else f"where list_contains(?, {column}) "
        params = None if keep is None else [keep]
        expected = READER.query(warehouse, f"select * from {view} {where}order by {order}", params)
        if expected.empty:  # (DuckDB types no rows as object; the kept columns keep theirs)
            assert chart.frame.empty and list(chart.frame.columns) == list(expected.columns)
            assert chart.empty_reason
        else:
            pd.testing.assert_frame_equal(chart.frame, expected)
            assert chart.empty_reason is None
    assert not charts[0].frame.empty and not charts[1].frame.empty
