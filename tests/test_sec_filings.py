"""SEC filings: the inline XBRL parser on the real documents, the snapshot import and its overlap
with the transcribed rows, the live dataset against the fake SEC (incremental rule, faults)."""

from __future__ import annotations

import csv
import re

import duckdb
import pandas as pd
import pytest

from ingest.live import refresh_live
from ingest.normalise.ixbrl import XbrlError, parse_inline_xbrl
from tests.conftest import SNAPSHOT
from tests.fakes import FakeSec
from tests.live_helpers import settings_for
from warehouse.reader import query_df

ARCHIVES = SNAPSHOT / "sec"
LISTED = list(csv.DictReader(open(ARCHIVES / "filings.csv", newline="")))
BY_ACCESSION = {r["accession"]: r for r in LISTED}
NVDA_10Q = next(r for r in LISTED if r["ticker"] == "NVDA" and r["form"] == "10-Q")
NVDA_10K = next(r for r in LISTED if r["ticker"] == "NVDA" and r["form"] == "10-K")
META_10K = next(r for r in LISTED if r["ticker"] == "META")
# Values checked in the real documents (../shared/data/README.md lists them).
NVDA_DC_Q2_FY2026 = 41_096e6
NVDA_DC_FY2025 = 115_186e6
CUSTOMER_A_SHARE = 0.23
GOOGLE_CLOUD_2024 = 43_229e6
AWS_2024 = 107_556e6
TICKERS = ("NVDA", "META", "MSFT")


def _document(row: dict) -> bytes:
    return (ARCHIVES / row["path"]).read_bytes()


@pytest.fixture(scope="module")
def parsed() -> dict:
    return {r["accession"]: parse_inline_xbrl(_document(r), r["path"]) for r in LISTED}


def _facts(doc, concept: str, **dims):
    return [
        f
        for f in doc.facts
        if f.concept == concept and dict(f.context.dimensions) == {k: v for k, v in dims.items()}
    ]


def test_every_numeric_fact_and_context_is_read(parsed):
    for row in LISTED:
        data = _document(row)
        doc = parsed[row["accession"]]
        assert doc.numeric_tags == len(re.findall(rb"<ix:nonFraction\b", data))
        assert len(doc.contexts) == len(re.findall(rb"<xbrli:context\b", data))
        assert doc.nil == len(re.findall(rb"<ix:nonFraction\b[^>]*xsi:nil=\"true\"", data))
        assert len(doc.facts) + doc.duplicates + doc.nil == doc.numeric_tags


def test_known_values_of_the_real_documents(parsed):
    q = parsed[NVDA_10Q["accession"]]
    dc = {
        (f.context.start, f.context.end): f.value
        for f in _facts(
            q, "us-gaap:Revenues", **{"srt:ProductOrServiceAxis": "nvda:DataCenterMember"}
        )
    }
    quarter = [
        v for (s, e), v in dc.items() if str(e) == NVDA_10Q["report_date"] and (e - s).days < 100
    ]
    assert quarter == [NVDA_DC_Q2_FY2026]
    k = parsed[NVDA_10K["accession"]]
    year = [
        f.value
        for f in _facts(
            k, "us-gaap:Revenues", **{"srt:ProductOrServiceAxis": "nvda:DataCenterMember"}
        )
        if str(f.context.end) == NVDA_10K["report_date"]
    ]
    assert year == [NVDA_DC_FY2025]
    shares = [
        f
        for f in q.facts
        if f.concept == "us-gaap:ConcentrationRiskPercentage1"
        and dict(f.context.dimensions).get("srt:MajorCustomersAxis") == "nvda:CustomerAMember"
        and (f.context.end - f.context.start).days < 100
    ]
    assert [f.value for f in shares] == [CUSTOMER_A_SHARE]
    dims = dict(shares[0].context.dimensions)
    assert dims["us-gaap:ConcentrationRiskByBenchmarkAxis"] == "us-gaap:SalesRevenueNetMember"
    assert dims["us-gaap:StatementBusinessSegmentsAxis"] == "nvda:ComputeAndNetworkingMember"
    assert shares[0].unit == "pure"
    for ticker, member, value in (
        ("GOOGL", "goog:GoogleCloudMember", GOOGLE_CLOUD_2024),
        ("AMZN", "amzn:AmazonWebServicesSegmentMember", AWS_2024),
    ):
        row = next(r for r in LISTED if r["ticker"] == ticker)
        found = [
            f.value
            for f in _facts(
                parsed[row["accession"]],
                "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax",
                **{"us-gaap:StatementBusinessSegmentsAxis": member},
            )
            if str(f.context.end) == row["report_date"]
        ]
        assert found == [value]


