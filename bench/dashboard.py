"""Benchmark 3, the dashboard: callback server times, thesis page in chromium, peak RSS.

The warehouse: the real sample snapshot (../shared/data) imported as `bubblemeter refresh
--from` does, PLUS a SYNTHETIC universe from bench/bulk_load.py (tickers SYN0001.., a seeded
random walk, source `synthetic`, never market data) of 1,000 tickers x 20 years of weekdays
ending on the snapshot's newest price date: ~5.3M rows in prices_daily. The synthetic tickers
join `companies` with the five real roles in turn (named "SYNTHETIC SYN0001", ...), so every
role group of the markets page (relative_performance_since / _vs) averages ~200 synthetic
members besides the real ones and the group computations run over all ~5.3M rows. They have
no financial facts, so the pages built on filings show the real companies only.

The app is served in a subprocess (`bubblemeter serve`, Flask's threaded server, one process)
and measured over HTTP from this process; for (a)-(c) with `--no-warm` (the request path
alone: no pages rebuilt in the background after the touches of the cold cases), for (d) as
users run it:

  (a) each callback's time as the client sees it: POST /_dash-update-component on loopback
      (request parsing, the callback, JSON encoding of its figures included), sequentially,
      after one warm-up request per case; p50/p95 per case and per page. Cases: the page
      router (the layout of each page for its path, as the browser asks for it), each page's
      own callback with realistic inputs, CSV downloads, the SQL console running an example
      query, and GET /_dash-layout (the app shell with its banner). Target p95 < 150 ms.
  (b) the thesis page in headless Debian chromium (selenium, as dash[testing] drives it):
      from navigation start until both charts' .main-svg exist and no callback is pending,
      per page load. Target < 2 s.
  (c) the server's peak RSS (VmHWM of /proc/PID/status) after all of the above. Target
      < 400 MB.

  (d) a first visit and interactions in headless chromium, before and after in one run
      (`--before REF` also serves that commit from a temporary git worktree, with the same
      interpreter and warehouse): bytes on the wire for the thesis page (the Resource Timing
      API's transferSize of the page and every file, fresh browser and empty cache, then on a
      reload with the cache), time to interactive first and on reloads, and the interactions
      as a person does them (markets range, log scale, benchmark, a series added; a
      revenue-gap edit; a filter of GPU vendors, Big-tech capex and Enterprise adoption), each
      timed from the input event until the chart has redrawn (for a filter: every chart the
      answer redraws) and no callback is pending; then the markets range and the filters as
      the first request after a refresh, twice: once the servers have gone idle after the
      warehouse file was touched (each has built its pages again for the new file, as
      `bubblemeter serve` does within seconds of a refresh), and at once after the touch,
      before any server has noticed it (the servers left to go idle after). Targets 1.5 MB,
      1.5 s first, 0.5 s warm, 300 ms p95. All trees are served at once and their page
      loads take turns (first visits, then reload by reload, each tree in its own browser):
      load on this shared machine comes and goes by the minute, and taking turns spreads it
      over before and after alike.

Run: `make bench` or `.venv/bin/python bench/dashboard.py [--repeat 20] [--db FILE]
[--before 04abfc0] [--interactions 10] [--skip-callbacks]`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import requests  # noqa: E402

from bench.bulk_load import synthetic_prices  # noqa: E402
from ingest.datasets import Item  # noqa: E402
from ingest.refresh import import_snapshot  # noqa: E402
from ingest.runner import run_item  # noqa: E402
from warehouse import runlog  # noqa: E402
from warehouse.db import write_session  # noqa: E402
from warehouse.reader import query_df  # noqa: E402
from warehouse.settings import Settings  # noqa: E402

SNAPSHOT = Path(os.environ.get("BUBBLEMETER_SNAPSHOT", REPO.parent / "shared" / "data"))
ROLES = ("gpu_vendor", "hyperscaler", "enterprise_adopter", "supply_chain", "benchmark")
TARGET_P95_MS = 150
TARGET_INTERACTIVE_S = 2.0
TARGET_RSS_MB = 400
THESIS_GRAPHS = ("home-dc-mix-graph", "home-dc-vs-capex-graph")


# --------------------------------------------------------------------------------------------
# The 5M-row warehouse


def build_warehouse(db: Path, tickers: int, years: int, seed: int) -> None:
    """Import the real snapshot, then add the SYNTHETIC universe in one logged run."""
    settings = Settings.from_env(env={}, db=str(db))
    started = time.perf_counter()
    summary = import_snapshot(settings, SNAPSHOT, trigger="bench")
    real = query_df(settings, "select count(*) as n, max(date) as newest from prices_daily")
    newest = pd.Timestamp(real["newest"][0])
    print(
        f"real snapshot imported from {SNAPSHOT}: {int(real['n'][0]):,} price rows to "
        f"{newest:%Y-%m-%d} ({summary.status}) in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    prices = synthetic_prices(tickers, years, seed, end=newest)
    names = prices["ticker"].unique()
    companies = pd.DataFrame(
        {
            "ticker": names,
            "name": [f"SYNTHETIC {t}" for t in names],
            "role": [ROLES[i % len(ROLES)] for i in range(len(names))],
            "cik": pd.array([None] * len(names), dtype="Int32"),
            "fiscal_year_end_month": pd.array([None] * len(names), dtype="Int32"),
        }
    )
    with write_session(settings) as con:
        con.execute("set enable_progress_bar = false")
        run_id = runlog.start_run(con, "bench", "snapshot", "SYNTHETIC (bench/dashboard.py)")
        result, _ = run_item(
            con,
            run_id,
            Item("snapshot", "prices", "synthetic/prices_daily"),
            lambda: [("companies", companies), ("prices_daily", prices)],
        )
        runlog.finish_run(con, run_id)
    if result.status != "ok":
        raise SystemExit(f"synthetic load failed: {result.error}")
    total = query_df(settings, "select count(*) as n from prices_daily")["n"][0]
    print(
        f"SYNTHETIC universe added: {len(names):,} tickers x {years} years of weekdays = "
        f"{len(prices):,} rows (roles {', '.join(ROLES)} in turn) in "
        f"{time.perf_counter() - started:.1f} s; prices_daily now {total:,} rows, file "
        f"{db.stat().st_size / 1e6:,.0f} MB"
    )


# --------------------------------------------------------------------------------------------
# The served app


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`bubblemeter serve` in a subprocess on a free loopback port."""

    def __init__(self, db: Path, log: Path, cwd: Path = REPO, args: tuple[str, ...] = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
        self.log = open(log, "w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bubblemeter",
                "serve",
                "--db",
                str(db),
                "--port",
                str(self.port),
                *args,
            ],
            cwd=cwd,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}; see {log}")
            try:
                if requests.get(self.url + "/", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the server did not answer within 60 s; see {log}")

    def memory_mb(self) -> dict[str, float]:
        """VmHWM (peak) and VmRSS (now) of the server process, in MB."""
        out = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0]) / 1024
        return out

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# --------------------------------------------------------------------------------------------
# (a) callbacks over HTTP


