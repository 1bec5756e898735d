"""Waiting for a server a test started: every transport error means "not ready yet"."""

from __future__ import annotations

import subprocess
import time

import requests


def answers(url: str, read_timeout_s: float = 10.0) -> bool:
    """True when `url` answers 200; any transport error (refused, reset, read timeout) is False.

    A server may accept connections before it can answer them (gunicorn binds before its
    workers have imported the app), so a timeout while waiting is "not yet", not a failure.
    """
    try:
        return requests.get(url, timeout=(5.0, read_timeout_s)).status_code == 200
    except requests.RequestException:
        return False


def wait_until_serving(
    url: str,
    proc: subprocess.Popen | None = None,
    timeout_s: float = 120.0,
    what: str = "the server",
) -> None:
    """Poll `url` until it answers 200; AssertionError if `proc` exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"{what} exited with status {proc.returncode}")
        if answers(url):
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} did not serve {url} within {timeout_s:g} s")


def stop_process(proc: subprocess.Popen, grace_s: float = 60.0) -> None:
    """Terminate a server a test started: SIGTERM, then SIGKILL if it is still there after
    grace_s (a loaded machine can be slow to let it go; a test never fails for that)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.wait(timeout=120)