def test_formats_sign_and_scale(parsed):
    q = parsed[NVDA_10Q["accession"]]
    words = [f for f in q.facts if f.concept == "nvda:NumberOfInvestmentsReclassified"]
    assert [f.value for f in words] == [1.0]  # ixt-sec:numwordsen "one"
    data = _document(NVDA_10Q)
    zero = re.search(rb'<ix:nonFraction[^>]*format="ixt:fixed-zero"[^>]*>', data).group(0)
    name = re.search(rb'name="([^"]+)"', zero).group(1).decode()
    cref = re.search(rb'contextRef="([^"]+)"', zero).group(1).decode()
    assert [f.value for f in q.facts if f.concept == name and f.context.id == cref] == [0.0]
    negative = re.search(rb'<ix:nonFraction[^>]*sign="-"[^>]*>([\d,.]+)<', data)
    tag = negative.group(0)
    name = re.search(rb'name="([^"]+)"', tag).group(1).decode()
    cref = re.search(rb'contextRef="([^"]+)"', tag).group(1).decode()
    scale = int(re.search(rb'scale="(-?\d+)"', tag).group(1))
    shown = float(negative.group(1).replace(b",", b""))
    assert [f.value for f in q.facts if f.concept == name and f.context.id == cref] == [
        -shown * 10**scale
    ]


SYNTHETIC = """<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"
 xmlns:xbrli="http://www.xbrl.org/2003/instance" xmlns:ixt="http://www.xbrl.org/inlineXBRL/transformation/2020-02-12">
<body><ix:header><ix:resources>
<xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>
<xbrli:context id="c-1"><xbrli:entity>
<xbrli:identifier scheme="x">1</xbrli:identifier></xbrli:entity>
<xbrli:period><xbrli:startDate>2025-01-01</xbrli:startDate><xbrli:endDate>2025-03-31</xbrli:endDate></xbrli:period></xbrli:context>
</ix:resources></ix:header>
{facts}</body></html>"""


def _synthetic(*facts: str) -> bytes:
    return SYNTHETIC.replace("{facts}", "".join(facts)).encode()


def _fact(value: str, context: str = "c-1", decimals: str = "-6") -> str:
    return (
        f'<ix:nonFraction name="us-gaap:Revenues" contextRef="{context}" unitRef="usd" '
        f'decimals="{decimals}" scale="6" format="ixt:num-dot-decimal">{value}</ix:nonFraction>'
    )


def test_duplicates_are_kept_once_and_conflicting_ones_refused():
    doc = parse_inline_xbrl(_synthetic(_fact("1,234"), _fact("1,234")))
    assert [f.value for f in doc.facts] == [1_234e6] and doc.duplicates == 1
    # one value rounded to billions agrees with the precise one: the precise one is kept
    doc = parse_inline_xbrl(_synthetic(_fact("1,200", decimals="-8"), _fact("1,234")))
    assert [f.value for f in doc.facts] == [1_234e6]
    with pytest.raises(XbrlError, match="filed twice with different values"):
        parse_inline_xbrl(_synthetic(_fact("1,234"), _fact("1,235")))


def test_a_fact_without_its_context_or_a_broken_document_is_refused():
    with pytest.raises(XbrlError, match="refers to context 'c-9', which the document lacks"):
        parse_inline_xbrl(_synthetic(_fact("1", context="c-9")))
    with pytest.raises(XbrlError, match="does not parse"):
        parse_inline_xbrl(_synthetic(_fact("1"))[:300])


# -- the snapshot import: the same parser, and the overlap with the transcribed rows ---------