@dataclass
class Case:
    page: str
    name: str
    payload: dict | None  # None: GET /_dash-layout
    samples_ms: list[float] = field(default_factory=list)  # warm: results cached
    cold_ms: list[float] = field(default_factory=list)  # first request after a change
    response_kb: float = 0.0  # of the last warm answer
    # the page's record of the warehouse file it was drawn from, read again before the warm
    # requests (a cold case before has touched the file) and sent as the callback's state
    drawn_from: Callable[[], str | None] | None = None


def _key(dep_id) -> str:
    return json.dumps(dep_id, sort_keys=True) if isinstance(dep_id, dict) else dep_id


def _parse_id(text: str):
    return json.loads(text) if text.startswith("{") else text


def _outputs(dep: dict, concrete: dict | None = None) -> list[dict]:
    """The outputs list of a request; `concrete` fills MATCH ids with the actual key."""
    out = []
    for part in dep["output"].strip(".").split("..."):
        ident, prop = part.rsplit(".", 1)
        ident = _parse_id(ident)
        if isinstance(ident, dict) and concrete:
            ident = {**ident, **concrete}
        out.append({"id": ident, "property": prop})
    return out


def callback_request(
    dep: dict, values: dict, changed: list[str], concrete: dict | None = None
) -> dict:
    """The JSON body the browser POSTs for one callback; `values` maps 'id.prop' to a value."""

    def filled(items):
        result = []
        for item in items:
            ident = item["id"]
            ident = _parse_id(ident) if isinstance(ident, str) else ident
            if isinstance(ident, dict) and concrete:
                ident = {**ident, **concrete}
            result.append(
                {
                    "id": ident,
                    "property": item["property"],
                    "value": values.get(f"{_key(item['id'])}.{item['property']}"),
                }
            )
        return result

    outputs = _outputs(dep, concrete)
    return {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": filled(dep["inputs"]),
        "changedPropIds": changed,
        "state": filled(dep.get("state", [])),
    }


def find_dep(deps: list[dict], output_contains: str) -> dict:
    """The callback whose output string names this id."""
    found = [d for d in deps if output_contains in d["output"] and not d.get("clientside_function")]
    if len(found) != 1:
        raise SystemExit(f"{len(found)} callbacks write {output_contains!r}")
    return found[0]


def find_store(tree, store_id: dict):
    """The data of the dcc.Store with this pattern id in a layout tree."""
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if tree.get("type") == "Store" and props.get("id") == store_id:
            return props.get("data")
        children = list(tree.values())
    elif isinstance(tree, list):
        children = tree
    else:
        return None
    for child in children:
        found = find_store(child, store_id)
        if found is not None:
            return found
    return None


PAGES = {
    "/": "Thesis",
    "/gpu-vendors": "GPU vendors",
    "/capex": "Big-tech capex",
    "/enterprise": "Enterprise adoption",
    "/revenue-gap": "AI revenue gap",
    "/markets": "Markets",
    "/status": "Data status",
    "/sql": "SQL console",
}


