"""Waiting for a server a test started: every transport error means "not ready yet"."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

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


def wait_until(predicate, timeout: float, message: str) -> None:
    """Poll predicate() every 0.1 s until it is true; AssertionError with message after
    timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(message)


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


@contextlib.contextmanager
def serving(db: str, **env_vars: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`bubblemeter serve` of db on a free loopback port, as users run it (its own process);
    yields (base URL, process) once it answers, and stops it afterwards."""
    from tests.conftest import REPO, free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    env.update(BUBBLEMETER_DB=db, **env_vars)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bubblemeter", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, proc, what="bubblemeter serve")
        yield url, proc
    finally:
        stop_process(proc)


def callback_payload(
    dependencies: list[dict], output_contains: str, values: dict, changed: str | None = None
) -> dict:
    """The request the browser sends for the callback whose outputs name `output_contains`;
    `dependencies` is the app's /_dash-dependencies, `values` maps 'id.property' to the value
    of an input or state (None when absent), `changed` is the input that fired (the first
    input by default)."""
    # an app built after others in one process may list a page's callback more than once
    (dep,) = {d["output"]: d for d in dependencies if output_contains in d["output"]}.values()
    outputs = []
    for part in dep["output"].strip(".").split("..."):
        ident, prop = part.rsplit(".", 1)
        outputs.append(
            {"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop}
        )
    inputs, state = (
        [{**item, "value": values.get(f"{item['id']}.{item['property']}")} for item in dep[part]]
        for part in ("inputs", "state")
    )
    return {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "changedPropIds": [changed or f"{inputs[0]['id']}.{inputs[0]['property']}"],
        "state": state,
    }


def pages_callback_payload(dependencies: list[dict], pathname: str, search: str = "") -> dict:
    """The request the browser sends when it opens `pathname` + `search` (Dash pages'
    routing callback)."""
    return callback_payload(
        dependencies,
        "_pages_content.children",
        {"_pages_location.pathname": pathname, "_pages_location.search": search},
        "_pages_location.pathname",
    )
