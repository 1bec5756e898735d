"""Live refresh from the public sources (Yahoo through yfinance, SEC EDGAR).

Each (source, dataset, ticker) item is fetched, normalised and loaded in its own transaction;
a failure is recorded with its reason and the other items go on. Prices are incremental: Yahoo is
asked only for the days after the newest stored Yahoo row (with a few days of overlap), and the
whole history is fetched again when a split appears in that window or a stored close moved. A new
dividend only rescales the stored adj_close before it, once the overlap days confirm the factor.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlparse

import duckdb
import pandas as pd

from ingest.normalise import yahoo as yahoo_normalise
from ingest.normalise.sec import PayloadError, companyfacts_to_frame
from ingest.refresh import ItemResult, Progress, RunSummary, load_item, no_progress, sync_companies
from ingest.sources.http import SourceError
from warehouse import runlog
from warehouse.db import write_session
from warehouse.settings import Company, ConfigError, Settings

LIVE_SOURCES = ("yahoo", "sec")
YAHOO_HOST = "https://query1.finance.yahoo.com"
YAHOO_DATASETS = ("prices", "financials", "earnings")
# every live dataset and its source: one item per company of each (see plan())
LIVE_DATASETS = {
    "prices": "yahoo",
    "financials": "yahoo",
    "earnings": "yahoo",
    "companyfacts": "sec",
}
PRICE_OVERLAP_DAYS = 5  # re-read a few stored days: a moved close means history changed
CLOSE_TOLERANCE = 0.01  # relative change of a stored close that forces a full re-fetch
ADJ_TOLERANCE = 0.001  # how far Yahoo's dividend factor may stray from 1 - D/prev close
GIVE_UP_AFTER = 3  # items in a row a source did not answer before it is given up
SEC_UA_MISSING = (
    "BUBBLEMETER_SEC_USER_AGENT is not set: SEC asks every client for a name and "
    "an email, so the SEC source was skipped (to enable it, set "
    "BUBBLEMETER_SEC_USER_AGENT='Jane Doe jane@example.com' with your own name "
    "and email)"
)

Frames = list[tuple[str, pd.DataFrame]]


class SourcesUnreachable(Exception):
    """No live source answered; the run is recorded with every item failed, no data changed."""


class ItemSkipped(Exception):
    """An item that is deliberately not loaded; the message says why."""


def _reachable(url: str, timeout: float) -> str | None:
    """None when a TCP connection to the URL's host opens, else the reason it did not."""
    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        socket.create_connection((parsed.hostname, port), timeout=timeout).close()
        return None
    except OSError as exc:
        return f"{parsed.hostname}:{port}: {exc.strerror or exc}"


def probe(settings: Settings, sources: Iterable[str] = LIVE_SOURCES) -> dict[str, str | None]:
    """Check each live source's host quickly (in parallel): source -> None or the reason."""
    urls = {"yahoo": settings.yahoo_url or YAHOO_HOST, "sec": settings.sec_url}
    timeout = min(settings.http_timeout_s, 3.0)
    sources = list(sources)
    if not sources:
        return {}
    with ThreadPoolExecutor(max_workers=len(sources)) as pool:
        reasons = pool.map(lambda s: _reachable(urls[s], timeout), sources)
        return dict(zip(sources, reasons))


@dataclass(frozen=True)
class Item:
    """One unit of work: a dataset of one company from one source."""

    source: str
    dataset: str
    company: Company

    @property
    def name(self) -> str:
        return f"{self.dataset}/{self.company.ticker}"


def plan(
    companies: list[Company], sources: list[str], datasets: Iterable[str] | None = None
) -> list[Item]:
    """Every item of a refresh, dataset by dataset (so one bad ticker never runs twice in a row).

    `datasets` (names in LIVE_DATASETS) keeps only those datasets of the given sources.
    """
    wanted = set(datasets) if datasets else set(LIVE_DATASETS)
    items = []
    if "yahoo" in sources:
        for dataset in YAHOO_DATASETS:
            if dataset not in wanted:
                continue
            for c in companies:
                if dataset == "prices" or c.fiscal_year_end_month is not None:
                    items.append(Item("yahoo", dataset, c))
    if "sec" in sources and "companyfacts" in wanted:
        items += [Item("sec", "companyfacts", c) for c in companies if c.cik]
    return items


