"""How a build stops when it is told to: Ctrl-C (SIGINT) and SIGTERM (a service manager, `kill PID`).

Both take the road of Ctrl-C, which Dagster turns into an interrupted step (`terminate_as_interrupt`); neither may
land inside an import that compiled code would turn into another error (`signals_held`); and whatever the build is
doing when told, it ends within STOP_WITHIN_SECONDS of the first signal (`stop_within`): a query that does not
answer DuckDB's interruption, a worker process that does not end, cannot keep a stopped build running.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import os
import select
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: The signals that stop a build.
STOPPING = (signal.SIGINT, signal.SIGTERM)
#: How long a build told to stop may take to end on its own (discarding its working copy) before it is ended.
STOP_WITHIN_SECONDS = 60.0


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt while the block runs, as Ctrl-C does, so the run's working copy is discarded
    as a failed run's is (Dagster maps SIGTERM to its own Ctrl-C handler while a run executes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while the block runs, and taken as KeyboardInterrupt when it has ended. For
    importing Dagster: pydantic builds Dagster's models in compiled code that turns a KeyboardInterrupt raised
    inside it into a SchemaError, so a build stopped during its first seconds would fail with a traceback (exit 1)
    instead of being interrupted (130)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {number: signal.signal(number, lambda n, _f: caught.append(n)) for number in STOPPING}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if caught:
        raise KeyboardInterrupt


@contextmanager
def stop_within(
    seconds: float, stacks: Path, say: Callable[[], str], code: int, *, ended: Callable[[int], None] = os._exit
) -> Iterator[None]:
    """While the block runs, the first SIGINT or SIGTERM starts a clock: if the process is still in the block
    `seconds` later, every thread's stack is written to `stacks` (what it was waiting for), `say()` is printed
    to standard error, and the process ends with `code` (`ended`). Signals are seen as they arrive, at the C
    level (`signal.set_wakeup_fd`), whichever Python handler is in place (Dagster's while a run executes) and even
    while the main thread is inside compiled code."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    receiver, sender = socket.socketpair()
    sender.setblocking(False)
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            ready, _, _ = select.select([receiver], [], [], 0.5)
            if ready and any(number in STOPPING for number in receiver.recv(64)):
                break
        else:
            return
        if done.wait(seconds):
            return
        try:
            stacks.parent.mkdir(parents=True, exist_ok=True)
            with stacks.open("w", encoding="utf-8") as sink:
                sink.write(f"milspace: told to stop, and still running {seconds:.0f} s later ({_now()}):\n")
                sink.flush()
                faulthandler.dump_traceback(sink, all_threads=True)
        except OSError:
            pass
        os.write(2, (say() + "\n").encode("utf-8", "replace"))
        ended(code)

    previous = signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
    watcher = threading.Thread(target=watch, name="milspace-stop-within", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        signal.set_wakeup_fd(previous)
        watcher.join(timeout=5)
        receiver.close()
        sender.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
