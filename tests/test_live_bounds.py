"""Every request is bounded: a whole-request deadline and a size cap, through the real clients.

A loopback server misbehaves on purpose (synthetic answers, no real data): it drips one byte
every half second, sends 40 MB, announces 100 MB, or nests JSON 100,000 levels deep.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest.sources.http import (
    MAX_BODY_BYTES,
    WHOLE_REQUEST_FACTOR,
    RateLimiter,
    RetryPolicy,
    SourceError,
)
from ingest.sources.sec import SecClient
from tests.fakes.fixtures import SEC_USER_AGENT

TIMEOUT_S = 1.0  # the per-read timeout under test; the whole request may take 3 times it
DRIP_FOR_S = 30.0  # the dripping server gives up after this long (bounded by construction)


class Misbehaving(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server name
        kind = self.server.kind
        if kind == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            ends = time.monotonic() + DRIP_FOR_S
            try:
                while time.monotonic() < ends:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            return
        if kind == "huge":
            body = b"[" + b"0," * (20 * 2**20) + b"0]"  # about 40 MB
        elif kind == "announced":
            self.send_response(200)
            self.send_header("Content-Length", str(100 * 2**20))
            self.end_headers()
            try:
                self.wfile.write(b"{")
            except OSError:
                pass
            return
        else:  # nested
            body = b"[" * 100_000 + b"]" * 100_000
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def misbehaving():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _client(server) -> SecClient:
    host, port = server.server_address[:2]
    policy = RetryPolicy(tries=1, backoff_s=0.01, timeout_s=TIMEOUT_S)
    return SecClient(f"http://{host}:{port}", SEC_USER_AGENT, policy, RateLimiter(1000))


def test_a_dripping_server_is_given_up_at_the_whole_request_deadline(misbehaving):
    misbehaving.kind = "drip"
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"^timeout \(no whole answer within 3 s\) after 1 try$"):
        _client(misbehaving).companyfacts(1045810)
    took = time.monotonic() - started
    # the deadline, plus at most one read timeout for the read in progress, plus slack
    assert took < WHOLE_REQUEST_FACTOR * TIMEOUT_S + TIMEOUT_S + 2.0, f"{took:.1f} s"


@pytest.mark.parametrize("kind", ["huge", "announced"])
def test_an_oversized_answer_is_refused(misbehaving, kind):
    misbehaving.kind = kind
    with pytest.raises(SourceError, match=rf"^answer larger than {MAX_BODY_BYTES // 2**20} MB"):
        _client(misbehaving).companyfacts(1045810)


def test_json_nested_too_deep_is_a_plain_reason(misbehaving):
    misbehaving.kind = "nested"
    with pytest.raises(SourceError, match=r"^malformed JSON \(nested deeper than it can be read\)"):
        _client(misbehaving).companyfacts(1045810)


def test_a_source_past_its_run_deadline_is_not_asked_again(tmp_path, fake_yahoo, monkeypatch):
    """The run-level deadline: once a source's part of a refresh has run past it, its other
    items are failed with the reason, unasked (here a deadline already passed)."""
    from ingest import live
    from tests.fakes.fixtures import CLEAN_TICKERS
    from tests.live_helpers import settings_for

    monkeypatch.setattr(live, "SOURCE_DEADLINE_S", -1.0)
    settings = settings_for(tmp_path / "w.duckdb", fake_yahoo, None)
    fake_yahoo.clear_requests()

    summary = live.refresh_live(settings, sources=["yahoo"], tickers=CLEAN_TICKERS)

    assert summary.items and all(
        i.status == "failed" and "ran past its deadline for one refresh" in i.error
        for i in summary.items
    ), summary.lines()
    assert [r for r in fake_yahoo.requests if r.kind == "chart"] == []


def test_a_reset_connection_says_so():
    """A server that answers every request by resetting the connection (RST)."""
    import socket
    import struct

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def reset_each():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(4096)
                except OSError:
                    pass
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    thread = threading.Thread(target=reset_each, daemon=True)
    thread.start()
    host, port = listener.getsockname()
    policy = RetryPolicy(tries=2, backoff_s=0.01, timeout_s=10.0)
    client = SecClient(f"http://{host}:{port}", SEC_USER_AGENT, policy, RateLimiter(1000))
    try:
        with pytest.raises(SourceError, match=r"^connection failed \(Connection reset\) after 2"):
            client.companyfacts(1045810)
    finally:
        stop.set()
        thread.join(10)
        listener.close()
