"""Shared fixtures: the real snapshot in ../shared/data, a real DuckDB file, a real browser."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
from pathlib import Path

import pytest

from ingest.refresh import import_snapshot
from warehouse.settings import Settings

# The loopback fakes' fixtures (fake_yahoo, fake_sec, live_settings, yfinance_cache) for every
# test module, without importing them by name.
pytest_plugins = ["tests.fakes.fixtures"]

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(os.environ.get("BUBBLEMETER_SNAPSHOT", REPO.parent / "shared" / "data"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def pytest_setup_options():
    """Chrome options for dash[testing]: Debian chromium, headless, no background traffic."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    if CHROMIUM:
        options.binary_location = CHROMIUM
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
    return options


def pytest_configure(config):
    """Children the tests start get SIGTERM's default action, even if this run inherited it
    ignored (a background job): tests stop their servers with SIGTERM."""
    if signal.getsignal(signal.SIGTERM) == signal.SIG_IGN:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.fixture(autouse=True)
def _sigterm_as_it_was():
    """Undo a test's change to SIGTERM: Dagster maps it to SIGINT's handler, which in a
    background run is SIG_IGN, and every server started after that would ignore SIGTERM."""
    before = signal.getsignal(signal.SIGTERM)
    yield
    if signal.getsignal(signal.SIGTERM) != before:
        signal.signal(signal.SIGTERM, before)


def pytest_collection_modifyitems(config, items):
    """Browser tests skip without chromium locally; under CI (CI=true) they run and fail."""
    if (CHROMIUM and CHROMEDRIVER) or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason="Debian chromium + chromium-driver not installed")
    for item in items:
        if "dash_duo" in getattr(item, "fixturenames", ()) or item.get_closest_marker("browser"):
            item.add_marker(skip)


def free_port() -> int:
    """A free TCP port on loopback (parallel test runs must not share 8050)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def module_dash_duo(request, tmp_path_factory):
    """A dash_duo (one server thread, one browser) to share across a test module: start the
    app once with duo.start_server(app, port=free_port()). Mark such tests `browser`."""
    from dash.testing.application_runners import ThreadedRunner
    from dash.testing.composite import DashComposite

    config = request.config
    with (
        ThreadedRunner() as runner,
        DashComposite(
            server=runner,
            browser=config.getoption("webdriver"),
            remote=config.getoption("remote"),
            remote_url=config.getoption("remote_url"),
            headless=config.getoption("headless"),
            options=config.hook.pytest_setup_options(),
            download_path=str(tmp_path_factory.mktemp("download")),
            percy_assets_root=config.getoption("percy_assets"),
            percy_finalize=config.getoption("nopercyfinalize"),
            pause=config.getoption("pause"),
        ) as duo,
    ):
        yield duo


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    if not (SNAPSHOT / "README.md").exists():
        pytest.fail(f"sample snapshot not found at {SNAPSHOT} (set BUBBLEMETER_SNAPSHOT)")
    return SNAPSHOT


@pytest.fixture(scope="session")
def imported(tmp_path_factory, snapshot_dir) -> Settings:
    """A warehouse imported once from the real snapshot; tests only read it."""
    db = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    settings = Settings.from_env(env={}, db=str(db))
    summary = import_snapshot(settings, snapshot_dir)
    assert summary.exit_code == 0, summary.lines()
    return settings


@pytest.fixture
def fresh_settings(tmp_path) -> Settings:
    """Settings pointing at an empty temporary warehouse path."""
    return Settings.from_env(env={}, db=str(tmp_path / "warehouse.duckdb"))
