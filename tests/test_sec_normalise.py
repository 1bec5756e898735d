"""De-cumulation and concept mapping on the recorded companyfacts JSON in ../shared/data/sec.

Expected figures are the ones checked in ../shared/data/PROVENANCE.md.
"""

import json

import pytest

from ingest.normalise.sec import PayloadError, companyfacts_to_frame, concepts_for


def _load(snapshot_dir, cik):
    return json.loads((snapshot_dir / "sec" / "companyfacts" / f"CIK{cik}.json").read_text())


def _value(frame, metric, fy, fq):
    rows = frame[
        (frame.metric == metric) & (frame.fiscal_year == fy) & (frame.fiscal_quarter == fq)
    ]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_nvidia_q4_is_year_minus_nine_months(snapshot_dir):
    frame = companyfacts_to_frame(_load(snapshot_dir, "0001045810"), "NVDA", 1)
    q4 = _value(frame, "revenue", 2026, 4)
    assert q4.value_usd == 215_938_000_000 - 147_811_000_000 == 68_127_000_000
    assert "derived" in q4.source_detail
    assert (q4.calendar_year, q4.calendar_quarter) == (2025, 4)
    assert _value(frame, "revenue", 2026, 2).value_usd == 46_743_000_000
    assert _value(frame, "revenue", 2026, 3).value_usd == 57_006_000_000


def test_nvidia_fiscal_year_is_the_company_not_the_filing(snapshot_dir):
    # Q1 FY2026 was re-filed in the FY2027 Q1 10-Q (fy=2027 on the fact); it stays FY2026 Q1,
    # and the latest filing is kept.
    frame = companyfacts_to_frame(_load(snapshot_dir, "0001045810"), "NVDA", 1)
    q1 = _value(frame, "revenue", 2026, 1)
    assert str(q1.period_end) == "2025-04-27"
    assert str(q1.filed_at) == "2026-05-20"


@pytest.mark.parametrize(
    "cik, ticker, fye, fy, fq, expected",
    [
        ("0001326801", "META", 12, 2026, 1, 18_997_000_000),
        ("0000789019", "MSFT", 6, 2026, 3, 30_876_000_000),
        ("0001652044", "GOOGL", 12, 2026, 1, 35_674_000_000),
    ],
)
def test_capex_quarters(snapshot_dir, cik, ticker, fye, fy, fq, expected):
    frame = companyfacts_to_frame(_load(snapshot_dir, cik), ticker, fye)
    assert _value(frame, "capex", fy, fq).value_usd == expected


def test_alphabet_2024_capex_sums_to_annual(snapshot_dir):
    frame = companyfacts_to_frame(_load(snapshot_dir, "0001652044"), "GOOGL", 12)
    year = frame[(frame.metric == "capex") & (frame.fiscal_year == 2024)]
    assert len(year) == 4
    assert year.value_usd.sum() == 52_535_000_000


def test_no_quarter_longer_than_a_quarter(snapshot_dir):
    for cik, ticker, fye in (
        ("0001045810", "NVDA", 1),
        ("0000789019", "MSFT", 6),
        ("0001652044", "GOOGL", 12),
        ("0001326801", "META", 12),
    ):
        frame = companyfacts_to_frame(_load(snapshot_dir, cik), ticker, fye)
        days = (frame.period_end - frame.period_start).apply(lambda d: d.days + 1)
        assert days.between(80, 100).all(), ticker


def test_amazon_capex_concept():
    assert concepts_for("AMZN", "capex")[0] == "PaymentsToAcquireProductiveAssets"
    assert concepts_for("MSFT", "capex") == ("PaymentsToAcquirePropertyPlantAndEquipment",)


def test_annual_fact_alone_never_becomes_a_quarter():
    payload = {
        "facts": {
            "us-gaap": {
                "Revenues": {
                    "units": {
                        "USD": [
                            {
                                "start": "2024-01-01",
                                "end": "2024-12-31",
                                "val": 400,
                                "fy": 2024,
                                "fp": "FY",
                                "form": "10-K",
                                "filed": "2025-02-01",
                            }
                        ]
                    }
                }
            }
        }
    }
    assert companyfacts_to_frame(payload, "X", 12).empty


def test_latest_filing_of_a_refiled_fact_wins():
    facts = [
        {
            "start": "2024-01-01",
            "end": "2024-03-31",
            "val": 100,
            "form": "10-Q",
            "filed": "2024-04-30",
            "accn": "a",
        },
        {
            "start": "2024-01-01",
            "end": "2024-03-31",
            "val": 101,
            "form": "10-Q/A",
            "filed": "2024-06-30",
            "accn": "b",
        },
    ]
    payload = {"facts": {"us-gaap": {"Revenues": {"units": {"USD": facts}}}}}
    row = companyfacts_to_frame(payload, "X", 12).iloc[0]
    assert row.value_usd == 101 and row.form == "10-Q/A"


def test_payload_without_facts_is_an_error():
    with pytest.raises(PayloadError, match="facts"):
        companyfacts_to_frame({"cik": 1}, "X", 12)