def _select(universe: list[Company], tickers: Iterable[str] | None) -> list[Company]:
    if not tickers:
        return universe
    wanted = [t.strip().upper() for t in tickers]
    known = {c.ticker for c in universe}
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise ConfigError(f"unknown ticker(s) {', '.join(unknown)}: not in the universe file")
    return [c for c in universe if c.ticker in wanted]


# -- the work of each item -------------------------------------------------------------------


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


class LiveRefresh:
    """One live refresh: clients, the write connection, and what each item does."""

    def __init__(
        self,
        settings: Settings,
        con: duckdb.DuckDBPyConnection,
        run_id: str,
        full: bool,
        today: date,
    ):
        self.settings, self.con, self.run_id = settings, con, run_id
        self.full, self.today = full, today
        self._yahoo = self._sec = None
        self.notes: list[str] = []

    @property
    def yahoo(self):
        if self._yahoo is None:
            from ingest.sources.yahoo import yahoo_client

            self._yahoo = yahoo_client(self.settings)
        return self._yahoo

    @property
    def sec(self):
        if self._sec is None:
            from ingest.sources.sec import sec_client

            self._sec = sec_client(self.settings)
        return self._sec

    def work(self, item: Item) -> Callable[[], Frames]:
        """The fetch-and-normalise function of an item."""
        return {
            ("yahoo", "prices"): self._prices,
            ("yahoo", "financials"): self._financials,
            ("yahoo", "earnings"): self._earnings,
            ("sec", "companyfacts"): self._companyfacts,
        }[(item.source, item.dataset)](item.company)

    def _prices(self, company: Company) -> Callable[[], Frames]:
        def work() -> Frames:
            ticker = company.ticker
            newest = None if self.full else _newest_yahoo_date(self.con, ticker)
            start = newest - timedelta(days=PRICE_OVERLAP_DAYS) if newest else None
            prices, actions = yahoo_normalise.prices_frames(
                self.yahoo.history(ticker, start), ticker
            )
            frames = [("prices_daily", prices), ("corporate_actions", actions)]
            if newest is None:
                return frames
            new = _new_actions(self.con, ticker, actions)
            why = _why_full(self.con, ticker, prices, new, newest)
            if why is None and not new.empty:
                earlier, what = _dividend_rescale(self.con, ticker, prices, new)
                if earlier is None:
                    why = what
                else:
                    self.notes.append(
                        f"  note    yahoo:prices/{ticker}: {what} "
                        f"(checked on the overlap days); history not re-fetched"
                    )
                    return [("prices_daily", earlier), *frames]
            if why:
                prices, actions = yahoo_normalise.prices_frames(
                    self.yahoo.history(ticker, None), ticker
                )
                self.notes.append(
                    f"  note    yahoo:prices/{ticker}: {why}; full history re-fetched"
                )
                return [("prices_daily", prices), ("corporate_actions", actions)]
            return frames

        return work

    def _financials(self, company: Company) -> Callable[[], Frames]:
        def work() -> Frames:
            currency = yahoo_normalise.NON_USD_REPORTERS.get(company.ticker)
            if currency:
                raise ItemSkipped(
                    f"{company.ticker} reports in {currency}; Yahoo statements "
                    f"are not converted to USD"
                )
            statements = self.yahoo.quarterly_statements(company.ticker)
            return [
                (
                    "financial_facts",
                    yahoo_normalise.statements_frame(
                        statements, company.ticker, company.fiscal_year_end_month
                    ),
                )
            ]

        return work

    def _earnings(self, company: Company) -> Callable[[], Frames]:
        def work() -> Frames:
            dates = self.yahoo.earnings_dates(company.ticker)
            return [
                (
                    "earnings_events",
                    yahoo_normalise.earnings_frame(
                        dates, company.ticker, company.fiscal_year_end_month, self.today
                    ),
                )
            ]

        return work

    def _companyfacts(self, company: Company) -> Callable[[], Frames]:
        def work() -> Frames:
            if company.fiscal_year_end_month is None:
                raise ItemSkipped("no fiscal_year_end_month in the universe file")
            payload = self.sec.companyfacts(company.cik)
            facts = payload.get("facts") if isinstance(payload, dict) else None
            if isinstance(facts, dict) and facts and "us-gaap" not in facts:
                raise ItemSkipped(
                    f"files without US-GAAP facts ({', '.join(sorted(facts))}); not loaded"
                )
            frame = companyfacts_to_frame(
                payload,
                company.ticker,
                company.fiscal_year_end_month,
                origin=f"SEC EDGAR companyfacts (live, {self.today})",
            )
            if frame.empty:
                raise PayloadError("no quarterly facts for the tracked metrics in companyfacts")
            return [("financial_facts", frame)]

        return work

    def run(self, item: Item) -> tuple[ItemResult, SourceError | None]:
        """Fetch, normalise and load one item; record the outcome in the run log."""
        source, name = item.source, item.name
        try:
            frames = self.work(item)()
        except ItemSkipped as exc:
            return self.record(ItemResult(source, name, "skipped", error=str(exc))), None
        except SourceError as exc:
            return self.record(ItemResult(source, name, "failed", error=str(exc))), exc
        except PayloadError as exc:
            return self.record(ItemResult(source, name, "failed", error=str(exc))), None
        except Exception as exc:  # an unforeseen library error fails this item, not the run
            reason = f"unexpected error: {type(exc).__name__}: {exc}"
            return self.record(ItemResult(source, name, "failed", error=reason)), None
        return load_item(self.con, self.run_id, source, name, lambda: frames), None

    def record(self, result: ItemResult) -> ItemResult:
        """Write an item's outcome to the run log."""
        runlog.record_item(
            self.con,
            self.run_id,
            result.source,
            result.item,
            result.status,
            result.rows_written,
            result.error,
        )
        return result


