"""Named points in a refresh where crash tests make the writer kill itself (SIGKILL).

    BUBBLEMETER_CRASH_AT="copy made" bubblemeter refresh ...   # dies there, as kill -9 would

Unset (always, outside tests), crash_point() does nothing. tests/test_concurrency.py kills a
live refresh at every point in POINTS and checks that the previous warehouse survives.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "BUBBLEMETER_CRASH_AT"
# in the order a refresh passes them
POINTS = ("lock taken", "copy made", "loading", "finishing", "just swapped in")


def crash_point(name: str) -> None:
    """Die here with SIGKILL if BUBBLEMETER_CRASH_AT names this point."""
    assert name in POINTS, name
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