def build_cases(url: str) -> list[Case]:
    """Every page's callbacks with realistic inputs, as the browser would send them."""
    deps = requests.get(url + "/_dash-dependencies", timeout=30).json()
    # Dash pages' router (the phone menu's callback also listens to its location)
    router = next(d for d in deps if "_pages_content.children" in d["output"])

    def page(path: str, search: str = "") -> dict:
        return callback_request(
            router,
            {"_pages_location.pathname": path, "_pages_location.search": search},
            ["_pages_location.pathname"],
        )

    def drawn_from(path: str, store_id: str):
        """A reader of what the page at `path` records of its charts (its dcc.Store: the
        warehouse file they were drawn from, and each chart's drawing), sent back with each
        filter change as the browser does. A cold case touches the file first, so the page no
        longer matches it and every chart is rendered again, as for a page left open across a
        refresh (the rows are the same, so only the charts of the filter that fired are sent)."""
        return lambda: find_store(
            requests.post(url + "/_dash-update-component", json=page(path), timeout=60).json(),
            store_id,
        )

    cases = [Case("(app shell)", "GET /_dash-layout (banner)", None)]
    for path, name in PAGES.items():
        cases.append(Case(name, f"layout {path}", page(path)))
    cases.append(
        Case("Markets", "layout /markets?range=5y&log=1", page("/markets", "?range=5y&log=1"))
    )

    markets = find_dep(deps, "mkt-performance-graph")
    series = ["NVDA", "gpu_vendor", "hyperscaler", "enterprise_adopter", "SPY", "QQQ", "SMH"]
    for label, rng, vs, log, chosen in (
        ("range 1y, default series", "1y", "none", [], series),
        ("range 5y, log", "5y", "none", ["log"], series),
        ("range 3y vs SPY", "3y", "SPY", [], series),
        ("range 3m, all five groups", "3m", "none", [], list(ROLES)),
    ):
        cases.append(
            Case(
                "Markets",
                f"update: {label}",
                callback_request(
                    markets,
                    {
                        "mkt-range.value": rng,
                        "mkt-series.value": chosen,
                        "mkt-vs.value": vs,
                        "mkt-log.value": log,
                    },
                    ["mkt-range.value"],
                ),
            )
        )

    gpu = find_dep(deps, "gpu-revenue-graph")
    for label, tickers, presentation in (
        ("NVDA, AMD; fy27", ["NVDA", "AMD"], "fy27"),
        ("all vendors", ["NVDA", "AMD", "INTC", "AVGO"], "market_platform"),
    ):
        cases.append(
            Case(
                "GPU vendors",
                f"update: {label}",
                callback_request(
                    gpu,
                    {"gpu-tickers.value": tickers, "gpu-presentation.value": presentation},
                    ["gpu-tickers.value"],
                ),
                drawn_from=drawn_from("/gpu-vendors", "gpu-drawn-from"),
            )
        )

    capex = find_dep(deps, "capex-by-company-graph")
    cases.append(
        Case(
            "Big-tech capex",
            "update: MSFT, GOOGL, AMZN",
            callback_request(
                capex, {"capex-tickers.value": ["MSFT", "GOOGL", "AMZN"]}, ["capex-tickers.value"]
            ),
            drawn_from=drawn_from("/capex", "capex-drawn-from"),
        )
    )

    ent = find_dep(deps, "ent-mix-graph")
    # a change redraws only the charts that read the filter that fired (chart.redrawn): the
    # vintage one chart of six, the BTOS question four (the other filters set as they were)
    for label, fired in (
        ("vintage -> original", "ent-vintage.value"),
        ("BTOS question -> expected use", "ent-btos-indicator.value"),
    ):
        cases.append(
            Case(
                "Enterprise adoption",
                f"update: {label}",
                callback_request(
                    ent,
                    {
                        "ent-vintage.value": "original",
                        "ent-tickers.value": ["NOW", "CRM", "SNOW"],
                        "ent-btos-indicator.value": "btos_ai_use_expected_rate",
                        "ent-xx.value": ["xx"],
                    },
                    [fired],
                ),
                drawn_from=drawn_from("/enterprise", "ent-drawn-from"),
            )
        )

    gap = find_dep(deps, "revenue-gap-graph")
    for label, values in (
        (
            "cost 2.5, margin 2",
            {"gap-cost-multiplier.value": 2.5, "gap-margin-multiplier.value": 2},
        ),
        (
            "earned $100B",
            {
                "gap-cost-multiplier.value": 2,
                "gap-margin-multiplier.value": 2,
                "gap-earned.value": 100,
            },
        ),
    ):
        cases.append(
            Case(
                "AI revenue gap",
                f"update: {label}",
                callback_request(
                    gap, {"gap-quarter.value": None, **values}, ["gap-cost-multiplier.value"]
                ),
            )
        )

    status = find_dep(deps, "status-runs-table")
    cases.append(
        Case(
            "Data status",
            "update: only runs with failures",
            callback_request(
                status, {"status-failed-only.value": ["failed"]}, ["status-failed-only.value"]
            ),
        )
    )

    sql_run = find_dep(deps, "sql-grid.rowData")
    example = (REPO / "warehouse" / "examples" / "hyperscaler_capex_growth.sql").read_text()
    cases.append(
        Case(
            "SQL console",
            "run: example hyperscaler_capex_growth.sql",
            callback_request(
                sql_run,
                {"sql-run.n_clicks": 1, "sql-editor.value": example, "sql-autorun.data": False},
                ["sql-run.n_clicks"],
            ),
        )
    )
    cases.append(
        Case(
            "SQL console",
            "run: count(*) over prices_daily by source",
            callback_request(
                sql_run,
                {
                    "sql-run.n_clicks": 1,
                    "sql-autorun.data": False,
                    "sql-editor.value": "select source, count(*) as rows, max(date) "
                    "from prices_daily group by source",
                },
                ["sql-run.n_clicks"],
            ),
        )
    )

    load_example = find_dep(deps, "sql-editor.value")
    names = sorted(p.stem for p in (REPO / "warehouse" / "examples").glob("*.sql"))
    clicked = "hyperscaler_capex_growth"
    buttons = [
        {
            "id": {"name": n, "type": "sql-example"},
            "property": "n_clicks",
            "value": int(n == clicked),
        }
        for n in names
    ]
    cases.append(
        Case(
            "SQL console",
            f"click example {clicked}",
            {
                "output": load_example["output"],
                "outputs": _outputs(load_example)[0],
                "inputs": [buttons],
                "state": [],
                "changedPropIds": [
                    json.dumps({"name": clicked, "type": "sql-example"}, separators=(",", ":"))
                    + ".n_clicks"
                ],
            },
        )
    )

    download = find_dep(deps, "csv-download")
    for path, key in (("/markets", "mkt-performance"), ("/", "home-dc-vs-capex")):
        content = requests.post(
            url + "/_dash-update-component", json=page(path), timeout=60
        ).json()["response"]
        store = find_store(content, {"type": "csv-store", "chart": key})
        cases.append(
            Case(
                PAGES[path],
                f"download CSV {key}",
                callback_request(
                    download,
                    {
                        '{"chart":["MATCH"],"type":"csv-button"}.n_clicks': 1,
                        '{"chart":["MATCH"],"type":"csv-store"}.data': store,
                    },
                    [
                        json.dumps({"chart": key, "type": "csv-button"}, separators=(",", ":"))
                        + ".n_clicks"
                    ],
                    concrete={"chart": key},
                ),
            )
        )
    return cases