def refresh_live(
    settings: Settings,
    sources: Iterable[str] | None = None,
    tickers: Iterable[str] | None = None,
    trigger: str = "manual",
    full: bool = False,
    progress: Progress = no_progress,
    datasets: Iterable[str] | None = None,
) -> RunSummary:
    """Refresh from the live sources; SourcesUnreachable (run logged) when none answers.

    `datasets` (names in LIVE_DATASETS) limits the run to those datasets; their sources are
    the ones asked, so refresh_live(settings, datasets=["prices"]) touches Yahoo prices only.
    """
    sources = list(sources or LIVE_SOURCES)
    if datasets:
        datasets = list(datasets)
        unknown = sorted(set(datasets) - set(LIVE_DATASETS))
        if unknown:
            raise ConfigError(
                f"unknown live dataset(s) {', '.join(unknown)}; use {', '.join(LIVE_DATASETS)}"
            )
        sources = [s for s in sources if s in {LIVE_DATASETS[d] for d in datasets}]
    universe = settings.universe()
    companies = _select(universe, tickers)
    skipped = {"sec": SEC_UA_MISSING} if "sec" in sources and not settings.sec_user_agent else {}
    tried = [s for s in sources if s not in skipped]
    unreachable = {s: r for s, r in probe(settings, tried).items() if r}
    items = plan(companies, tried, datasets)

    with write_session(settings) as con:
        sync_companies(con, universe)
        run_id = runlog.start_run(con, trigger, "live")
        summary = RunSummary(run_id, "live")
        live = LiveRefresh(settings, con, run_id, full, date.today())
        for source, reason in skipped.items():
            summary.items.append(
                live.record(ItemResult(source, "companyfacts/*", "skipped", error=reason))
            )
        silent: dict[str, list[str]] = {s: [] for s in tried}
        for item in progress(items, len(items), "refresh"):
            if item.source in unreachable:
                reason = f"not tried: {item.source} unreachable ({unreachable[item.source]})"
                summary.items.append(
                    live.record(ItemResult(item.source, item.name, "failed", error=reason))
                )
                continue
            if len(silent[item.source]) >= GIVE_UP_AFTER:
                reason = (
                    f"not tried: {item.source} stopped answering ({GIVE_UP_AFTER} items "
                    f"in a row: {silent[item.source][-1]})"
                )
                summary.items.append(
                    live.record(ItemResult(item.source, item.name, "failed", error=reason))
                )
                continue
            result, error = live.run(item)
            summary.items.append(result)
            if error is not None and error.network:
                silent[item.source].append(str(error))
            else:
                silent[item.source].clear()
        summary.notes.extend(live.notes)
        summary.status = runlog.finish_run(con, run_id)

    if tried and len(unreachable) == len(tried):
        message = (
            "live sources unreachable ("
            + "; ".join(f"{k}: {v}" for k, v in unreachable.items())
            + f"); run {run_id} recorded {len(summary.failed)} items as failed"
        )
        for source, reason in skipped.items():
            message += f"; {source} skipped ({reason})"
        raise SourcesUnreachable(message)
    return summary
