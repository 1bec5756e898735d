"""Census BTOS: the parser on every real edition, the live source against a loopback fake serving
the real workbooks (two editions in a row, conditional re-fetch, malformed answers), and the
snapshot import of DIR/census/btos/<edition>/ through the same parser."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ingest.live import refresh_live
from ingest.normalise import census
from ingest.refresh import import_snapshot
from tests.conftest import SNAPSHOT
from tests.fakes import FakeCensus
from tests.fakes.fixtures import HTTP
from warehouse.reader import query_df
from warehouse.settings import Settings

BTOS = SNAPSHOT / "census" / "btos"
EDITIONS = sorted(p for p in BTOS.iterdir() if p.is_dir() and p.name[0].isdigit())
WORKBOOKS = sorted(p for e in EDITIONS for p in e.glob("*.xlsx") if p.stem != "State_v1")
KEY = ["indicator", "geography", "period_date", "series_version"]
USE = "btos_ai_use_rate"
# Published values (the issue and ../shared/data/PROVENANCE.md), checked in the real workbooks.
KNOWN = [
    ("2025-09/National.xlsx", "US", census.OLD_WORDING, "202519", 9.9),
    ("2025-12-08/National.xlsx", "US", census.OLD_WORDING, "202520", 10.0),
    ("2025-12-08/National.xlsx", "US", census.NEW_WORDING, "202524", 17.3),
    ("2025-12-15/National.xlsx", "US", census.NEW_WORDING, "202525", 17.2),
    ("2025-12-15/Sector.xlsx", "NAICS:51", census.NEW_WORDING, "202525", 32.1),
]


def parse(path: Path) -> pd.DataFrame:
    return census.workbook_frame(path.read_bytes(), path.name, str(path))


def reference_end(path: Path, smpdt: str):
    """The reference period end of a sample period, read with openpyxl (not the parser's reader)."""
    sheet = openpyxl.load_workbook(path, read_only=True)[census.DATES]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if (
            row[0] is not None
            and str(int(row[0]) if isinstance(row[0], float) else row[0]) == smpdt
        ):
            return pd.to_datetime(row[4], format="%m/%d/%Y").date()
    raise AssertionError(f"{smpdt} not in {path}")


# -- the parser on the real workbooks --------------------------------------------------------


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_real_workbook_parses(path):
    frame = parse(path)
    assert not frame.empty
    assert not frame.duplicated(KEY).any()
    assert set(frame["indicator"]) == {"btos_ai_use_rate", "btos_ai_use_expected_rate"}
    assert set(frame["series_version"]) <= {census.OLD_WORDING, census.NEW_WORDING}
    assert frame["value"].between(0, 100).all()
    assert frame["std_error"].notna().all()  # every estimate of these workbooks has its SE
    kind = {"National": "US", "Sector": "NAICS:", "State": "", "Employment Size Class": "size:"}
    prefix = kind[path.stem]
    assert frame["geography"].str.startswith(prefix).all()


@pytest.mark.parametrize("book, geography, version, smpdt, value", KNOWN)
def test_known_values(book, geography, version, smpdt, value):
    path = BTOS / book
    frame = parse(path)
    row = frame[
        (frame.indicator == USE)
        & (frame.geography == geography)
        & (frame.series_version == version)
        & (frame.period_date == reference_end(path, smpdt))
    ]
    assert row["value"].tolist() == [value]


def test_the_parser_agrees_with_openpyxl_cell_by_cell():
    """Every Yes cell of the AI questions in the 2025-12-08 national workbook (both wordings),
    read with openpyxl: a percentage is the row's value, 'S', '.' and empty are no row."""
    path = BTOS / "2025-12-08" / "National.xlsx"
    frame = parse(path).set_index(["indicator", "series_version", "period_date"])
    dates = {s: p.reference_end for s, p in census.periods(_rows(path, census.DATES), "").items()}
    rows = _rows(path, census.ESTIMATES)
    header = [str(c) for c in rows[0]]
    seen = {"value": 0, "none": 0}
    for row in rows[1:]:
        if len(row) < 4 or row[3] != "Yes" or "Artificial Intelligence" not in str(row[1]):
            continue
        indicator = USE if "did this business use" in row[1] else "btos_ai_use_expected_rate"
        version = census.NEW_WORDING if "business functions" in row[1] else census.OLD_WORDING
        for smpdt, cell in zip(header[4:], row[4:]):
            key = (indicator, version, dates[smpdt])
            if cell in ("S", ".", "", None):
                assert key not in frame.index, key
                seen["none"] += 1
            else:
                assert frame.loc[key, "value"] == float(cell.rstrip("%")), key
                seen["value"] += 1
    assert seen["value"] == len(frame) and seen["none"] > 0


def _rows(path: Path, sheet: str) -> list[list]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [["" if c is None else c for c in r] for r in book[sheet].iter_rows(values_only=True)]


def test_the_edition_of_december_8_holds_both_wordings_as_two_series():
    frame = parse(BTOS / "2025-12-08" / "National.xlsx")
    use = frame[frame.indicator == USE]
    old = use[use.series_version == census.OLD_WORDING]
    new = use[use.series_version == census.NEW_WORDING]
    assert len(old) > 50 and len(new) >= 1
    # the new wording starts after the last old reading: no period has both
    assert new["period_date"].min() > old["period_date"].max()


def test_the_state_workbook_reproduces_the_snapshot_table():
    """period_date is the end of the reference period: the snapshot's rows are State.xlsx's."""
    frame = parse(BTOS / "2025-06" / "State.xlsx")
    table = pd.read_csv(SNAPSHOT / "adoption_indicators.csv", parse_dates=["period_date"])
    table["period_date"] = table["period_date"].dt.date
    both = table.merge(frame, on=KEY, how="left", suffixes=("", "_workbook"))
    assert both["value_workbook"].notna().all(), "snapshot rows missing from the workbook"
    assert (both["value"] == both["value_workbook"]).all()
    assert len(table) > 3000


def test_the_first_series_without_ai_questions_is_named_so():
    with pytest.raises(census.NoAIQuestion):
        parse(BTOS / "2025-06" / "State_v1.xlsx")


# -- synthetic workbooks, made from a real one with openpyxl ---------------------------------


def synthetic(path: Path, change) -> bytes:
    """A SYNTHETIC workbook: the real one at `path` with `change(book)` applied."""
    book = openpyxl.load_workbook(path)
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def drop_sheet(book):
    del book[census.STANDARD_ERRORS]


def drop_answer_column(book):
    book[census.ESTIMATES].delete_cols(4)  # 'Answer' (national: Question ID, Question, Answer ID)


def rename_question_id(book):
    book[census.ESTIMATES].cell(1, 1).value = "QID"


def revise_latest(book):
    """SYNTHETIC revision: the newest national AI use reading (new wording) plus 0.1 point."""
    sheet = book[census.ESTIMATES]
    for row in sheet.iter_rows(min_row=2):
        text = str(row[1].value)
        if row[3].value == "Yes" and "did this business use" in text and "functions" in text:
            row[4].value = f"{float(row[4].value.rstrip('%')) + 0.1:.1f}%"
            return
    raise AssertionError("no AI use row")


def test_a_malformed_workbook_is_named():
    path = BTOS / "2025-12-15" / "National.xlsx"
    for change, reason in (
        (drop_sheet, "no sheet 'Response Standard Errors'"),
        (drop_answer_column, "is not ['Question ID', 'Question', 'Answer ID', 'Answer']"),
        (rename_question_id, "no 'Question ID' column"),
    ):
        with pytest.raises(
            census.WorkbookError, match=reason.replace("[", r"\[").replace("(", r"\(")
        ):
            census.workbook_frame(synthetic(path, change), path.name)
    with pytest.raises(census.WorkbookError, match="an HTML page"):
        census.workbook_frame(b"<!DOCTYPE html><html>maintenance</html>", path.name)


# -- live: the fake Census, one per module ---------------------------------------------------


@pytest.fixture(scope="module")
def fake_census():
    with FakeCensus("2025-12-08") as server:
        yield server


@pytest.fixture
def census_settings(tmp_path, fake_census) -> Settings:
    fake_census.edition = "2025-12-08"
    fake_census.heal()
    fake_census.replaced.clear()
    fake_census.clear_requests()
    return Settings.from_env(
        env={}, db=str(tmp_path / "w.duckdb"), census_url=fake_census.url, **HTTP
    )


def stored(settings: Settings) -> pd.DataFrame:
    frame = query_df(
        settings,
        "select indicator, geography, period_date, series_version, value, std_error, source "
        "from adoption_indicators order by all",
    )
    frame["period_date"] = pd.to_datetime(frame["period_date"]).dt.date
    return frame


def items(summary) -> dict[str, str]:
    return {i.item: i.status for i in summary.items}


def test_two_editions_in_a_row_lose_nothing(census_settings, fake_census):
    first = refresh_live(census_settings, sources=["census"])
    assert items(first) == {
        "btos/National": "ok",
        "btos/Sector": "ok",
        "btos/Employment Size Class": "ok",
        "btos/State": "failed",  # the December editions have no State.xlsx: HTTP 404
    }
    before = stored(census_settings)
    old = before[before.series_version == census.OLD_WORDING]
    assert len(old) > 2000

    fake_census.edition = "2025-12-15"  # no old wording any more
    second = refresh_live(census_settings, sources=["census"])
    after = stored(census_settings)
    kept = old.merge(after, on=KEY, how="left", suffixes=("", "_after"))
    assert (kept["value"] == kept["value_after"]).all(), "an old-wording reading changed or went"
    assert len(after) > len(before)
    national_note = next(n for n in second.notes if "census:btos/National" in n)
    assert "stored readings not in this edition kept (2023_goods_or_services)" in national_note
    latest = after[(after.geography == "US") & (after.indicator == USE)]
    new = latest[latest.series_version == census.NEW_WORDING].sort_values("period_date")
    assert new["value"].tolist()[-1] == 17.2  # 202525, the published value

    # a later edition revising one reading (SYNTHETIC) replaces that reading only
    fake_census.replace("National", synthetic(BTOS / "2025-12-15" / "National.xlsx", revise_latest))
    third = refresh_live(census_settings, sources=["census"])
    revised = stored(census_settings)
    diff = after.merge(revised, on=KEY, suffixes=("", "_now"))
    moved = diff[diff["value"] != diff["value_now"]]
    assert len(revised) == len(after) and len(moved) == 1
    assert moved["value_now"].iloc[0] == pytest.approx(moved["value"].iloc[0] + 0.1)
    assert "1 revised" in next(n for n in third.notes if "census:btos/National" in n)


def test_an_unchanged_edition_is_not_downloaded_again(census_settings, fake_census):
    refresh_live(census_settings, sources=["census"])
    assert fake_census.bodies_served()[1] > 1_000_000  # the first load downloads the workbooks
    fake_census.clear_requests()
    again = refresh_live(census_settings, sources=["census"])
    assert fake_census.bodies_served() == (0, 0)  # no workbook byte the second time
    asked = {r.key for r in fake_census.requests_for("workbook")}
    assert {"NATIONAL", "SECTOR", "EMPLOYMENT SIZE CLASS"} <= asked  # yet each was asked
    assert all(
        "If-None-Match" in r.headers for r in fake_census.requests_for("workbook", "National")
    )
    assert {i.item: i.rows_written for i in again.items if i.status == "ok"} == {
        "btos/National": 0,
        "btos/Sector": 0,
        "btos/Employment Size Class": 0,
    }
    assert any("HTTP 304, nothing downloaded" in n for n in again.notes)
    # a new edition is downloaded: the validators no longer match
    fake_census.edition = "2025-12-15"
    fake_census.clear_requests()
    refresh_live(census_settings, sources=["census"])
    assert fake_census.bodies_served()[0] == 3


def test_bad_answers_fail_their_item_only(census_settings, fake_census):
    refresh_live(census_settings, sources=["census"])
    before = stored(census_settings)
    fake_census.edition = "2025-12-15"
    fake_census.fail("Sector", "maintenance")  # an HTML page served as 200
    fake_census.replace(
        "National", synthetic(BTOS / "2025-12-15" / "National.xlsx", rename_question_id)
    )
    summary = refresh_live(census_settings, sources=["census"])
    reasons = {i.item: i.error for i in summary.items if i.status == "failed"}
    assert "an HTML page" in reasons["btos/Sector"]
    assert "no 'Question ID' column" in reasons["btos/National"]
    assert items(summary)["btos/Employment Size Class"] == "ok"  # the others load
    after = stored(census_settings)
    for geography in ("US", "NAICS:51"):
        was = before[before.geography == geography]
        now = after[after.geography == geography]
        assert was.merge(now, on=KEY).shape[0] == len(was) == len(now)  # stored readings stay
    # the failed workbooks are asked for whole next time: their validators were not stored
    fake_census.heal()
    fake_census.replace("National", None)
    fake_census.clear_requests()
    refresh_live(census_settings, sources=["census"])
    assert fake_census.bodies_served("National")[0] == 1
    assert fake_census.bodies_served("Sector")[0] == 1
    assert fake_census.bodies_served("Employment Size Class") == (0, 0)


# -- snapshot: DIR/census/btos/<edition>/, editions in date order -----------------------------


def test_the_snapshot_import_uses_the_same_parser_in_date_order(tmp_path, census_settings):
    root = tmp_path / "snap" / "census" / "btos"
    (root / "2025-12-15").mkdir(parents=True)
    (root / "2025-12-20").mkdir()
    (root / "2025-12-15" / "National.xlsx").symlink_to(BTOS / "2025-12-15" / "National.xlsx")
    # a later edition (SYNTHETIC revision) must win over the earlier one
    (root / "2025-12-20" / "National.xlsx").write_bytes(
        synthetic(BTOS / "2025-12-15" / "National.xlsx", revise_latest)
    )
    summary = import_snapshot(census_settings, tmp_path / "snap", datasets=["census"])
    assert [i.item for i in summary.items] == [
        "census/btos/2025-12-15/National.xlsx",
        "census/btos/2025-12-20/National.xlsx",
    ]
    table = stored(census_settings)
    expected = parse(BTOS / "2025-12-15" / "National.xlsx")
    both = expected.merge(table, on=KEY, suffixes=("", "_stored"))
    assert len(both) == len(expected) == len(table)
    assert (both["value_stored"] != both["value"]).sum() == 1  # the revised reading


def test_the_imported_snapshot_has_each_wording_nationally(imported):
    national = query_df(
        imported,
        "select series_version, value_pct, std_error_pp, ci90_low_pct, ci90_high_pct "
        "from btos_ai_use_national where indicator = 'btos_ai_use_rate' and is_latest "
        "order by series_version",
    )
    assert national["series_version"].tolist() == [census.OLD_WORDING, census.NEW_WORDING]
    assert national["value_pct"].tolist() == [10.0, 17.2]
    band = national["ci90_high_pct"] - national["ci90_low_pct"]
    assert band.round(6).tolist() == (2 * 1.645 * national["std_error_pp"]).round(6).tolist()
    sectors = query_df(
        imported,
        "select naics, sector from btos_ai_use_by_sector where is_latest "
        "and series_version = ? and indicator = 'btos_ai_use_rate'",
        [census.NEW_WORDING],
    )
    assert {"31", "48", "51", "52", "62"} <= set(sectors["naics"])
    assert not sectors["sector"].str.startswith("NAICS ").any()  # every code has its title


def test_the_archive_agrees_with_the_editions_and_adds_states():
    """Census's archive of the old wording holds the 2025-12-08 edition's old-wording readings
    exactly, and the states' readings after the State workbook of 2025-06."""
    archive = census.archive_frame((BTOS / "archive" / "AI Core Questions.xlsx").read_bytes(), "a")
    editions = pd.concat(
        [parse(BTOS / "2025-12-08" / f"{name}.xlsx") for name in ("National", "Sector")]
        + [parse(BTOS / "2025-06" / "State.xlsx")]
    )
    editions = editions[editions.series_version == census.OLD_WORDING]
    both = archive.merge(editions, on=KEY, suffixes=("", "_edition"))
    assert len(both) > 5000 and (both["value"] == both["value_edition"]).all()

    def states(frame):
        return frame[(frame.geography.str.len() == 2) & (frame.geography != "US")]

    assert states(archive)["period_date"].max() > states(editions)["period_date"].max()
    assert set(archive["series_version"]) == {census.OLD_WORDING}