def test_snapshot_import_loads_the_filings_and_agrees_with_the_transcribed_rows(imported):
    loaded = query_df(imported, "select distinct accession from filing_facts")
    assert set(loaded["accession"]) == set(BY_ACCESSION)
    rows = query_df(imported, "select * from segment_revenue where filed_at is not null")
    assert not rows.empty
    assert rows["source"].str.contains(NVDA_10Q["accession"]).all()
    assert set(rows["presentation"]) == {"market_platform", "data_center_split"}
    dc = rows[(rows["segment"] == "data_center") & (rows["fiscal_year"] == 2026)]
    assert list(dc["revenue_usd"]) == [NVDA_DC_Q2_FY2026]
    assert str(dc["filed_at"].iloc[0])[:10] == NVDA_10Q["filing_date"]
    # the transcribed file, read by path: on every key both hold, the values agree
    transcribed = pd.read_csv(SNAPSHOT / "segment_revenue.csv")
    key = ["fiscal_year", "fiscal_quarter", "segment", "presentation"]
    overlap = rows.merge(transcribed, on=key, suffixes=("_filing", "_transcribed"))
    assert len(overlap) >= 10
    differ = overlap[overlap["revenue_usd_filing"] != overlap["revenue_usd_transcribed"]]
    assert differ.empty, differ[key + ["revenue_usd_filing", "revenue_usd_transcribed"]]
    # the transcribed rows no filing covers stay, and say they are transcribed
    kept = query_df(imported, "select count(*) n from segment_revenue where filed_at is null")
    assert kept["n"][0] > 0

    customers = query_df(
        imported, "select * from customer_concentration where filed_at is not null"
    )
    customers["period_end"] = pd.to_datetime(customers["period_end"])
    cc = pd.read_csv(SNAPSHOT / "customer_concentration.csv")
    both = customers.merge(
        cc.assign(period_end=pd.to_datetime(cc["period_end"])),
        on=["period_end", "customer_label", "basis"],
        suffixes=("_filing", "_transcribed"),
    )
    assert len(both) >= 2
    assert (both["share_pct_filing"].round(6) == both["share_pct_transcribed"]).all(), both
    assert both["source_filing"].str.contains(NVDA_10Q["accession"]).all()


def test_a_disagreeing_transcribed_row_is_shown_with_the_run(tmp_path, snapshot_dir):
    from ingest.refresh import import_snapshot
    from warehouse.settings import Settings

    root = tmp_path / "snap"
    (root / "sec").mkdir(parents=True)
    (root / "sec" / "archives").symlink_to(snapshot_dir / "sec" / "archives")
    listed = (snapshot_dir / "sec" / "filings.csv").read_text().splitlines(keepends=True)
    (root / "sec" / "filings.csv").write_text(listed[0] + listed[1])
    text = (snapshot_dir / "segment_revenue.csv").read_text()
    wrong = text.replace(
        "2026,2,2025-04-28,2025-07-27,gaming,4287000000",
        "2026,2,2025-04-28,2025-07-27,gaming,4000000000",
    )
    assert wrong != text  # a synthetic disagreement on a real row
    (root / "segment_revenue.csv").write_text(wrong)
    settings = Settings.from_env(env={}, db=str(tmp_path / "w.duckdb"))
    summary = import_snapshot(settings, root, datasets=["segment_revenue", "filings"])
    notes = "\n".join(summary.notes)
    assert "FY2026 Q2 gaming (market_platform): the filing says 4,287.0 M USD" in notes
    assert "the transcribed row said 4,000.0 M USD" in notes


# -- live: the fake SEC, the incremental rule, faults ----------------------------------------


@pytest.fixture(scope="module")
def sec():
    with FakeSec() as server:
        yield server


def _run(settings, **kw):
    return refresh_live(
        settings, sources=["sec"], tickers=TICKERS, datasets=["filings", "companyfacts"], **kw
    )


