"""A loopback fake of the Yahoo Finance endpoints yfinance 1.7 calls, serving the real snapshot.

Endpoints (yfinance sends every Yahoo host here through bubblemeter's rewriting session, so
only paths and queries matter):

    GET /                                               cookie (fc.yahoo.com): 200
    GET /v1/test/getcrumb                               crumb: 200 "fakecrumb"
    GET /consent ...                                    consent pages: 200, empty
    GET /v8/finance/chart/{SYM}                         history with events (div, splits)
    GET /ws/fundamentals-timeseries/v1/finance/timeseries/{SYM}?type=quarterlyTotalRevenue,...
                                                        quarterly statements
    GET /calendar/earnings?symbol={SYM}&offset=0&size=25  earnings dates (an HTML table)

Data, all read by path from the shared snapshot directory (never copied):
- chart: built from prices/{SYM}.csv and corporate_actions.csv. `as_of` plays the clock: only
  rows and events up to that date are served, and splits after it are undone (prices times the
  ratio, volume divided), as Yahoo served them on that day. Likewise Adj Close is not yet
  adjusted for the dividends in corporate_actions.csv after it: each one's factor is the step
  of Adj Close / Close in the file across its ex-date (Yahoo's 1 - dividend / previous close).
  Without a CSV the recorded yahoo/history_chart_{SYM}.json is served as is.
- timeseries: financial_facts.csv plus the SEC companyfacts files (de-cumulated by
  ingest.normalise.sec), the last five quarters up to `as_of`, capex negative as Yahoo has it;
  without those, the recorded yahoo/timeseries_income_statement_quarterly_{SYM}.json.
- earnings: earnings_events.csv rows with a report date; rows after `as_of` are served as
  upcoming (no reported EPS). The table's hour ("4 PM") is a placeholder: the data has dates only.

`rows_served(kind, key)` counts the data rows the answers carried (chart: daily bars,
timeseries: quarterly values, earnings: table rows), for benchmarks and tests of what was asked.

Faults (see FakeServer.fail): "empty" serves Yahoo's empty shapes (chart without rows, an empty
timeseries result, a page without a table); "missing_field" drops `timestamp` from the chart,
`reportedValue` from timeseries entries and the `Reported EPS` column from the earnings table.

Usage:
    with FakeYahoo(as_of=date(2026, 6, 1)) as yahoo:
        settings = Settings.from_env(env={}, db=..., yahoo_url=yahoo.url)
        yahoo.fail("AMD", "429", times=1)
        ...
        yahoo.requests_for("chart", "NVDA")[-1].query["period1"]
"""

from __future__ import annotations

import functools
import html
import json
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from tests.conftest import SNAPSHOT
from tests.fakes.base import FakeServer, Request, Response

NEW_YORK = ZoneInfo("America/New_York")
ETFS = frozenset({"SPY", "QQQ", "SMH"})
# metric in the snapshot -> Yahoo timeseries key (capex is negative on Yahoo: cash out)
YAHOO_KEYS = {
    "revenue": "TotalRevenue",
    "gross_profit": "GrossProfit",
    "operating_income": "OperatingIncome",
    "net_income": "NetIncome",
    "capex": "CapitalExpenditure",
}
RANGE_ROWS = {
    "1d": 1,
    "5d": 5,
    "1mo": 21,
    "3mo": 63,
    "6mo": 126,
    "1y": 252,
    "2y": 504,
    "5y": 1260,
    "10y": 2520,
}
QUARTERS_SERVED = 5
CHART_PREFIX = "/v8/finance/chart/"
TIMESERIES_PREFIX = "/ws/fundamentals-timeseries/v1/finance/timeseries/"


def _open_ts(day: date) -> int:
    """Epoch seconds of 09:30 New York on `day` (Yahoo stamps daily bars at the open)."""
    return int(datetime.combine(day, dtime(9, 30), NEW_YORK).timestamp())


