"""A process that dies of a fatal error (a crash in a C extension) leaves its threads' stacks in its log."""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stderr

from tracker.crash import enable_crash_traces

CRASH = """
import ctypes, threading, time
from tracker.crash import enable_crash_traces
assert enable_crash_traces()
def serve_requests():
    time.sleep(60)
threading.Thread(target=serve_requests, daemon=True).start()
time.sleep(0.2)
ctypes.string_at(0)  # read address 0: SIGSEGV
"""


def test_a_segfault_prints_every_threads_stack_to_the_log() -> None:
    done = subprocess.run([sys.executable, "-c", CRASH], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Fatal Python error: Segmentation fault" in done.stderr
    assert "serve_requests" in done.stderr  # the other thread's stack is there too


def test_without_a_file_behind_stderr_it_is_left_off_quietly() -> None:
    with redirect_stderr(io.StringIO()):
        assert enable_crash_traces() is False
