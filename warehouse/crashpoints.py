"""Named points in a refresh where crash tests make the writer kill or stop itself.

    BUBBLEMETER_CRASH_AT="copy made" bubblemeter refresh ...   # dies there, as kill -9 would
    BUBBLEMETER_PAUSE_AT="copy made" bubblemeter refresh ...   # stops there (SIGSTOP) until
                                                               # a SIGCONT
Unset (always, outside tests), crash_point() does nothing. tests/test_concurrency.py kills a
live refresh at every point in POINTS and checks that the previous warehouse survives;
tests/test_schedule.py stops the scheduler while its refresh is paused mid-write.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "BUBBLEMETER_CRASH_AT"
PAUSE_ENV = "BUBBLEMETER_PAUSE_AT"
# in the order a refresh passes them
POINTS = ("lock taken", "copy made", "loading", "finishing", "just swapped in")


def crash_point(name: str) -> None:
    """Die here (SIGKILL) if BUBBLEMETER_CRASH_AT names this point; stop here (SIGSTOP) if
    BUBBLEMETER_PAUSE_AT does."""
    assert name in POINTS, name
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(PAUSE_ENV) == name:
        os.kill(os.getpid(), signal.SIGSTOP)