class FakeYahoo(FakeServer):
    """Fake Yahoo Finance on loopback; `as_of` (a date, or None for all data) can be moved."""

    def __init__(self, data_dir: Path | str = SNAPSHOT, as_of: date | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data_dir = Path(data_dir)
        self.as_of = as_of

    # -- routing --------------------------------------------------------------------------------
    def route(self, method, path, query, headers):
        if path.startswith(CHART_PREFIX):
            return "chart", path[len(CHART_PREFIX) :].upper()
        if path.startswith(TIMESERIES_PREFIX):
            return "timeseries", path[len(TIMESERIES_PREFIX) :].upper()
        if path.startswith("/calendar/earnings"):
            return "earnings", (query.get("symbol") or "").upper() or None
        if path.endswith("/getcrumb"):
            return "crumb", None
        if "consent" in path.lower():
            return "consent", None
        if path in ("", "/"):
            return "cookie", None
        return "other", None

    def respond(self, request: Request, fault: str | None) -> Response:
        if request.kind == "chart":
            return self._chart(request.key, request.query, fault)
        if request.kind == "timeseries":
            return self._timeseries(request.key, request.query, fault)
        if request.kind == "earnings":
            return self._earnings(request.key, request.query, fault)
        if request.kind == "crumb":
            return Response(200, b"fakecrumb", "text/plain")
        if request.kind in ("cookie", "consent"):
            return Response(200, b"<html><body></body></html>", "text/html")
        return _not_found(request.path)

    def malformed(self, request: Request) -> Response:
        if request.kind == "earnings":
            return Response(200, b"<html><body><table><tr><td>broken", "text/html")
        return super().malformed(request)

    # -- data -----------------------------------------------------------------------------------
    @functools.cache
    def _prices(self, symbol: str) -> pd.DataFrame | None:
        path = self.data_dir / "prices" / f"{symbol}.csv"
        if not path.exists():
            return None
        frame = pd.read_csv(path)
        stamps = pd.to_datetime(frame["Date"])
        frame["date"] = stamps.dt.date
        opens = (stamps + pd.Timedelta(hours=9, minutes=30)).dt.tz_localize(NEW_YORK)
        frame["ts"] = (opens - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
        return frame

    @functools.cache
    def _dividend_factor(self, symbol: str, ex_date: date) -> float:
        """Yahoo's adjustment for one dividend, read off the file: the step of Adj Close / Close."""
        prices = self._prices(symbol)
        ratio = prices["Adj Close"] / prices["Close"]
        before = ratio[prices["date"] < ex_date]
        after = ratio[prices["date"] >= ex_date]
        if before.empty or after.empty:
            return 1.0
        return float(before.iloc[-1] / after.iloc[0])

    @functools.cache
    def _actions(self) -> pd.DataFrame:
        frame = pd.read_csv(self.data_dir / "corporate_actions.csv")
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
        return frame

    @functools.cache
    def _facts(self) -> pd.DataFrame:
        """Quarterly facts per ticker: the snapshot CSV, then SEC companyfacts where it has none."""
        from ingest.normalise.sec import companyfacts_to_frame
        from warehouse.settings import DEFAULT_UNIVERSE, load_universe

        csv = pd.read_csv(self.data_dir / "financial_facts.csv")
        csv["period_end"] = pd.to_datetime(csv["period_end"]).dt.date
        frames = [csv[["ticker", "metric", "period_end", "value_usd"]]]
        by_cik = {c.cik: c for c in load_universe(DEFAULT_UNIVERSE) if c.cik}
        for path in sorted((self.data_dir / "sec" / "companyfacts").glob("CIK*.json")):
            company = by_cik.get(int(path.stem[3:]))
            if company is None or company.fiscal_year_end_month is None:
                continue
            sec = companyfacts_to_frame(
                json.loads(path.read_text()), company.ticker, company.fiscal_year_end_month
            )
            frames.append(sec[["ticker", "metric", "period_end", "value_usd"]])
        facts = pd.concat(frames, ignore_index=True)
        return facts.drop_duplicates(["ticker", "metric", "period_end"], keep="first")

    @functools.cache
    def _earnings_rows(self) -> pd.DataFrame:
        frame = pd.read_csv(self.data_dir / "earnings_events.csv")
        frame = frame[frame["report_date"].notna()].copy()
        frame["report_date"] = pd.to_datetime(frame["report_date"]).dt.date
        return frame

    def _recorded(self, name: str) -> dict | None:
        path = self.data_dir / "yahoo" / name
        return json.loads(path.read_text()) if path.exists() else None

    # -- chart ----------------------------------------------------------------------------------
    def _chart(self, symbol: str, query: dict, fault: str | None) -> Response:
        prices = self._prices(symbol)
        if prices is None:
            recorded = self._recorded(f"history_chart_{symbol}.json")
            if recorded is None:
                return _chart_not_found(symbol)
            if fault:
                result = recorded["chart"]["result"][0]
                recorded = {"chart": {"result": [_faulted_chart(result, fault)], "error": None}}
            self.note_rows(
                "chart",
                symbol,
                len(recorded["chart"]["result"][0]["indicators"]["quote"][0].get("close", [])),
            )
            return _json(recorded)
        as_of = self.as_of or prices["date"].max()
        frame = prices[prices["date"] <= as_of].copy()
        actions = self._actions()
        actions = actions[actions["ticker"] == symbol]
        # Splits after as_of had not happened yet: undo them on the earlier rows.
        factor = pd.Series(1.0, index=frame.index)
        div_factor = {}
        later_splits = actions[(actions["action"] == "split") & (actions["date"] > as_of)]
        for split in later_splits.itertuples():
            factor[frame["date"] < split.date] *= split.value
            for d in actions[(actions["action"] == "dividend") & (actions["date"] < split.date)][
                "date"
            ]:
                div_factor[d] = div_factor.get(d, 1.0) * split.value
        for col in ("Open", "High", "Low", "Close", "Adj Close"):
            frame[col] = frame[col] * factor
        # Dividends after as_of had not happened yet either: undo their adjustment of Adj Close.
        later_dividends = actions[(actions["action"] == "dividend") & (actions["date"] > as_of)]
        for dividend in later_dividends.itertuples():
            earlier = frame["date"] < dividend.date
            frame.loc[earlier, "Adj Close"] /= self._dividend_factor(symbol, dividend.date)
        frame["Volume"] = (frame["Volume"] / factor).round().astype("int64")

        if "period1" in query:
            p1 = int(float(query["period1"]))
            p2 = int(float(query.get("period2") or 2**40))
            frame = frame[(frame["ts"] >= p1) & (frame["ts"] < p2)]
        else:
            rows = RANGE_ROWS.get(query.get("range", "1mo"))
            if rows is not None:
                frame = frame.tail(rows)
        events = actions[actions["date"] <= as_of]
        if not frame.empty:
            events = events[
                (events["date"] >= frame["date"].min()) & (events["date"] <= frame["date"].max())
            ]
        else:
            events = events.iloc[0:0]

        meta = self._meta(symbol, frame, query)
        result: dict = {"meta": meta}
        if fault != "empty" and not frame.empty:
            result["timestamp"] = frame["ts"].tolist()
            dividends = {
                str(_open_ts(e.date)): {
                    "amount": e.value * div_factor.get(e.date, 1.0),
                    "date": _open_ts(e.date),
                }
                for e in events.itertuples()
                if e.action == "dividend"
            }
            splits = {
                str(_open_ts(e.date)): {
                    "date": _open_ts(e.date),
                    "numerator": e.value,
                    "denominator": 1.0,
                    "splitRatio": f"{e.value:g}:1",
                }
                for e in events.itertuples()
                if e.action == "split"
            }
            if dividends or splits:
                result["events"] = {
                    k: v for k, v in (("dividends", dividends), ("splits", splits)) if v
                }
            result["indicators"] = {
                "quote": [
                    {
                        "open": frame["Open"].tolist(),
                        "high": frame["High"].tolist(),
                        "low": frame["Low"].tolist(),
                        "close": frame["Close"].tolist(),
                        "volume": frame["Volume"].tolist(),
                    }
                ],
                "adjclose": [{"adjclose": frame["Adj Close"].tolist()}],
            }
            self.note_rows("chart", symbol, len(frame))
            if fault == "garbage":  # closes of -1 and 1e308, volume -5, adj_close NaN
                quote = result["indicators"]["quote"][0]
                quote["close"] = [-1.0 if n % 2 else 1e308 for n in range(len(frame))]
                quote["volume"] = [-5] * len(frame)
                result["indicators"]["adjclose"][0]["adjclose"] = [None] * len(frame)
        else:
            result["indicators"] = {"quote": [{}], "adjclose": [{}]}
        if fault == "missing_field":
            result.pop("timestamp", None)
        return _json({"chart": {"result": [result], "error": None}})

    @functools.cache
    def _meta_template(self) -> dict:
        recorded = self._recorded("history_chart_MSFT.json")
        return recorded["chart"]["result"][0]["meta"]

    def _meta(self, symbol: str, frame: pd.DataFrame, query: dict) -> dict:
        meta = dict(self._meta_template())
        meta.update(
            symbol=symbol,
            instrumentType="ETF" if symbol in ETFS else "EQUITY",
            longName=symbol,
            shortName=symbol,
            range=query.get("range", ""),
            dataGranularity=query.get("interval", "1d"),
        )
        if not frame.empty:
            meta.update(
                regularMarketTime=int(frame["ts"].iloc[-1]) + 23400,
                regularMarketPrice=float(frame["Close"].iloc[-1]),
                chartPreviousClose=float(frame["Close"].iloc[0]),
                firstTradeDate=int(frame["ts"].iloc[0]),
            )
        return meta

    # -- fundamentals timeseries ----------------------------------------------------------------
    def _timeseries(self, symbol: str, query: dict, fault: str | None) -> Response:
        if fault == "empty":
            return _json({"timeseries": {"result": [], "error": None}})
        types = [t for t in (query.get("type") or "").split(",") if t]
        facts = self._facts()
        facts = facts[facts["ticker"] == symbol]
        if self.as_of is not None:
            facts = facts[facts["period_end"] <= self.as_of]
        recorded = None
        if facts.empty:
            recorded = self._recorded(f"timeseries_income_statement_quarterly_{symbol}.json")
        recorded_by_type = {}
        if recorded:
            for entry in recorded["timeseries"]["result"]:
                recorded_by_type[entry["meta"]["type"][0]] = entry
        metric_of = {f"quarterly{v}": k for k, v in YAHOO_KEYS.items()}
        result = []
        for name in types:
            entry: dict = {"meta": {"symbol": [symbol], "type": [name]}}
            if name in recorded_by_type:
                entry = json.loads(json.dumps(recorded_by_type[name]))
            elif name in metric_of:
                rows = facts[facts["metric"] == metric_of[name]].sort_values("period_end")
                rows = rows.tail(QUARTERS_SERVED)
                if not rows.empty:
                    sign = -1.0 if metric_of[name] == "capex" else 1.0
                    entry["timestamp"] = [
                        int(datetime.combine(d, dtime(), UTC).timestamp())
                        for d in rows["period_end"]
                    ]
                    entry[name] = [
                        {
                            "dataId": 0,
                            "asOfDate": d.isoformat(),
                            "periodType": "3M",
                            "currencyCode": "USD",
                            "reportedValue": {
                                "raw": sign * float(v),
                                "fmt": f"{sign * v / 1e9:.2f}B",
                            },
                        }
                        for d, v in zip(rows["period_end"], rows["value_usd"])
                    ]
            if fault == "missing_field":
                for item in entry.get(name, []):
                    item.pop("reportedValue", None)
            self.note_rows("timeseries", symbol, len(entry.get(name) or []))
            result.append(entry)
        return _json({"timeseries": {"result": result, "error": None}})

    # -- earnings dates -------------------------------------------------------------------------
    def _earnings(self, symbol: str | None, query: dict, fault: str | None) -> Response:
        rows = self._earnings_rows()
        rows = rows[rows["ticker"] == symbol].sort_values("report_date", ascending=False)
        rows = rows.head(int(query.get("size") or 25))
        if rows.empty or fault == "empty":
            return Response(200, b"<html><body><p>No results</p></body></html>", "text/html")
        columns = [
            "Symbol",
            "Company",
            "Earnings Date",
            "EPS Estimate",
            "Reported EPS",
            "Surprise (%)",
        ]
        if fault == "missing_field":
            columns.remove("Reported EPS")
        body = []
        for row in rows.itertuples():
            upcoming = self.as_of is not None and row.report_date > self.as_of
            when = datetime.combine(row.report_date, dtime(16), NEW_YORK)
            cells = {
                "Symbol": symbol,
                "Company": symbol,
                "Earnings Date": f"{when:%B} {when.day}, {when.year} at 4 PM {when:%Z}",
                "EPS Estimate": _cell(row.eps_estimate),
                "Reported EPS": "-" if upcoming else _cell(row.eps_actual),
                "Surprise (%)": "-" if upcoming else _cell(row.surprise_pct),
            }
            body.append(
                "<tr>" + "".join(f"<td>{html.escape(cells[c])}</td>" for c in columns) + "</tr>"
            )
        self.note_rows("earnings", symbol, len(body))
        head = "".join(f"<th>{c}</th>" for c in columns)
        page = (
            f"<html><body><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}"
            f"</tbody></table></body></html>"
        )
        return Response(200, page.encode(), "text/html")


def _cell(value) -> str:
    return "-" if pd.isna(value) else f"{value:g}"


def _faulted_chart(result: dict, fault: str) -> dict:
    result = json.loads(json.dumps(result))
    if fault == "empty":
        for key in ("timestamp", "events"):
            result.pop(key, None)
        result["indicators"] = {"quote": [{}], "adjclose": [{}]}
    elif fault == "missing_field":
        result.pop("timestamp", None)
    return result


def _json(doc: dict) -> Response:
    return Response(200, json.dumps(doc).encode())


def _chart_not_found(symbol: str) -> Response:
    doc = {
        "chart": {
            "result": None,
            "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"},
        }
    }
    return Response(404, json.dumps(doc).encode())


def _not_found(path: str) -> Response:
    return Response(404, json.dumps({"error": f"no such path {path}"}).encode())
