"""Every dataset bubblemeter loads, declared once (see docs/architecture-datasets.md).

A dataset says where its data comes from (`yahoo`, `sec`, `census` or `snapshot`), what its
items are called, which companies it applies to (or, for a source that is not per company, its
parts: the Census workbooks), how an item is fetched (I/O only) and normalised (pure),
which tables it loads and which snapshot files hold it. The live refresh (ingest.live), the
snapshot import (ingest.refresh), the CLI's --source lists, the Dagster assets and the docs all
read DATASETS; adding a dataset is one Dataset(...) below plus its fetch and normalise functions.

The steps follow OpenBB's fetcher: the item is the query, `fetch` extracts (HTTP, files, reads of
what is stored), `normalise` transforms the raw payload into (table, frame) pairs without I/O.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ingest.normalise import census as census_normalise
from ingest.normalise import filings as filings_normalise
from ingest.normalise import yahoo as yahoo_normalise
from ingest.normalise.sec import PayloadError, companyfacts_to_frame
from ingest.normalise.tables import BadFile, prices_frame, table_frame
from warehouse.errors import ItemSkipped
from warehouse.settings import Company, Settings

Frames = list[tuple[str, pd.DataFrame]]
SNAPSHOT = "snapshot"
CIK_FILE = re.compile(r"^CIK(\d{10})\.json$")
PRICE_OVERLAP_DAYS = 5  # re-read a few stored days: a moved close means history changed
CLOSE_TOLERANCE = 0.01  # relative change of a stored close that forces a full re-fetch
ADJ_TOLERANCE = 0.001  # how far Yahoo's dividend factor may stray from 1 - D/prev close


@dataclass
class Context:
    """What the steps of one run may use: settings, the write connection, clients, options."""

    settings: Settings
    con: duckdb.DuckDBPyConnection
    universe: list[Company]
    today: date = field(default_factory=date.today)
    full: bool = False  # live: re-fetch whole histories
    tickers: set[str] | None = None  # snapshot: keep rows of these tickers only
    root: Path | None = None  # snapshot: the directory read
    notes: list[str] = field(default_factory=list)  # lines printed after the run's summary
    cache: dict = field(default_factory=dict)  # answers shared by the items of one run
    _clients: dict = field(default_factory=dict, repr=False)

    @property
    def yahoo(self):
        """The Yahoo client, made on first use (importing yfinance takes a while)."""
        if "yahoo" not in self._clients:
            from ingest.sources.yahoo import yahoo_client

            self._clients["yahoo"] = yahoo_client(self.settings)
        return self._clients["yahoo"]

    @property
    def sec(self):
        """The SEC client, made on first use."""
        if "sec" not in self._clients:
            from ingest.sources.sec import sec_client

            self._clients["sec"] = sec_client(self.settings)
        return self._clients["sec"]

    @property
    def census(self):
        """The Census BTOS client, made on first use."""
        if "census" not in self._clients:
            from ingest.sources.census import census_client

            self._clients["census"] = census_client(self.settings)
        return self._clients["census"]

    @property
    def snapshot(self):
        """The file client of the snapshot directory."""
        if "snapshot" not in self._clients:
            from ingest.sources.snapshot import SnapshotClient

            self._clients["snapshot"] = SnapshotClient(self.root)
        return self._clients["snapshot"]

    def company(self, ticker: str | None = None, cik: str | None = None) -> Company | None:
        """The universe's company with this ticker or CIK, else None."""
        for c in self.universe:
            if (ticker and c.ticker == ticker) or (cik and c.cik and str(c.cik) == cik):
                return c
        return None


@dataclass(frozen=True)
class Item:
    """One unit of work: a dataset of one company (live), or one file of a snapshot."""

    source: str
    dataset: str
    name: str  # as in the run log: prices/NVDA, prices/NVDA.csv, sec/companyfacts/CIK....json
    company: Company | None = None
    path: Path | None = None  # snapshot: the file
    key: str | None = None  # snapshot: the ticker or CIK in the file name; live: the part
    meta: Any = field(default=None, compare=False, hash=False)  # e.g. the filing of an item

    @property
    def label(self) -> str:
        """How error messages name the item: the file's path, else the item name."""
        return str(self.path) if self.path else self.name


def every_company(company: Company) -> bool:
    """every company"""
    return True


def has_fiscal_year(company: Company) -> bool:
    """companies with a fiscal_year_end_month"""
    return company.fiscal_year_end_month is not None


def has_cik(company: Company) -> bool:
    """companies with a CIK"""
    return bool(company.cik)


def no_company(company: Company) -> bool:
    """none: one item per workbook"""
    return False


def never_skipped(company: Company) -> str | None:
    return None


@dataclass(frozen=True)
class Derived:
    """Rows a load derives from what it has just written, in the same transaction.

    `query` (a select from a view, with `params`) gives the rows to upsert; `check(con, rows)`
    returns notes printed after the run, e.g. a filing value that disagrees with the
    transcribed value it replaces.
    """

    query: str
    params: tuple = ()
    check: Callable[[duckdb.DuckDBPyConnection, pd.DataFrame], list[str]] | None = None


