"""Stacks of every thread on a fatal error, in the process's log."""

from __future__ import annotations

import faulthandler
import io
import sys


def enable_crash_traces() -> bool:
    """Have a fatal error (a crash inside a C extension) print every thread's Python stack to stderr,
    which the server's and the worker's logs keep. False where stderr is not a file (a test runner
    capturing it): there is nowhere to write then."""
    try:
        faulthandler.enable(file=sys.stderr, all_threads=True)
    except (io.UnsupportedOperation, AttributeError, ValueError, RuntimeError):
        return False
    return True
