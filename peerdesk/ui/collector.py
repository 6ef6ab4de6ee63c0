"""Keeping Python's garbage collector from pausing typing and scrolling.

A full collection walks every object Python tracks. With a workspace built (a
person's 1,000 sessions, 2,000 people, the widgets showing them) one took 40-50 ms,
at whatever moment the allocation count ran out: a stutter in a scroll or a
keystroke (benchmark issue 7). What the unlock builds lives until the lock, so
once it is built it is frozen out of collections, and given back to them at the
lock, when it is torn down and collected at once.
"""

from __future__ import annotations

import gc


def settle_after_unlock() -> None:
    """Collect what building the workspace left over, then freeze what remains."""
    gc.collect()
    gc.freeze()


def release_at_lock() -> None:
    """Let collections see everything again, and collect the torn-down workspace."""
    gc.unfreeze()
    gc.collect()
