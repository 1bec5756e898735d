"""The dashboard under gunicorn: 2 read-only workers on loopback serve pages and callbacks."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from dashboard import ids
from tests.conftest import REPO, free_port
from tests.serving import pages_callback_payload, wait_until_serving
from warehouse.db import write_session
from warehouse.settings import Settings


def children(pid: int) -> list[int]:
    """Direct child processes of pid (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.fixture
def gunicorn(tmp_path, imported):
    """gunicorn with 2 workers on a free loopback port, reading a copy of the warehouse."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(imported.db, db)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    env["BUBBLEMETER_DB"] = str(db)
    log = open(tmp_path / "gunicorn.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--control-socket",
            str(tmp_path / "gunicorn.ctl"),
            "dashboard.wsgi:server",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield proc, f"http://127.0.0.1:{port}", Settings.from_env(env={}, db=str(db))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_two_workers_serve_pages_and_callbacks(gunicorn):
    proc, url, settings = gunicorn
    wait_until_serving(url + "/", proc, what="gunicorn")
    assert len(children(proc.pid)) == 2

    page = requests.get(url + "/", timeout=10)
    assert page.status_code == 200 and "<title>bubblemeter</title>" in page.text
    layout = requests.get(url + "/_dash-layout", timeout=10)
    assert layout.status_code == 200 and ids.STALE_BANNER in layout.text
    dependencies = requests.get(url + "/_dash-dependencies", timeout=10).json()
    payload = pages_callback_payload(dependencies, "/")

    def thesis_page() -> dict:
        reply = requests.post(url + "/_dash-update-component", json=payload, timeout=30)
        assert reply.status_code == 200, reply.text[:500]
        return reply.json()["response"]["_pages_content"]["children"]

    # enough requests that both workers answer some
    for _ in range(6):
        content = str(thesis_page())
        assert ids.HOME_DC_VS_CAPEX_GRAPH in content and ids.HOME_DC_MIX_GRAPH in content
        assert "SEC EDGAR" in content  # the capex caption names its source

    # readers hold no lock: a refresh swaps a new file in while the workers serve
    with write_session(settings) as con:
        con.execute("select 1").fetchall()
    assert "SEC EDGAR" in str(thesis_page())
    assert proc.poll() is None and len(children(proc.pid)) == 2