@dataclass(frozen=True)
class Dataset:
    """One dataset: its source, item names, companies, steps, tables and snapshot files."""

    name: str
    source: str  # yahoo | sec | census | snapshot
    item: str  # item name pattern; {ticker} and {cik} are the company's, {part} the part
    tables: tuple[str, ...]
    fetch: Callable[[Context, Item], Any]  # extract: I/O only, returns the raw payload
    normalise: Callable[[Any, Item, Context], Frames]  # transform: pure
    description: str
    # live: which companies get an item, and why an item is skipped before any request
    applies: Callable[[Company], bool] = every_company
    skip: Callable[[Company], str | None] = never_skipped
    # live: the Dagster asset that refreshes it, and the snapshot datasets that hold its data
    asset: str | None = None
    snapshot: tuple[str, ...] = ()
    # snapshot: the files read (a glob under the directory), and how a file names its company
    files: str | None = None
    company_of: Callable[[Context, Path], tuple[str | None, Company | None]] | None = None
    every_company_has_a_file: bool = False  # a company without its file is recorded skipped
    # an item that stands for several: expand(ctx, item) reads what they are (an index) and
    # returns them, each then loaded as an item of its own
    expand: Callable[[Context, Item], list[Item]] | None = None
    # live: a source that is not per company has one item per part (a Census workbook)
    parts: tuple[str, ...] = ()

    @property
    def is_live(self) -> bool:
        return self.source != SNAPSHOT

    def items(self, companies: Iterable[Company]) -> list[Item]:
        """The live items of this dataset for these companies (or for its parts)."""
        if self.parts:
            return [
                Item(self.source, self.name, self.item.format(part=p), key=p) for p in self.parts
            ]
        return [
            Item(self.source, self.name, self.item.format(ticker=c.ticker, cik=c.cik), c)
            for c in companies
            if self.applies(c)
        ]


# -- yahoo: prices ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PricesPayload:
    """Yahoo's history (the incremental window, or everything) and stored rows to rewrite."""

    history: pd.DataFrame | None
    earlier: pd.DataFrame | None = None  # stored rows before the window, adj_close rescaled


def _newest_yahoo_date(con: duckdb.DuckDBPyConnection, ticker: str) -> date | None:
    rows = con.execute(
        "select max(date) from prices_daily where ticker = ? and source = 'yahoo'", [ticker]
    ).fetchall()
    return rows[0][0]


def _new_actions(
    con: duckdb.DuckDBPyConnection, ticker: str, actions: pd.DataFrame
) -> pd.DataFrame:
    """The fetched splits and dividends the warehouse has not seen, oldest first."""
    if actions.empty:
        return actions
    known = set(
        con.execute(
            "select date, action from corporate_actions where ticker = ?", [ticker]
        ).fetchall()
    )
    new = [(a.date, a.action) not in known for a in actions.itertuples()]
    return actions[new].sort_values("date")


def _why_full(
    con: duckdb.DuckDBPyConnection,
    ticker: str,
    prices: pd.DataFrame,
    new_actions: pd.DataFrame,
    newest: date,
) -> str | None:
    """Why the incremental window cannot be loaded without the whole history (None when it can).

    New dividends are not a reason here: _dividend_rescale handles them.
    """
    splits = new_actions[new_actions["action"] == "split"]
    if not splits.empty:
        return f"split on {splits['date'].iloc[0]} inside the new window"
    stored = con.execute(
        "select date, close from prices_daily where ticker = ? and date >= ? and date < ?",
        [ticker, min(prices["date"]), newest],
    ).fetchall()
    fetched = dict(zip(prices["date"], prices["close"]))
    for day, close in stored:
        now = fetched.get(day)
        if close and now is not None and abs(now / close - 1) > CLOSE_TOLERANCE:
            return f"stored close on {day} no longer matches Yahoo ({close:g} vs {now:g})"
    return None