def test_second_run_without_news_asks_only_the_indexes(tmp_path, sec):
    settings = settings_for(tmp_path / "w.duckdb", None, sec)
    sec.hide(NVDA_10Q["accession"])
    sec.clear_requests()
    first = _run(settings)
    assert first.exit_code == 0, first.lines()
    assert {r.path.rsplit("/", 1)[-1] for r in sec.requests_for("document")} == {
        NVDA_10K["primary_document"],
        META_10K["primary_document"],
    }
    assert sec.bytes_served("companyfacts") > 0

    sec.clear_requests()
    second = _run(settings)
    assert second.exit_code == 0, second.lines()
    assert sec.requests_for("document") == []
    assert sec.bytes_served("companyfacts") == 0 and sec.requests_for("companyfacts") == []
    assert {r.key for r in sec.requests_for("submissions")} == set(TICKERS)

    sec.show(NVDA_10Q["accession"])  # a new filing: its document and companyfacts, no more
    sec.clear_requests()
    third = _run(settings)
    assert third.exit_code == 0, third.lines()
    assert {r.path.rsplit("/", 1)[-1] for r in sec.requests_for("document")} == {
        NVDA_10Q["primary_document"]
    }
    assert {r.key for r in sec.requests_for("companyfacts")} == {"NVDA"}
    stored = query_df(settings, "select distinct accession from filing_facts")
    assert len(stored) == 3


def test_a_bad_document_fails_alone_and_stored_rows_stay(tmp_path, sec):
    settings = settings_for(tmp_path / "w.duckdb", None, sec)
    sec.fail("META", "404", kind="document")
    sec.fail("NVDA", "missing_field", kind="document", times=1)
    try:
        summary = _run(settings)
    finally:
        sec.heal()
    failed = {i.item: i.error for i in summary.failed}
    meta = f"filings/META {META_10K['accession']}"
    assert meta in failed and "HTTP 404" in failed[meta]
    nvda = [name for name in failed if name.startswith("filings/NVDA ")]
    assert len(nvda) == 1 and "which the document lacks" in failed[nvda[0]]
    loaded = query_df(settings, "select distinct accession from filing_facts")
    assert len(loaded) == 1  # the other NVIDIA filing loaded

    # a filing whose numbers contradict what is stored for its accession is refused whole
    accession = loaded["accession"][0]
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute(
            "update filing_facts set value = value + 1 "
            "where accession = ? and concept = 'us-gaap:Revenues'",
            [accession],
        )
        before = con.execute(
            "select count(*), sum(value) from filing_facts where accession = ?", [accession]
        ).fetchall()
    again = _run(settings, full=True)
    failed = {i.item: i.error for i in again.failed}
    assert list(failed) == [f"filings/NVDA {accession}"], again.lines()
    assert "contradicts what is stored for accession" in failed[f"filings/NVDA {accession}"]
    after = query_df(
        settings,
        "select count(*) n, sum(value) s from filing_facts where accession = ?",
        [accession],
    )
    assert (after["n"][0], after["s"][0]) == before[0]
    assert query_df(settings, "select count(distinct accession) n from filing_facts")["n"][0] == 3


def test_snapshot_filings_that_are_missing_or_broken_fail_alone(tmp_path, snapshot_dir):
    from ingest.refresh import import_snapshot
    from warehouse.settings import Settings

    root = tmp_path / "snap"
    (root / "sec").mkdir(parents=True)
    (root / "sec" / "archives").symlink_to(snapshot_dir / "sec" / "archives")
    listed = (snapshot_dir / "sec" / "filings.csv").read_text().splitlines(keepends=True)
    broken = root / "sec" / "broken" / "nvda-20250727.htm"
    broken.parent.mkdir()
    broken.write_bytes(_document(NVDA_10Q)[:200_000])  # a real document cut short
    cut = listed[1].replace(NVDA_10Q["path"], "broken/nvda-20250727.htm")
    gone = listed[2].replace(NVDA_10K["path"], "archives/nowhere/nvda-20250126.htm")
    (root / "sec" / "filings.csv").write_text(listed[0] + cut + gone + listed[5])
    settings = Settings.from_env(env={}, db=str(tmp_path / "w.duckdb"))
    summary = import_snapshot(settings, root, datasets=["filings"])
    failed = {i.item: i.error for i in summary.failed}
    assert "does not parse as XHTML" in failed["sec/broken/nvda-20250727.htm"]
    assert "not in the snapshot" in failed["sec/archives/nowhere/nvda-20250126.htm"]
    loaded = query_df(settings, "select distinct accession from filing_facts")
    assert list(loaded["accession"]) == [META_10K["accession"]]
