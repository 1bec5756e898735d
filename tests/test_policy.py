"""The refresh policy and the exception hierarchy, called as the CLI, scheduler and Dagster do."""

from __future__ import annotations

import pytest

from ingest.live import SourcesUnreachable
from ingest.policy import refresh
from tests.conftest import SNAPSHOT, free_port
from warehouse.errors import EXIT_FAILED, EXIT_USAGE, BubblemeterError, ItemSkipped, item_outcome
from warehouse.settings import Settings


def _offline(tmp_path) -> Settings:
    closed = f"http://127.0.0.1:{free_port()}"
    return Settings.from_env(
        env={},
        db=str(tmp_path / "w.duckdb"),
        yahoo_url=closed,
        sec_url=closed,
        census_url=closed,
    )


def test_a_dataset_falls_back_to_the_snapshot_files_that_hold_it(tmp_path):
    lines = []

    outcome = refresh(
        _offline(tmp_path),
        datasets=["prices"],
        tickers=["NVDA"],
        fallback=str(SNAPSHOT),
        say=lines.append,
    )

    assert outcome.origin == f"imported from snapshot {SNAPSHOT}"
    assert "live sources unreachable" in outcome.fell_back and lines == [outcome.fell_back]
    assert sorted(i.item for i in outcome.summary.items) == [
        "corporate_actions.csv",
        "prices/NVDA.csv",
    ]
    assert outcome.exit_code == 0


def test_without_a_fallback_no_source_answering_is_an_error(tmp_path):
    with pytest.raises(SourcesUnreachable) as raised:
        refresh(_offline(tmp_path), datasets=["prices"], tickers=["NVDA"])
    assert raised.value.exit_code == EXIT_FAILED


@pytest.mark.parametrize(
    "options, message",
    [
        ({"fallback": "MISSING"}, "--fallback: snapshot directory MISSING does not exist"),
        ({"sources": ["fred"]}, "unknown --source fred"),
        (
            {"from_dir": str(SNAPSHOT), "sources": ["yahoo"]},
            "unknown --source yahoo for a snapshot",
        ),
        ({"tickers": ["ZZZZ"]}, "unknown ticker(s) ZZZZ"),
    ],
)
def test_options_are_usage_errors_before_any_work(options, message, tmp_path):
    settings = _offline(tmp_path)
    with pytest.raises(
        BubblemeterError, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as raised:
        refresh(settings, **options)
    assert raised.value.exit_code == EXIT_USAGE
    assert not (tmp_path / "w.duckdb").exists()


def test_the_class_decides_the_item_outcome():
    assert item_outcome(ItemSkipped("not loaded"), "x/Y") == ("skipped", "not loaded")
    assert item_outcome(KeyError("k"), "x/Y") == ("failed", "x/Y: KeyError: 'k'")
    assert item_outcome(RuntimeError("boom"), "x/Y") == (
        "failed",
        "unexpected error: RuntimeError: boom",
    )
