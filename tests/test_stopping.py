"""How a build stops when told to (pipelines/stopping.py): signals held over imports, and a build told to stop
that does not end on its own is ended, with every thread's stack written down, within its grace period."""

from __future__ import annotations

import os
import signal
import time

import pytest

from pipelines import stopping


def test_ctrl_c_while_the_build_imports_dagster_waits_for_the_import_then_interrupts():
    """A signal in the build's first seconds (importing Dagster: pydantic turns a KeyboardInterrupt raised inside
    its compiled code into a SchemaError, which a soak run met as exit 1 and a traceback) is held until the imports
    are done, then taken as an interruption (130)."""
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    finished = []
    with pytest.raises(KeyboardInterrupt):
        with stopping.signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # Python runs a signal's handler at once: an unheld Ctrl-C would be raised here
            finished.append("imports")
    assert finished == ["imports"]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def _stuck_after_a_signal(seconds: float) -> None:
    """Told to stop (SIGINT, to a Python handler that only records it, as Dagster's does between steps), and then
    not stopping for `seconds`."""
    previous = signal.signal(signal.SIGINT, lambda _n, _f: None)
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(seconds)
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_build_told_to_stop_that_does_not_end_is_ended_with_its_stacks_written(tmp_path, capfd):
    ended: list[int] = []
    stacks = tmp_path / "logs" / "stopped.txt"
    with stopping.stop_within(0.5, stacks, lambda: "milspace build: ended now", 130, ended=ended.append):
        _stuck_after_a_signal(2.0)
    assert ended == [130]
    written = stacks.read_text(encoding="utf-8")
    assert "told to stop, and still running 0 s later" in written
    assert "_stuck_after_a_signal" in written  # the main thread's stack: where it was waiting
    assert "milspace build: ended now" in capfd.readouterr().err


def test_a_build_that_ends_in_time_or_is_never_told_to_stop_is_left_alone(tmp_path):
    ended: list[int] = []
    stacks = tmp_path / "stopped.txt"
    before = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(before)
    with stopping.stop_within(1.0, stacks, lambda: "", 130, ended=ended.append):
        _stuck_after_a_signal(0.2)  # told, and done well within the second
    with stopping.stop_within(0.3, stacks, lambda: "", 130, ended=ended.append):
        time.sleep(1.0)  # never told
    time.sleep(1.2)  # past both periods
    assert ended == [] and not stacks.exists()
    assert signal.set_wakeup_fd(before) == before  # the wake-up descriptor in place before is back
