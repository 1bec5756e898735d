"""Screenshots of every dashboard page, as a person sees them at 1280x800 and on a phone at
390x844 (`make screenshots`).

Imports the snapshot into a temporary warehouse (or uses --db), serves the dashboard on a free
loopback port, photographs each page with headless Debian chromium, and stops the server.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PAGES = {  # file name -> path (with a query string where the default view says less)
    "thesis": "/",
    "gpu-vendors": "/gpu-vendors",
    "big-tech-capex": "/capex",
    "enterprise-adoption": "/enterprise",
    "ai-revenue-gap": "/revenue-gap",
    "markets": "/markets",
    "data-status": "/status",
    "sql-console": "/sql?q="
    + quote(
        "select calendar_label, nvda_data_center_revenue_usd, "
        "hyperscaler_capex_usd, dc_share_of_capex_pct\n"
        "from nvda_dc_vs_capex order by calendar_label desc"
    ),
}


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, timeout: float = 30) -> None:
    """Poll the server until it answers (or fail after `timeout` seconds)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the dashboard did not answer at {url} within {timeout:.0f} s")


def shoot(chromium: str, url: str, out: Path, width: int, height: int) -> None:
    """One headless chromium screenshot, with no background traffic."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--virtual-time-budget=10000",
                f"--screenshot={out}",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def shoot_in_session(driver, url: str, out: Path, width: int, height: int) -> None:
    """A screenshot through selenium: the page laid out at this viewport from the start (the
    command-line screenshot lays a page out wider first, and charts keep that width)."""
    driver.set_window_size(width, height)
    driver.get(url)
    deadline = time.time() + 30
    while time.time() < deadline:  # until the page has drawn and no callback is pending
        done = driver.execute_script(
            "const s = window.store && window.store.getState();"
            "if (!s || !document.querySelector('#_pages_content > *')) { return false; }"
            "const p = s.pendingCallbacks; return !p || p.length === 0;"
        )
        if done:
            break
        time.sleep(0.3)
    time.sleep(2)  # charts finish drawing
    driver.save_screenshot(str(out))


def phone_driver(chromium: str):
    """Headless chromium through selenium (the bench extra), or None without it."""
    try:
        from selenium import webdriver
    except ImportError:
        return None
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", help="warehouse to show (default: import --snapshot into a temporary one)"
    )
    parser.add_argument(
        "--snapshot",
        default=str(REPO.parent / "shared" / "data"),
        help="snapshot directory to import when --db is not given",
    )
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument(
        "--phone",
        default="390x844",
        metavar="WxH",
        help="also shoot each page at this phone viewport as NAME-phone.png ('' to skip)",
    )
    args = parser.parse_args(argv)

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("error: Debian chromium is needed (apt-get install chromium)", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if not db:
            db = str(Path(tmp) / "warehouse.duckdb")
            subprocess.run(
                [str(BIN / "bubblemeter"), "refresh", "--from", args.snapshot, "--db", db],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "bubblemeter"),
                "serve",
                "--db",
                db,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(base + "/")
            driver = phone_driver(chromium) if args.phone else None
            if args.phone and driver is None:
                print("phone screenshots skipped: selenium is needed (make install-bench)")
            try:
                for name, path in PAGES.items():
                    target = out / f"{name}.png"
                    shoot(chromium, base + path, target, args.width, args.height)
                    print(target.relative_to(REPO) if target.is_relative_to(REPO) else target)
                    if driver is not None:
                        width, height = (int(v) for v in args.phone.lower().split("x"))
                        target = out / f"{name}-phone.png"
                        shoot_in_session(driver, base + path, target, width, height)
                        print(target.relative_to(REPO) if target.is_relative_to(REPO) else target)
            finally:
                if driver is not None:
                    driver.quit()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
