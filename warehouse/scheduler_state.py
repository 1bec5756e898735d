"""A small JSON file beside the warehouse where a running scheduler says what it did and will do.

Written by `bubblemeter schedule`, read by `bubblemeter status` and the data status page.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from warehouse.lock import pid_alive
from warehouse.settings import Settings


def state_path(settings: Settings) -> Path:
    """Where the scheduler state lives: next to a local warehouse file, else in data/.

    A MotherDuck warehouse has no local file: its state file is named after the database
    (md:NAME -> data/md_NAME.scheduler.json) so two warehouses never share one.
    """
    if settings.is_local_file:
        db = Path(settings.db)
        return db.with_name(db.name + ".scheduler.json")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", settings.db.split("?")[0]).strip("_.")
    return Path("data") / f"{name or 'warehouse'}.scheduler.json"


def write_state(settings: Settings, state: dict) -> None:
    """Replace the state file atomically (keys: pid, started_at, last_run_at, last_status,
    last_summary, next_run_at, trigger: ISO strings or plain values)."""
    path = state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump(state, fh, indent=2, default=str)
    os.replace(tmp, path)


def read_state(settings: Settings) -> dict | None:
    """The last state a scheduler wrote, with 'alive' telling whether its process still runs."""
    path = state_path(settings)
    try:
        state = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    pid = state.get("pid")
    state["alive"] = isinstance(pid, int) and pid_alive(pid)
    return state


def describe_state(state: dict | None) -> list[str]:
    """A few lines for `bubblemeter status`: is a scheduler running, its last and next run."""
    if not state:
        return ["scheduler: none has run for this warehouse (start one: `bubblemeter schedule`)"]
    if state.get("alive") and not state.get("stopped_at"):
        head = (
            f"scheduler: running (pid {state.get('pid')} since {state.get('started_at')}), "
            f"refresh at {state.get('trigger')}"
        )
    else:
        head = f"scheduler: not running (pid {state.get('pid')} stopped" + (
            f" at {state['stopped_at']})" if state.get("stopped_at") else ")"
        )
    lines = [head]
    if state.get("last_run_at"):
        lines.append(
            f"  last run: {state['last_run_at']} {state.get('last_status')}: "
            f"{state.get('last_summary')}"
        )
    else:
        lines.append("  last run: none yet")
    if state.get("alive") and state.get("running_since"):
        lines.append(f"  running now since {state['running_since']}")
    if state.get("alive") and state.get("next_run_at") and not state.get("stopped_at"):
        lines.append(f"  next run: {state['next_run_at']}")
    return lines