def _dividend_rescale(
    con: duckdb.DuckDBPyConnection, ticker: str, prices: pd.DataFrame, dividends: pd.DataFrame
) -> tuple[pd.DataFrame | None, str]:
    """Stored rows before the window with adj_close rescaled for new dividends, or why not.

    A dividend multiplies Yahoo's adj_close of every earlier day by 1 - dividend / previous
    close. The factor applied is the one Yahoo shows on the overlap days before the first new
    dividend, and only when it agrees with that formula on every one of them.
    """
    first = dividends["date"].iloc[0]
    window_start = min(prices["date"])
    closes = dict(zip(prices["date"], prices["close"]))
    expected = 1.0
    for dividend in dividends.itertuples():
        before = [d for d in closes if d < dividend.date]
        if not before:
            return None, f"dividend on {dividend.date} with no earlier close in the window"
        expected *= 1 - dividend.value / closes[max(before)]
    stored = con.execute(
        "select date, adj_close from prices_daily where ticker = ? and date >= ? and date < ?",
        [ticker, window_start, first],
    ).fetchall()
    fetched = dict(zip(prices["date"], prices["adj_close"]))
    factors = [fetched[day] / adj for day, adj in stored if adj and day in fetched]
    if not factors:
        return None, f"dividend on {first} with no stored day before it to check the adjustment"
    if any(abs(f / expected - 1) > ADJ_TOLERANCE for f in factors):
        return None, (
            f"dividend on {first}: Yahoo's adjustment of earlier days "
            f"({min(factors):.6f}..{max(factors):.6f}) is not the expected "
            f"{expected:.6f}"
        )
    factor = sorted(factors)[len(factors) // 2]
    earlier = con.execute(
        "select * from prices_daily where ticker = ? and date < ?", [ticker, window_start]
    ).df()
    earlier["adj_close"] = earlier["adj_close"] * factor
    return earlier, f"dividend on {first}: adj_close before it rescaled by {factor:.6f}"


def fetch_prices(ctx: Context, item: Item) -> PricesPayload:
    """The days after the newest stored Yahoo row (with overlap), or the whole history when
    a split, a moved close or an unconfirmed dividend means the window cannot stand alone."""
    ticker = item.company.ticker
    newest = None if ctx.full else _newest_yahoo_date(ctx.con, ticker)
    start = newest - timedelta(days=PRICE_OVERLAP_DAYS) if newest else None
    history = ctx.yahoo.history(ticker, start)
    if newest is None:
        return PricesPayload(history)
    # the window is read as it would load, to compare it with what is stored
    prices, actions = yahoo_normalise.prices_frames(history, ticker)
    new = _new_actions(ctx.con, ticker, actions)
    why = _why_full(ctx.con, ticker, prices, new, newest)
    if why is None and not new.empty:
        earlier, what = _dividend_rescale(ctx.con, ticker, prices, new)
        if earlier is None:
            why = what
        else:
            ctx.notes.append(
                f"  note    yahoo:prices/{ticker}: {what} "
                f"(checked on the overlap days); history not re-fetched"
            )
            return PricesPayload(history, earlier)
    if why:
        history = ctx.yahoo.history(ticker, None)
        ctx.notes.append(f"  note    yahoo:prices/{ticker}: {why}; full history re-fetched")
    return PricesPayload(history)


def normalise_prices(raw: PricesPayload, item: Item, ctx: Context) -> Frames:
    prices, actions = yahoo_normalise.prices_frames(raw.history, item.company.ticker)
    frames = [("prices_daily", prices), ("corporate_actions", actions)]
    return frames if raw.earlier is None else [("prices_daily", raw.earlier), *frames]


# -- yahoo: statements and earnings dates ----------------------------------------------------


def non_usd_reporter(company: Company) -> str | None:
    currency = yahoo_normalise.NON_USD_REPORTERS.get(company.ticker)
    if currency:
        return f"{company.ticker} reports in {currency}; Yahoo statements are not converted to USD"
    return None


def fetch_statements(ctx: Context, item: Item):
    return ctx.yahoo.quarterly_statements(item.company.ticker)


def normalise_statements(raw, item: Item, ctx: Context) -> Frames:
    c = item.company
    frame = yahoo_normalise.statements_frame(raw, c.ticker, c.fiscal_year_end_month)
    return [("financial_facts", frame)]


def fetch_earnings(ctx: Context, item: Item):
    return ctx.yahoo.earnings_dates(item.company.ticker)


def normalise_earnings(raw, item: Item, ctx: Context) -> Frames:
    c = item.company
    frame = yahoo_normalise.earnings_frame(raw, c.ticker, c.fiscal_year_end_month, ctx.today)
    return [("earnings_events", frame)]


# -- sec: companyfacts -----------------------------------------------------------------------


def no_fiscal_year(company: Company) -> str | None:
    return None if has_fiscal_year(company) else "no fiscal_year_end_month in the universe file"


NO_NEW_FILING = "no new filing"


def _last_companyfacts_load(con: duckdb.DuckDBPyConnection, ticker: str) -> date | None:
    rows = con.execute(
        "select max(r.started_at)::date from ingest_run_items i join ingest_runs r using (run_id) "
        "where i.source = 'sec' and i.item = ? and i.status = 'ok'",
        [f"companyfacts/{ticker}"],
    ).fetchall()
    return rows[0][0]


def submissions(ctx: Context, company: Company) -> dict:
    """The submissions index of a company, asked for once per run."""
    key = ("submissions", company.ticker)
    if key not in ctx.cache:
        ctx.cache[key] = ctx.sec.submissions(company.cik)
    return ctx.cache[key]


def fetch_companyfacts(ctx: Context, item: Item):
    """companyfacts, unless no filing is new since its last load: none found by the filings
    dataset in this run, and none in the submissions index filed since that load.

    companyfacts changes only when a filing is processed, so a day without one costs the small
    index instead of a 3-4 MB download.
    """
    last = None if ctx.full else _last_companyfacts_load(ctx.con, item.company.ticker)
    found_new = ctx.cache.get(("new filings", item.company.ticker))
    if last is not None and not found_new:
        filed = [
            f.filed_at for f in filings_normalise.index_filings(submissions(ctx, item.company))
        ]
        if not filed or max(filed) < last:
            return NO_NEW_FILING
    return ctx.sec.companyfacts(item.company.cik)


def normalise_companyfacts(payload, item: Item, ctx: Context) -> Frames:
    if payload is NO_NEW_FILING:
        return []
    facts = payload.get("facts") if isinstance(payload, dict) else None
    if isinstance(facts, dict) and facts and "us-gaap" not in facts:
        raise ItemSkipped(f"files without US-GAAP facts ({', '.join(sorted(facts))}); not loaded")
    c = item.company
    frame = companyfacts_to_frame(
        payload,
        c.ticker,
        c.fiscal_year_end_month,
        origin=f"SEC EDGAR companyfacts (live, {ctx.today})",
    )
    if frame.empty:
        raise PayloadError("no quarterly facts for the tracked metrics in companyfacts")
    return [("financial_facts", frame)]


# -- sec: filings (inline XBRL) -------------------------------------------------------------


def _loaded_accessions(con: duckdb.DuckDBPyConnection, ticker: str) -> set[str]:
    rows = con.execute(
        "select distinct accession from filing_facts where ticker = ?", [ticker]
    ).fetchall()
    return {r[0] for r in rows}


def _filing_item(source: str, name: str, company: Company, filing, url: str, path=None) -> Item:
    return Item(source, "filings", name, company, path, filing.accession, meta=(filing, url))


def _unknown_company(item: Item, ticker: str) -> Item:
    return Item(item.source, item.dataset, item.name, None, item.path, ticker, item.meta)


def filings_to_load(ctx: Context, item: Item) -> list[Item]:
    """The company's 10-Q/10-K filings in its submissions index not loaded yet (all: --full)."""
    company = item.company
    filings = filings_normalise.index_filings(submissions(ctx, company))
    loaded = set() if ctx.full else _loaded_accessions(ctx.con, company.ticker)
    new = filings_normalise.to_load(filings, ctx.settings.sec_filings_since, loaded)
    ctx.cache[("new filings", company.ticker)] = len(new)  # companyfacts changes with them
    return [
        _filing_item(
            "sec",
            f"filings/{company.ticker} {f.accession}",
            company,
            f,
            ctx.sec.document_url(company.cik, f.accession, f.document),
        )
        for f in new
    ]


@dataclass(frozen=True)
class FilingPayload:
    """A filing document's bytes and the facts stored for its accession (empty when new)."""

    data: bytes
    stored: pd.DataFrame


def _stored_facts(con: duckdb.DuckDBPyConnection, accession: str) -> pd.DataFrame:
    return con.execute(
        "select concept, context_id, unit, value from filing_facts where accession = ?",
        [accession],
    ).df()


def fetch_filing(ctx: Context, item: Item) -> FilingPayload:
    filing, url = item.meta
    if item.path and not item.path.is_file():
        raise BadFile(f"{item.label}: listed in sec/filings.csv, not in the snapshot")
    data = ctx.snapshot.read_bytes(item.path) if item.path else ctx.sec.document(url)
    return FilingPayload(data, _stored_facts(ctx.con, filing.accession))


def segment_disagreements(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> list[str]:
    """Notes on the transcribed rows of segment_revenue that these filing rows disagree with
    (by more than half a million USD): printed with the run, then the filing value is kept."""
    if rows.empty:
        return []
    keys = ["ticker", "fiscal_year", "fiscal_quarter", "segment", "presentation"]
    transcribed = con.execute(
        "select * from segment_revenue where filed_at is null and ticker = ?",
        [rows["ticker"].iloc[0]],
    ).df()
    both = rows.merge(transcribed, on=keys, suffixes=("", "_transcribed"))
    differ = both[(both["revenue_usd"] - both["revenue_usd_transcribed"]).abs() > 5e5]
    return [
        f"FY{r.fiscal_year} Q{r.fiscal_quarter} {r.segment} ({r.presentation}): the filing says "
        f"{r.revenue_usd / 1e6:,.1f} M USD, the transcribed row said "
        f"{r.revenue_usd_transcribed / 1e6:,.1f} M USD ({r.source_transcribed}); "
        "the filing value is kept"
        for r in differ.itertuples()
    ]


DERIVED_FROM_FILINGS = (
    ("segment_revenue", "stg_filing_segment_revenue", segment_disagreements),
    ("customer_concentration", "stg_filing_customer_concentration", None),
)


def normalise_filing(raw: FilingPayload, item: Item, ctx: Context) -> Frames:
    """The filing's facts, then the segment and customer rows derived from every loaded filing."""
    filing, url = item.meta
    company = item.company
    if company is None:
        raise BadFile(f"{item.label}: unknown ticker {item.key!r} (not in the universe file)")
    frame = filings_normalise.read_filing(raw.data, company.ticker, company.cik, filing, url)
    why = filings_normalise.contradiction(raw.stored, frame)
    if why:
        raise PayloadError(why)
    params = (company.ticker,)
    derived = [
        (
            table,
            Derived(
                f"select * from {view} where ticker = ?",
                params,
                check,
            ),
        )
        for table, view, check in DERIVED_FROM_FILINGS
    ]
    return [("filing_facts", frame), *derived]


def filings_of_snapshot(ctx: Context, item: Item) -> list[Item]:
    """The filings sec/filings.csv lists, each read from its path under the snapshot."""
    try:
        listed = pd.read_csv(ctx.snapshot.root / item.name, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise BadFile(f"{item.label}: not a readable CSV ({str(exc).strip()})") from None
    needed = {"ticker", "cik", "form", "accession", "filing_date", "report_date"}
    needed |= {"primary_document", "path"}
    missing = sorted(needed - set(listed.columns))
    if missing:
        raise BadFile(f"{item.label}: missing column(s) {', '.join(missing)}")
    items = []
    for row in listed.itertuples():
        company = ctx.company(ticker=row.ticker.upper())
        if ctx.tickers is not None and row.ticker.upper() not in ctx.tickers:
            continue
        filing = filings_normalise.Filing(
            row.accession,
            row.form,
            filings_normalise._day(row.filing_date),
            filings_normalise._day(row.report_date),
            row.primary_document,
        )
        folder = row.accession.replace("-", "")
        url = (
            f"https://www.sec.gov/Archives/edgar/data/{int(row.cik)}/{folder}/"
            f"{row.primary_document}"
        )
        path = Path(item.path).parent / row.path
        name = str(path.relative_to(ctx.root))
        sub = _filing_item(SNAPSHOT, name, company, filing, url, path)
        items.append(sub if company else _unknown_company(sub, row.ticker))
    return items


# -- census: BTOS workbooks -------------------------------------------------------------------

BTOS_WORKBOOKS = ("National", "Sector", "State", "Employment Size Class")
# the geographies a workbook holds, as stored (adoption_indicators.geography), for the summary
BTOS_GEOGRAPHIES = {
    "National": "geography = 'US'",
    "Sector": "geography like 'NAICS:%'",
    "State": "length(geography) = 2 and geography <> 'US'",
    "Employment Size Class": "geography like 'size:%'",
}
BTOS_INDICATORS = tuple(indicator for indicator, _ in census_normalise.QUESTIONS)
BTOS_KEY = ["indicator", "geography", "period_date", "series_version"]


@dataclass(frozen=True)
class BtosPayload:
    """One workbook's rows (None when Census said it has not changed) and its validators."""

    frame: pd.DataFrame | None
    validators: pd.DataFrame | None = None


def _stored_validators(con: duckdb.DuckDBPyConnection, url: str):
    from ingest.sources.census import Validators

    rows = con.execute(
        "select etag, last_modified from http_validators where url = ?", [url]
    ).fetchall()
    return Validators(*rows[0]) if rows else None


def btos_changes(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, workbook: str
) -> dict[str, object]:
    """What loading `frame` changes among the stored readings of the workbook's geographies.

    new / revised (with the first few revisions) / kept: stored readings the workbook no longer
    carries, which the load leaves as they are (an edition that drops history loses nothing);
    write: the rows of `frame` to load, the new and changed ones only (a reading that is the
    same keeps its stored row, whichever file it came from).
    """
    where = BTOS_GEOGRAPHIES.get(workbook, "true")
    stored = con.execute(
        f"select indicator, geography, period_date, series_version, value, std_error "
        f"from adoption_indicators where indicator in (select unnest(?::varchar[])) and {where}",
        [list(BTOS_INDICATORS)],
    ).df()
    if stored.empty:
        return {
            "new": len(frame),
            "revised": [],
            "se_added": 0,
            "kept": 0,
            "kept_versions": [],
            "write": frame,
        }
    stored["period_date"] = pd.to_datetime(stored["period_date"]).dt.date
    both = frame.merge(stored, on=BTOS_KEY, how="outer", suffixes=("", "_stored"), indicator=True)
    new = int((both["_merge"] == "left_only").sum())
    kept = both[both["_merge"] == "right_only"]
    matched = both[both["_merge"] == "both"]
    se_was = matched["std_error_stored"]
    moved = matched[
        (matched["value"] != matched["value_stored"])
        | (se_was.notna() & (matched["std_error"].fillna(-1) != se_was))
    ]
    filled = matched[se_was.isna() & matched["std_error"].notna()]
    se_added = len(filled)
    changed = pd.concat([both[both["_merge"] == "left_only"], moved, filled])[BTOS_KEY]
    write = frame.merge(changed.drop_duplicates(), on=BTOS_KEY)[frame.columns]
    revised = [
        f"{r.indicator} {r.geography} {r.period_date} {r.series_version}: "
        f"{r.value_stored:g} -> {r.value:g}"
        + ("" if r.value != r.value_stored else f" (SE {r.std_error_stored:g} -> {r.std_error:g})")
        for r in moved.itertuples()
    ]
    return {
        "new": new,
        "revised": revised,
        "se_added": se_added,
        "kept": len(kept),
        "kept_versions": sorted(kept["series_version"].unique()),
        "write": write,
    }


def btos_note(name: str, changes: dict[str, object], edition: str) -> str:
    """One line for the run summary: what a workbook's edition changed."""
    revised = changes["revised"]
    text = f"  note    {name} ({edition}): {changes['new']} new readings, {len(revised)} revised"
    if revised:
        shown = "; ".join(revised[:3]) + ("; ..." if len(revised) > 3 else "")
        text += f" ({shown})"
    if changes["se_added"]:
        text += f", {changes['se_added']} stored readings given their standard error"
    if changes["kept"]:
        versions = ", ".join(changes["kept_versions"])
        text += f", {changes['kept']} stored readings not in this edition kept ({versions})"
    return text


def fetch_btos(ctx: Context, item: Item) -> BtosPayload:
    """The workbook if it changed since the last load (conditional GET), parsed and compared
    with what is stored (the comparison goes into the run summary)."""
    client = ctx.census
    url = client.workbook_url(item.key)
    known = None if ctx.full else _stored_validators(ctx.con, url)
    answer = client.workbook(item.key, known)
    if answer.not_modified:
        since = known.last_modified or known.etag if known else "the last load"
        ctx.notes.append(
            f"  note    census:{item.name}: unchanged since {since} (HTTP 304, nothing downloaded)"
        )
        return BtosPayload(None)
    frame = census_normalise.workbook_frame(answer.body, f"{item.key}.xlsx", item.name)
    edition = answer.validators.last_modified or "no Last-Modified"
    changes = btos_changes(ctx.con, frame, item.key)
    ctx.notes.append(btos_note(f"census:{item.name}", changes, edition))
    validators = pd.DataFrame(
        [
            {
                "url": url,
                "etag": answer.validators.etag,
                "last_modified": answer.validators.last_modified,
                "content_sha256": census_normalise.sha256(answer.body),
                "content_bytes": len(answer.body),
                "fetched_at": pd.Timestamp.now(tz="UTC").tz_localize(None),
            }
        ]
    )
    return BtosPayload(changes["write"], validators)


def normalise_btos(raw: BtosPayload, item: Item, ctx: Context) -> Frames:
    if raw.frame is None:
        return []
    # the validators land in the same transaction as the rows: a failed load asks again
    return [("adoption_indicators", raw.frame), ("http_validators", raw.validators)]


def read_bytes(ctx: Context, item: Item) -> bytes:
    return ctx.snapshot.read_bytes(item.path)


def normalise_btos_archive_file(body: bytes, item: Item, ctx: Context) -> Frames:
    """Census's archive of the old wording (DIR/census/btos/archive/AI Core Questions.xlsx)."""
    try:
        frame = census_normalise.archive_frame(body, item.path.name, item.label)
    except census_normalise.WorkbookError as exc:
        raise BadFile(str(exc)) from None
    changes = btos_changes(ctx.con, frame, "")
    ctx.notes.append(btos_note(f"snapshot:{item.name}", changes, "archive"))
    return [("adoption_indicators", changes["write"])]


def normalise_btos_file(body: bytes, item: Item, ctx: Context) -> Frames:
    """A workbook of DIR/census/btos/<edition>/, through the live path's parser."""
    workbook = item.path.stem
    try:
        frame = census_normalise.workbook_frame(body, item.path.name, item.label)
    except census_normalise.NoAIQuestion as exc:
        # a real Census workbook (the first series, to 202318) with nothing to load: not a fault
        ctx.notes.append(f"  note    snapshot:{item.name}: {exc}; nothing to load")
        return []
    except census_normalise.WorkbookError as exc:
        raise BadFile(str(exc)) from None
    edition = item.path.parent.name
    changes = btos_changes(ctx.con, frame, workbook)
    ctx.notes.append(btos_note(f"snapshot:{item.name}", changes, edition))
    return [("adoption_indicators", changes["write"])]


# -- snapshot files --------------------------------------------------------------------------


def read_text(ctx: Context, item: Item) -> str:
    return ctx.snapshot.read_text(item.path)


def read_json(ctx: Context, item: Item) -> dict:
    """The file parsed (json.JSONDecodeError on a malformed file: the runner names the line)."""
    try:
        return json.loads(ctx.snapshot.read_text(item.path))
    except RecursionError:
        raise BadFile(f"{item.label}: malformed JSON (nested deeper than it can be read)") from None


def ticker_of_file(ctx: Context, path: Path) -> tuple[str | None, Company | None]:
    ticker = path.stem.upper()
    return ticker, ctx.company(ticker=ticker)


def cik_of_file(ctx: Context, path: Path) -> tuple[str | None, Company | None]:
    match = CIK_FILE.match(path.name)
    cik = str(int(match.group(1))) if match else None
    return cik, ctx.company(cik=cik) if cik else None


def normalise_price_file(text: str, item: Item, ctx: Context) -> Frames:
    if item.company is None:
        raise BadFile(f"{item.label}: unknown ticker {item.key!r} (not in the universe file)")
    return [("prices_daily", prices_frame(text, item.label, item.key))]


def normalise_companyfacts_file(payload: dict, item: Item, ctx: Context) -> Frames:
    company = item.company
    if company is None:
        raise BadFile(f"{item.label}: unknown CIK (no company in the universe file has it)")
    if company.fiscal_year_end_month is None:
        raise BadFile(f"{item.label}: {company.ticker} has no fiscal_year_end_month")
    try:
        frame = companyfacts_to_frame(
            payload,
            company.ticker,
            company.fiscal_year_end_month,
            origin=f"SEC EDGAR companyfacts (snapshot {item.label})",
        )
    except PayloadError as exc:
        raise BadFile(f"{item.label}: {exc}") from None
    return [("financial_facts", frame)]


# Tables that filings loads write rows into: a transcribed row never replaces a filing's.
FILED_TABLES = {
    "segment_revenue": ["ticker", "fiscal_year", "fiscal_quarter", "segment", "presentation"],
    "customer_concentration": ["ticker", "period_end", "customer_label", "basis"],
}


@dataclass(frozen=True)
class TablePayload:
    """A snapshot CSV's text, and the keys of its table that rows read from filings hold."""

    text: str
    filed: pd.DataFrame | None = None


def read_table_file(ctx: Context, item: Item) -> TablePayload:
    text = ctx.snapshot.read_text(item.path)
    keys = FILED_TABLES.get(item.dataset)
    if keys is None:
        return TablePayload(text)
    listed = ", ".join(keys)
    filed = ctx.con.execute(f"select {listed} from {item.dataset} where filed_at is not null").df()
    return TablePayload(text, filed)


def normalise_table_file(raw: TablePayload, item: Item, ctx: Context) -> Frames:
    frame = table_frame(item.dataset, raw.text, item.label, {c.ticker for c in ctx.universe})
    if ctx.tickers is not None and "ticker" in frame:
        frame = frame[frame["ticker"].isin(ctx.tickers)]
    if raw.filed is not None and not raw.filed.empty:
        keys = FILED_TABLES[item.dataset]
        held = set(map(tuple, raw.filed[keys].astype(str).values))
        covered = [tuple(k) in held for k in frame[keys].astype(str).values]
        frame = frame[[not c for c in covered]]
    return [(item.dataset, frame)]


def _table_file(table: str, description: str) -> Dataset:
    """A snapshot CSV that loads into the warehouse table of the same name."""
    return Dataset(
        table,
        SNAPSHOT,
        f"{table}.csv",
        (table,),
        read_table_file,
        normalise_table_file,
        description,
        files=f"{table}.csv",
    )


# -- the registry ----------------------------------------------------------------------------

DATASETS: tuple[Dataset, ...] = (
    # Live, in the order a refresh runs them: dataset by dataset, so one bad ticker never
    # runs twice in a row.
    Dataset(
        "prices",
        "yahoo",
        "prices/{ticker}",
        ("prices_daily", "corporate_actions"),
        fetch_prices,
        normalise_prices,
        "Daily prices, splits and dividends from Yahoo (incremental) "
        "into prices_daily and corporate_actions.",
        asset="prices",
        snapshot=("prices", "corporate_actions"),
    ),
    Dataset(
        "financials",
        "yahoo",
        "financials/{ticker}",
        ("financial_facts",),
        fetch_statements,
        normalise_statements,
        "Quarterly statements from Yahoo into financial_facts (source yahoo).",
        applies=has_fiscal_year,
        skip=non_usd_reporter,
        asset="statements",
        snapshot=("financial_facts",),
    ),
    Dataset(
        "earnings",
        "yahoo",
        "earnings/{ticker}",
        ("earnings_events",),
        fetch_earnings,
        normalise_earnings,
        "Earnings dates and EPS from Yahoo into earnings_events.",
        applies=has_fiscal_year,
        asset="earnings_dates",
        snapshot=("earnings_events",),
    ),
    Dataset(
        "filings",
        "sec",
        "filings/{ticker}",
        ("filing_facts", "segment_revenue", "customer_concentration"),
        fetch_filing,
        normalise_filing,
        "10-Q and 10-K filings not loaded yet (SEC submissions index, inline XBRL documents) "
        "into filing_facts, and the segment and customer rows derived from them.",
        applies=has_cik,
        asset="sec_filings",
        snapshot=("filings",),
        expand=filings_to_load,
    ),
    Dataset(
        "companyfacts",
        "sec",
        "companyfacts/{ticker}",
        ("financial_facts",),
        fetch_companyfacts,
        normalise_companyfacts,
        "Quarterly history from SEC companyfacts into financial_facts (source sec).",
        applies=has_cik,
        skip=no_fiscal_year,
        asset="sec_facts",
        snapshot=("sec",),
    ),
    Dataset(
        "btos",
        "census",
        "btos/{part}",
        ("adoption_indicators", "http_validators"),
        fetch_btos,
        normalise_btos,
        "Census BTOS workbooks (AI use, both question wordings, with standard errors) into "
        "adoption_indicators; asked for conditionally, so an unchanged workbook is not "
        "downloaded again.",
        applies=no_company,
        asset="census_btos",
        snapshot=("census_archive", "census"),
        parts=BTOS_WORKBOOKS,
    ),
    # Snapshot files, in load order: prices, the tables, SEC's recorded responses, the
    # Census archive and workbooks (editions in date order: a later edition's revision
    # replaces an earlier reading), adoption_indicators.csv.
    Dataset(
        "prices",
        SNAPSHOT,
        "prices/{ticker}.csv",
        ("prices_daily",),
        read_text,
        normalise_price_file,
        "Daily prices of one company, as yfinance writes them (Date,Open,...,Volume).",
        files="prices/*.csv",
        company_of=ticker_of_file,
        every_company_has_a_file=True,
    ),
    *(
        _table_file(table, description)
        for table, description in (
            ("corporate_actions", "Splits and dividends."),
            ("financial_facts", "Quarterly figures transcribed from filings, with citations."),
            ("segment_revenue", "Revenue by reported segment."),
            ("customer_concentration", "Revenue shares of the largest customers."),
            ("earnings_events", "Earnings dates and EPS."),
        )
    ),
    Dataset(
        "sec",
        SNAPSHOT,
        "sec/companyfacts/CIK{cik:010d}.json",
        ("financial_facts",),
        read_json,
        normalise_companyfacts_file,
        "SEC companyfacts responses as EDGAR sent them.",
        files="sec/companyfacts/*.json",
        company_of=cik_of_file,
    ),
    Dataset(
        "filings",
        SNAPSHOT,
        "sec/archives/edgar/data/{cik}/...",
        ("filing_facts", "segment_revenue", "customer_concentration"),
        fetch_filing,
        normalise_filing,
        "Inline XBRL filings listed in sec/filings.csv, read through the live path's parser.",
        files="sec/filings.csv",
        expand=filings_of_snapshot,
    ),
    Dataset(
        "census_archive",
        SNAPSHOT,
        "census/btos/archive/AI Core Questions.xlsx",
        ("adoption_indicators",),
        read_bytes,
        normalise_btos_archive_file,
        "Census's frozen archive of the old BTOS wording (national, sector, state, size), "
        "before the editions: it adds the states' readings from 2025-06 to 2025-09.",
        files="census/btos/archive/*.xlsx",
    ),
    Dataset(
        "census",
        SNAPSHOT,
        "census/btos/<edition>/<workbook>.xlsx",
        ("adoption_indicators",),
        read_bytes,
        normalise_btos_file,
        "Census BTOS workbooks as census.gov serves them, one directory per edition "
        "(YYYY-MM or YYYY-MM-DD), read by the live source's parser.",
        files="census/btos/2*/*.xlsx",
    ),
    # after the workbooks: the table transcribes State.xlsx (same readings, a test proves it),
    # so it only re-cites them; loaded before, it and the workbooks would rewrite each other
    # on every import
    _table_file("adoption_indicators", "Indicators of AI adoption by enterprises."),
)

LIVE_DATASETS = {d.name: d.source for d in DATASETS if d.is_live}  # dataset -> source
LIVE_SOURCES = tuple(dict.fromkeys(LIVE_DATASETS.values()))
SNAPSHOT_DATASETS = tuple(d.name for d in DATASETS if not d.is_live)


def live_datasets(names: Iterable[str] | None = None) -> list[Dataset]:
    """The live datasets, in run order (only `names` when given)."""
    wanted = set(names) if names else None
    return [d for d in DATASETS if d.is_live and (wanted is None or d.name in wanted)]


def snapshot_datasets(names: Iterable[str] | None = None) -> list[Dataset]:
    """The snapshot datasets, in load order (only `names` when given)."""
    wanted = set(names) if names else None
    return [d for d in DATASETS if not d.is_live and (wanted is None or d.name in wanted)]


def live_dataset(name: str) -> Dataset:
    """The live dataset of this name."""
    return next(d for d in DATASETS if d.is_live and d.name == name)


def fallback_datasets(live: Iterable[str]) -> list[str]:
    """The snapshot datasets that hold the data of these live datasets."""
    return list(dict.fromkeys(s for d in live_datasets(live) for s in d.snapshot))


def work(ctx: Context, dataset: Dataset, item: Item) -> Callable[[], Frames]:
    """An item's steps as the runner calls them: the skip rule, fetch, then normalise."""

    def steps() -> Frames:
        reason = dataset.skip(item.company) if dataset.is_live else None
        if reason:
            raise ItemSkipped(reason)
        return dataset.normalise(dataset.fetch(ctx, item), item, ctx)

    return steps


def markdown_table() -> str:
    """The datasets as a Markdown table (docs/architecture-datasets.md holds it)."""
    lines = [
        "| dataset | source | item | companies | tables | snapshot files |",
        "|---|---|---|---|---|---|",
    ]
    for d in DATASETS:
        if d.is_live:
            files = ", ".join(
                f"`{s.files}`" for name in d.snapshot for s in snapshot_datasets([name])
            )
        else:
            files = f"`{d.files}`"
        tables = ", ".join(f"`{t}`" for t in d.tables)
        companies = d.applies.__doc__ if d.is_live else "the file's, if any"
        lines.append(f"| `{d.name}` | {d.source} | `{d.item}` | {companies} | {tables} | {files} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] != ["--markdown"]:
        raise SystemExit("usage: python -m ingest.datasets --markdown")
    sys.stdout.write(markdown_table())
