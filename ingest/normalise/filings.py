"""SEC filings: the submissions index -> the 10-Q/10-K filings to load, and a filing's inline
XBRL -> filing_facts rows (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ingest.normalise.ixbrl import InlineDocument, parse_inline_xbrl
from ingest.normalise.sec import PayloadError
from warehouse.errors import ItemSkipped

FORMS = ("10-Q", "10-K", "10-Q/A", "10-K/A")
FACT_COLUMNS = [
    "ticker",
    "cik",
    "accession",
    "form",
    "filed_at",
    "report_date",
    "document_url",
    "concept",
    "context_id",
    "period_start",
    "period_end",
    "unit",
    "decimals",
    "value",
    "dimensions",
]


@dataclass(frozen=True)
class Filing:
    """One filing of the index: what it is and where its primary document lives."""

    accession: str
    form: str
    filed_at: date
    report_date: date | None
    document: str
    inline: bool = True


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        raise PayloadError(f"bad date {value!r} in the submissions index") from None


def index_filings(payload: dict) -> list[Filing]:
    """The 10-Q and 10-K filings (and amendments) of a submissions response, oldest first."""
    try:
        recent = payload["filings"]["recent"]
        columns = [
            recent[c]
            for c in ("accessionNumber", "form", "filingDate", "reportDate", "primaryDocument")
        ]
    except (KeyError, TypeError):
        raise PayloadError("the submissions index has no filings.recent columns") from None
    inline = recent.get("isInlineXBRL") or [1] * len(columns[0])
    if len({len(c) for c in columns} | {len(inline)}) != 1:
        raise PayloadError("the submissions index has columns of different lengths")
    filings = [
        Filing(acc, form, _day(filed), _day(report), doc, bool(ix))
        for acc, form, filed, report, doc, ix in zip(*columns, inline)
        if form in FORMS
    ]
    return sorted(filings, key=lambda f: (f.filed_at, f.accession))


def to_load(filings: list[Filing], since_year: int, loaded: set[str]) -> list[Filing]:
    """The inline XBRL filings reporting on `since_year` or later that are not loaded yet."""
    return [
        f
        for f in filings
        if f.inline
        and f.accession not in loaded
        and (f.report_date or f.filed_at).year >= since_year
    ]


def facts_frame(
    doc: InlineDocument, ticker: str, cik: int, filing: Filing, url: str
) -> pd.DataFrame:
    """filing_facts rows of a parsed document (one per fact and context)."""
    rows = [
        (
            ticker,
            int(cik),
            filing.accession,
            filing.form,
            filing.filed_at,
            filing.report_date,
            url,
            f.concept,
            f.context.id,
            f.context.start,
            f.context.end,
            f.unit,
            f.decimals,
            f.value,
            dict(f.context.dimensions),
        )
        for f in doc.facts
    ]
    frame = pd.DataFrame(rows, columns=FACT_COLUMNS)
    frame["decimals"] = frame["decimals"].astype("Int64")
    return frame


def read_filing(data: bytes, ticker: str, cik: int, filing: Filing, url: str) -> pd.DataFrame:
    """A primary document's bytes -> filing_facts rows; PayloadError when it cannot be read."""
    doc = parse_inline_xbrl(data, filing.document)
    if not doc.facts:  # e.g. an amendment that only adds Part III: nothing to load
        raise ItemSkipped(f"{filing.document} holds no numeric facts; not loaded")
    return facts_frame(doc, ticker, cik, filing, url)


def contradiction(stored: pd.DataFrame, frame: pd.DataFrame) -> str | None:
    """Why a re-read filing contradicts what is stored for its accession, else None."""
    if stored.empty:
        return None
    key = ["concept", "context_id", "unit"]
    merged = stored[key + ["value"]].merge(
        frame[key + ["value"]], on=key, how="outer", suffixes=("_stored", "_read"), indicator=True
    )
    missing = merged[merged["_merge"] != "both"]
    changed = merged[
        (merged["_merge"] == "both") & (merged["value_stored"] != merged["value_read"])
    ]
    if missing.empty and changed.empty:
        return None
    parts = []
    if not changed.empty:
        row = changed.iloc[0]
        parts.append(
            f"{len(changed)} value(s) differ (e.g. {row['concept']} in {row['context_id']}: "
            f"stored {row['value_stored']:g}, filing now {row['value_read']:g})"
        )
    if not missing.empty:
        parts.append(f"{len(missing)} fact(s) are in one and not the other")
    return (
        f"contradicts what is stored for accession {frame['accession'].iloc[0]}: "
        + "; ".join(parts)
        + "; nothing written"
    )