def time_case(session: requests.Session, url: str, db: Path, case: Case, repeat: int) -> None:
    """One warm-up request, `repeat` timed ones, then `repeat` with the warehouse file touched
    before each: a new mtime is a new file identity, so the server's cached results for the
    old one no longer apply, as after a refresh (the file stays in the OS page cache)."""

    def one(warm: bool = True) -> float:
        started = time.perf_counter()
        if case.payload is None:
            reply = session.get(url + "/_dash-layout", timeout=60)
        else:
            reply = session.post(url + "/_dash-update-component", json=case.payload, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        if reply.status_code not in (200, 204):
            raise SystemExit(f"{case.name}: HTTP {reply.status_code}: {reply.text[:300]}")
        if warm:
            case.response_kb = len(reply.content) / 1024
        return elapsed

    if case.drawn_from is not None:
        recorded = case.drawn_from()
        for item in case.payload["state"]:
            if str(item["id"]).endswith("-drawn-from"):
                item["value"] = recorded
    one()
    case.samples_ms += [one() for _ in range(repeat)]
    for _ in range(repeat):
        os.utime(db)
        case.cold_ms.append(one(warm=False))


def pct(samples: list[float], q: float) -> float:
    """The q-th percentile (nearest rank: the smallest sample with at least q% of them at or
    below it, numpy's "inverted_cdf"); the p95 of 20 samples is the 19th, of 10 the 10th."""
    return float(np.percentile(samples, q, method="inverted_cdf"))


def report_callbacks(cases: list[Case]) -> None:
    n = len(cases[0].samples_ms)
    print(
        f"\n(a) callback time over HTTP (client-side round trip on loopback), per case after "
        f"one warm-up: {n} requests warm (the server's results cached) and {n} cold (the "
        f"warehouse file touched before each, as after a refresh); ms:"
    )
    print(
        f"{'page':<20} {'callback':<44} {'warm p50':>8} {'p95':>5} {'cold p50':>8} "
        f"{'p95':>5} {'max':>5} {'KB':>5}"
    )
    for case in cases:
        w, c = case.samples_ms, case.cold_ms
        print(
            f"{case.page:<20} {case.name[:44]:<44} {statistics.median(w):8.0f} "
            f"{pct(w, 95):5.0f} {statistics.median(c):8.0f} {pct(c, 95):5.0f} "
            f"{max(w + c):5.0f} {case.response_kb:5.0f}"
        )
    print(f"\nper page (every request of its cases; target p95 < {TARGET_P95_MS} ms):")
    pages: dict[str, list[Case]] = {}
    for case in cases:
        pages.setdefault(case.page, []).append(case)
    for page, group in pages.items():
        parts = []
        for label, samples in (
            ("warm", [s for c in group for s in c.samples_ms]),
            ("cold", [s for c in group for s in c.cold_ms]),
        ):
            p95 = pct(samples, 95)
            parts.append(
                f"{label} p50 {statistics.median(samples):4.0f} p95 {p95:4.0f} "
                f"{'met' if p95 < TARGET_P95_MS else 'MISSED':<6}"
            )
        print(f"  {page:<20} " + "   ".join(parts))
    for label, attr in (("warm", "samples_ms"), ("cold", "cold_ms")):
        every = [s for c in cases for s in getattr(c, attr)]
        worst = max(cases, key=lambda c: pct(getattr(c, attr), 95))
        print(
            f"  all callbacks, {label}: p50 {statistics.median(every):.0f} ms, p95 "
            f"{pct(every, 95):.0f} ms; slowest case p95 {pct(getattr(worst, attr), 95):.0f} "
            f"ms ({worst.page}: {worst.name})"
        )


# --------------------------------------------------------------------------------------------
# (b) the thesis page in headless chromium

# True while the Dash renderer has a callback pending (or has not started): every script
# below that waits for a page or a redraw to settle uses it.
PENDING_JS = """
function pending() {
    if (!window.store) { return true; }
    const state = window.store.getState();
    if (state.pendingCallbacks) { return state.pendingCallbacks.length > 0; }
    const cbs = Object.assign({}, state.callbacks);
    delete cbs.stored; delete cbs.completed;
    return [].concat.apply([], Object.values(cbs)).length > 0;
}
"""

READY_JS = (
    PENDING_JS
    + """
const done = arguments[arguments.length - 1];
const graphs = arguments[0];
function ready() {
    return graphs.every(id => document.querySelector('#' + id + ' .main-svg')) && !pending();
}
function check() {
    if (ready()) {
        const nav = performance.getEntriesByType('navigation')[0];
        const resources = performance.getEntriesByType('resource');
        const ends = part => Math.max(0, ...resources.filter(e => e.name.includes(part))
                                                     .map(e => e.responseEnd));
        const cbs = resources.filter(e => e.name.includes('_dash-update-component'));
        done({interactive: performance.now(),
              dom_content_loaded: nav ? nav.domContentLoadedEventEnd : null,
              load: nav ? nav.loadEventEnd : null,
              layout_end: ends('_dash-layout'),
              plotly_end: ends('plotly'),
              callbacks: cbs.length,
              last_callback_end: ends('_dash-update-component'),
              callback_server_ms: Math.max(0, ...cbs.map(e => e.responseStart - e.requestStart))});
    } else {
        setTimeout(check, 5);
    }
}
check();
"""
)


def chromium_driver():
    """Headless Debian chromium through selenium, as dash[testing] drives it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        return None
    options = Options()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,800",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(chromedriver), options=options)


def time_thesis_page(url: str, loads: int) -> list[dict]:
    """Load the thesis page `loads` times; per load, the milestones since navigation start."""
    driver = chromium_driver()
    if driver is None:
        print("\n(b) skipped: Debian chromium and chromedriver are needed")
        return []
    results = []
    try:
        print(f"\nchromium {driver.capabilities.get('browserVersion', '?')}, headless")
        driver.set_script_timeout(30)
        for _ in range(loads):
            driver.get("about:blank")
            driver.get(url + "/")
            results.append(driver.execute_async_script(READY_JS, list(THESIS_GRAPHS)))
    finally:
        driver.quit()
    return results


def report_thesis(loads: list[dict]) -> None:
    if not loads:
        return
    print(
        f"\n(b) thesis page in headless chromium, {len(loads)} loads (first one cold), "
        f"ms since navigation start:"
    )
    print(
        f"{'load':>5} {'DOMContentLoaded':>17} {'load':>6} {'/_dash-layout':>14} "
        f"{'page callback':>14} {'(server)':>9} {'plotly.js':>10} {'interactive':>12}"
    )
    for i, r in enumerate(loads, 1):
        print(
            f"{i:>5} {r['dom_content_loaded']:17.0f} {r['load']:6.0f} {r['layout_end']:14.0f} "
            f"{r['last_callback_end']:14.0f} {r['callback_server_ms']:9.0f} "
            f"{r['plotly_end']:10.0f} {r['interactive']:12.0f}"
        )
    times = [r["interactive"] / 1000 for r in loads]
    warm = times[1:] or times
    print(
        f"  interactive: cold {times[0]:.2f} s, warm median {statistics.median(warm):.3f} s, "
        f"worst {max(times):.2f} s (target < {TARGET_INTERACTIVE_S:g} s: "
        f"{'met' if max(times) < TARGET_INTERACTIVE_S else 'MISSED'})"
    )


# --------------------------------------------------------------------------------------------
# (d) a first visit and the interactions, in chromium: before and after

BYTES_JS = """
const entries = performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'));
return entries.map(e => [e.name, e.transferSize, e.decodedBodySize]);
"""

# Times one interaction: from the user's last input event (a click, a key released) until the
# graph has redrawn (plotly_afterplot) and no callback is pending. With no graph named, every
# graph of the page is watched and the time is that of the last one to redraw, once none has
# for QUIET_MS: a filter redraws the charts that read it, a page drawn before a refresh all of
# them.
QUIET_MS = 150
ARM_JS = (
    PENDING_JS
    + """
const graphs = arguments[0] === null
    ? Array.from(document.querySelectorAll('.js-plotly-plot'))
    : [document.querySelector('#' + arguments[0] + ' .js-plotly-plot')];
window.__lat = {t0: null, t1: null, saw: false};
const mark = () => { window.__lat.t0 = performance.now(); window.__lat.t1 = null;
                     window.__lat.saw = false; };
if (!window.__latArmed) {
    document.addEventListener('click', mark, true);
    document.addEventListener('keyup', mark, true);
    // a redraw counts once a callback (server or clientside) has run since the input
    window.store.subscribe(() => { if (window.__lat.t0 !== null && pending()) {
        window.__lat.saw = true; } });
    window.__latArmed = true;
}
graphs.forEach(graph => {
    if (graph && !graph.__latHooked) {
        graph.on('plotly_afterplot', () => { if (window.__lat.saw) {
            window.__lat.t1 = performance.now(); } });
        graph.__latHooked = true;
    }
});
"""
)
WAIT_JS = (
    PENDING_JS
    + """
const done = arguments[arguments.length - 1];
const quiet = arguments[0];
const started = performance.now();
function check() {
    const lat = window.__lat;
    if (lat.t1 !== null && !pending() && performance.now() - lat.t1 >= quiet) {
        done(lat.t1 - lat.t0);
    }
    else if (performance.now() - started > 30000) { done(null); }
    else { setTimeout(check, 5); }
}
setTimeout(check, 20);
"""
)


@dataclass
class Visit:
    label: str
    cold_s: float = 0.0
    warm_s: list[float] = field(default_factory=list)
    bytes_cold: int = 0
    bytes_warm: int = 0
    decoded_cold: int = 0
    largest: list[tuple[str, int]] = field(default_factory=list)
    interactions: dict[str, list[float]] = field(default_factory=dict)


def _transferred(driver) -> tuple[int, int, list[tuple[str, int]]]:
    entries = driver.execute_script(BYTES_JS)
    wire = sum(e[1] for e in entries)
    decoded = sum(e[2] for e in entries)
    largest = sorted(
        ((e[0].split("?")[0].rsplit("/", 1)[-1], e[1]) for e in entries), key=lambda e: -e[1]
    )[:5]
    return wire, decoded, largest


def visits_in_turns(targets: list[tuple[str, Visit]], loads: int) -> None:
    """Per (url, visit): a fresh browser (empty cache) opens the thesis page, then reloads it
    `loads - 1` times. The trees take turns, load by load, each in its own browser, so a
    slowdown of this shared machine falls on all of them alike, not on whichever ran then."""
    drivers = []
    try:
        for _ in targets:
            drivers.append(chromium_driver())
            drivers[-1].set_script_timeout(60)
        for (url, visit), driver in zip(targets, drivers):
            driver.get(url + "/")
            ready = driver.execute_async_script(READY_JS, list(THESIS_GRAPHS))
            visit.cold_s = ready["interactive"] / 1000
            visit.bytes_cold, visit.decoded_cold, visit.largest = _transferred(driver)
        for _ in range(max(loads - 1, 0)):
            for (url, visit), driver in zip(targets, drivers):
                driver.get("about:blank")
                driver.get(url + "/")
                ready = driver.execute_async_script(READY_JS, list(THESIS_GRAPHS))
                visit.warm_s.append(ready["interactive"] / 1000)
                visit.bytes_warm = _transferred(driver)[0]
    finally:
        for driver in drivers:
            driver.quit()


def _interact(driver, graph: str | None, action) -> float | None:
    driver.execute_script(ARM_JS, graph)
    action()
    return driver.execute_async_script(WAIT_JS, 0 if graph else QUIET_MS)


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pids: list[int], since: float, settle_s: float = 1.5) -> None:
    """Until every server has used under 20 ms of CPU in each of two 0.25 s looks, and at
    least `settle_s` after `since`: a server that watches its file warms its pages again once
    it has seen the file touched (dashboard/warm.py, from 0.5 to 1 s after), and the next
    interaction should not share the CPU with that."""
    time.sleep(max(0.0, since + settle_s - time.monotonic()))
    deadline = time.monotonic() + 120
    calm = 0
    last = sum(_cpu_s(p) for p in pids)
    while calm < 2 and time.monotonic() < deadline:
        time.sleep(0.25)
        now = sum(_cpu_s(p) for p in pids)
        calm = calm + 1 if now - last < 0.02 else 0
        last = now


# filter changes as a person makes them: a click on a choice, undone by the next; per
# interaction its page and a graph to wait for as the page loads (every graph is watched)
FILTERS = {
    "GPU vendors: a vendor": (
        "/gpu-vendors",
        "gpu-revenue-graph",
        ["#gpu-tickers input[value='AMD']"],
    ),
    "Big-tech capex: a company": (
        "/capex",
        "capex-by-company-graph",
        ["#capex-tickers input[value='GOOGL']"],
    ),
    "Enterprise: vintage": (
        "/enterprise",
        "ent-mix-graph",
        ["#ent-vintage input[value='original']", "#ent-vintage input[value='both']"],
    ),
    "Enterprise: BTOS question": (
        "/enterprise",
        "ent-mix-graph",
        [
            "#ent-btos-indicator input[value='btos_ai_use_expected_rate']",
            "#ent-btos-indicator input[value='btos_ai_use_rate']",
        ],
    ),
}


def interactions(
    url: str, visit: Visit, repeat: int, db: Path | None = None, pids: tuple[int, ...] = ()
) -> None:
    """Markets (range, log scale, benchmark, a series added), revenue-gap edits and the
    filters of GPU vendors, Big-tech capex and Enterprise adoption, each `repeat` times, as a
    person does them in the page. With `db`, the markets range and the filters again, each
    the first request after a refresh: the file touched (a new identity, so the server's kept
    results and pages no longer apply, and a page drawn before draws its charts again), then
    either `pids` (every server of the run) left to go idle before the click, as a server
    that has built its pages again for the new file ("warmed"), or the click at once and the
    servers left to go idle after ("at once")."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = chromium_driver()
    find = driver.find_element
    try:
        driver.set_script_timeout(60)
        driver.get(url + "/markets")
        driver.execute_async_script(READY_JS, ["mkt-performance-graph"])
        graph = "mkt-performance-graph"

        def click(css):
            return lambda: find(By.CSS_SELECTOR, css).click()

        def add_series():
            find(By.CSS_SELECTOR, "#mkt-series").click()
            # the list holds every ticker (a thousand synthetic ones here): search, as a person
            driver.switch_to.active_element.send_keys("AMD")
            time.sleep(0.3)
            options = driver.find_elements(By.CSS_SELECTOR, "[role='option'].dash-dropdown-option")
            pick = next(
                o
                for o in options
                if o.text.startswith(("AMD", "TSM")) and o.get_attribute("aria-selected") != "true"
            )
            pick.click()

        steps_range = ["#mkt-range input[value='5y']", "#mkt-range input[value='1y']"]
        steps = {
            "markets: range": [click(css) for css in steps_range],
            "markets: log scale": [click("#mkt-log input[value='log']")],
            "markets: benchmark": [
                click("#mkt-vs input[value='SPY']"),
                click("#mkt-vs input[value='none']"),
            ],
        }
        for name, actions in steps.items():
            for i in range(repeat):
                visit.interactions.setdefault(name, []).append(
                    _interact(driver, graph, actions[i % len(actions)])
                )
        for _ in range(repeat):
            driver.get(url + "/markets")
            driver.execute_async_script(READY_JS, [graph])
            try:
                took = _interact(driver, graph, add_series)
            except Exception as exc:  # the dropdown's markup differs: say so, do not guess
                print(f"add a series: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
                took = None
            finally:
                find(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
            visit.interactions.setdefault("markets: add a series", []).append(took)

        driver.get(url + "/revenue-gap")
        driver.execute_async_script(READY_JS, ["revenue-gap-graph"])
        for i in range(repeat):

            def edit(value=str(3 + (i % 3))):  # never the default 2: a change
                box = find(By.CSS_SELECTOR, "#gap-cost-multiplier")
                box.send_keys(Keys.CONTROL, "a")
                box.send_keys(value)

            visit.interactions.setdefault("revenue gap: cost edit", []).append(
                _interact(driver, "revenue-gap-graph", edit)
            )

        said: set[str] = set()

        def timed(name: str, path: str, ready: str, clicks: list[str], cold: str = ""):
            """`repeat` clicks on `path`, each timed until every graph has redrawn; `cold`
            "warmed" or "at once" touches the file before each (see above)."""
            driver.get(url + path)
            driver.execute_async_script(READY_JS, [ready])
            time.sleep(0.5)  # past each chart's own first resize (dcc.Graph's responsive)
            for i in range(repeat):
                touched = time.monotonic()
                if cold:
                    os.utime(db)
                if cold == "warmed" and pids:
                    wait_idle(list(pids), touched)
                try:
                    took = _interact(driver, None, click(clicks[i % len(clicks)]))
                except Exception as exc:  # a tree whose page has no such choice: n/a
                    if name not in said:  # once per interaction, not once per click
                        said.add(name)
                        print(f"{name}: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
                    took = None
                visit.interactions.setdefault(name, []).append(took)
                if cold == "at once" and pids:
                    wait_idle(list(pids), touched)

        for name, (path, ready, clicks) in FILTERS.items():
            timed(name, path, ready, clicks)
        if db is not None:
            for cold, label in (("warmed", "refreshed, warmed"), ("at once", "refreshed, at once")):
                timed(f"{label}: markets range", "/markets", graph, steps_range, cold)
                for name, (path, ready, clicks) in FILTERS.items():
                    timed(f"{label}: {name}", path, ready, clicks, cold)
    finally:
        driver.quit()


def report_visits(visits: list[Visit]) -> None:
    print("\n(d) headless chromium, the thesis page: a first visit (fresh browser, empty cache)")
    print("and reloads with the cache; then interactions, from the input event to the redrawn")
    print("chart with no callback pending (ms); target 1.5 MB, 1.5 s first, 0.5 s warm, 300 ms")
    print(f"{'':<48}" + "".join(f"{v.label:>22}" for v in visits))
    rows = [
        ("bytes on the wire, first", [f"{v.bytes_cold / 1e6:.2f} MB" for v in visits]),
        ("  (uncompressed)", [f"{v.decoded_cold / 1e6:.2f} MB" for v in visits]),
        ("bytes on the wire, reload", [f"{v.bytes_warm / 1e3:.0f} KB" for v in visits]),
        ("interactive, first", [f"{v.cold_s:.3f} s" for v in visits]),
        (
            f"interactive, reload (med {max(len(v.warm_s) for v in visits)})",
            [f"{statistics.median(v.warm_s):.3f} s" if v.warm_s else "-" for v in visits],
        ),
    ]
    names = list(dict.fromkeys(n for v in visits for n in v.interactions))
    for name in names:
        cells = []
        for v in visits:
            got = [t for t in v.interactions.get(name, []) if t is not None]
            missing = len(v.interactions.get(name, [])) - len(got)
            cells.append(
                (f"p50 {statistics.median(got):.0f} p95 {pct(got, 95):.0f}" if got else "n/a")
                + (f" ({missing} n/a)" if missing else "")
            )
        rows.append((name, cells))
    for label, cells in rows:
        print(f"{label:<48}" + "".join(f"{c:>22}" for c in cells))
    for v in visits:
        print(
            f"  largest transfers, {v.label}: "
            + ", ".join(f"{n} {b / 1e3:.0f} KB" for n, b in v.largest)
        )


def checkout(ref: str, where: Path) -> Path:
    """A detached worktree of `ref` (the 'before'), removed again by remove_checkout."""
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(where), ref],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return where


def remove_checkout(where: Path) -> None:
    subprocess.run(
        ["git", "worktree", "remove", "--force", str(where)],
        cwd=REPO,
        check=False,
        capture_output=True,
    )


def compare_in_browser(db: Path, tmp: Path, before: str | None, loads: int, repeat: int) -> None:
    """(d) for this tree and, with `before`, for that commit served from a worktree."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser")) or not shutil.which(
        "chromedriver"
    ):
        print("\n(d) skipped: Debian chromium and chromedriver are needed")
        return
    trees = [("after (this tree)", REPO)]
    if before:
        trees.insert(0, (f"before ({before})", checkout(before, tmp / "before")))
    servers = []
    try:
        # every tree is served at once (each has built its pages before it answers), so that
        # their page loads can take turns
        for _, tree in trees:
            servers.append(Server(db, tmp / f"serve-{len(servers)}.log", cwd=tree))
        visits = [Visit(label) for label, _ in trees]
        visits_in_turns([(server.url, visit) for server, visit in zip(servers, visits)], loads)
        pids = tuple(server.proc.pid for server in servers)
        for server, visit in zip(servers, visits):
            interactions(server.url, visit, repeat, db, pids)
    finally:
        for server in servers:
            server.stop()
        if before:
            remove_checkout(tmp / "before")
    report_visits(visits)


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickers", type=int, default=1000, help="synthetic tickers (1000)")
    parser.add_argument("--years", type=int, default=20, help="years of synthetic prices (20)")
    parser.add_argument("--seed", type=int, default=20240607)
    parser.add_argument(
        "--repeat",
        type=int,
        default=20,
        help="timed requests per callback case (20), after one warm-up",
    )
    parser.add_argument(
        "--loads",
        type=int,
        default=5,
        help="thesis page loads in chromium (5; 0 skips the browser)",
    )
    parser.add_argument(
        "--before",
        metavar="REF",
        help="also serve this commit (from a temporary git worktree) for (d): before/after",
    )
    parser.add_argument(
        "--interactions",
        type=int,
        default=10,
        help="times each browser interaction is timed in (d) (10; 0 skips (d))",
    )
    parser.add_argument("--skip-callbacks", action="store_true", help="skip (a)-(c), run (d) only")
    parser.add_argument(
        "--db",
        metavar="FILE",
        help="use (or build once and keep) this warehouse file instead of a temporary one",
    )
    args = parser.parse_args(argv)

    print("=" * 78)
    print("Dashboard benchmark on the real snapshot + a SYNTHETIC universe (tickers SYN0001..,")
    print("seeded random walk; not market data)")
    print("=" * 78)
    tmp = Path(tempfile.mkdtemp(prefix="bubblemeter-bench-dash-"))
    try:
        db = Path(args.db) if args.db else tmp / "warehouse.duckdb"
        if db.exists():
            rows = query_df(
                Settings.from_env(env={}, db=str(db)), "select count(*) as n from prices_daily"
            )["n"][0]
            print(f"using the existing warehouse {db} ({rows:,} price rows)")
        else:
            build_warehouse(db, args.tickers, args.years, args.seed)
        import dash
        import duckdb
        import plotly

        print(
            f"duckdb {duckdb.__version__}, dash {dash.__version__}, plotly {plotly.__version__}"
            f", pandas {pd.__version__}, python {sys.version.split()[0]}; {os.cpu_count()} "
            f"CPUs, load average {os.getloadavg()[0]:.1f}"
        )

        if args.interactions:
            compare_in_browser(db, tmp, args.before, max(args.loads, 2), args.interactions)
        if args.skip_callbacks:
            return 0
        # the request path alone: without the pages built in the background after each touch
        # of the file (which a cold case makes before every request)
        server = Server(db, tmp / "serve.log", args=("--no-warm",))
        try:
            cases = build_cases(server.url)
            session = requests.Session()
            started = time.perf_counter()
            for case in cases:
                time_case(session, server.url, db, case, args.repeat)
            print(
                f"\n{sum(len(c.samples_ms) + len(c.cold_ms) + 1 for c in cases):,} requests in "
                f"{time.perf_counter() - started:.1f} s"
            )
            report_callbacks(cases)
            report_thesis(time_thesis_page(server.url, args.loads) if args.loads else [])
            memory = server.memory_mb()
        finally:
            server.stop()
        print(
            f"\n(c) server peak RSS (VmHWM) after all requests: {memory['VmHWM']:,.0f} MB "
            f"(now {memory['VmRSS']:,.0f} MB; target < {TARGET_RSS_MB} MB: "
            f"{'met' if memory['VmHWM'] < TARGET_RSS_MB else 'MISSED'})"
        )
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
