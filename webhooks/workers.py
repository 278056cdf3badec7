"""``daojia serve --workers N``: N server processes on one port, and the supervisor over them.

Each worker is a fresh interpreter (multiprocessing's ``spawn``: no event loop, database or
Redis connection is inherited) that builds its own application and listens on the same host
and port with ``SO_REUSEPORT``, so the kernel spreads new connections over the workers. The
supervisor (the parent) only watches: it restarts a worker that dies, after a back-off that
doubles while deaths follow each other; it gives up (exit 1) when a worker dies before it
listens ``MAX_FAILED_STARTS`` times in a row (a wrong configuration, a port taken by another
program); on SIGTERM or SIGINT it passes SIGTERM to every worker, each of which stops
gracefully (``webhooks.server.run_server``), and waits for them, at most ``STOP_TIMEOUT_S``.
A worker whose supervisor vanished (killed with SIGKILL) stops itself the same way.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from webhooks.chat import ABORT_WAIT_S, TURN_GRACE_S

log = logging.getLogger(__name__)

BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 30.0
STABLE_AFTER_S = 30.0
"""A worker that listened this long before it died starts the back-off again from the first
delay."""
MAX_FAILED_STARTS = 5
STOP_TIMEOUT_S = 2 * TURN_GRACE_S + ABORT_WAIT_S + 5
"""How long stopping workers get (turns in flight, then other requests, each up to the turn
grace time; cancelled turns' aborts; closing connections) before they are killed."""

Target = Callable[..., None]
"""``target(*args, number, listening)``: serve as worker ``number`` (1-based) and call
``listening()`` once the socket listens. Picklable: a module-level function."""


@dataclass
class Slot:
    """One of the N places a worker process fills, and its history of deaths."""

    number: int
    process: BaseProcess | None = None
    ready: Connection | None = None
    listening_since: float | None = None
    failed_starts: int = 0
    deaths: int = 0
    restart_at: float = 0.0


def backoff(deaths: int) -> float:
    """The delay before restarting a worker that died ``deaths`` times in a row."""
    return min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2.0 ** max(0, deaths - 1))


class Supervisor:
    """Runs ``count`` workers until SIGTERM or SIGINT; ``run`` returns the exit status."""

    def __init__(self, target: Target, args: tuple[Any, ...], count: int) -> None:
        self.target = target
        self.args = args
        self.slots = [Slot(n) for n in range(1, count + 1)]
        self._context = multiprocessing.get_context("spawn")
        self._signalled: int | None = None

    def run(self) -> int:
        wake_r, wake_w = socket.socketpair()
        wake_r.setblocking(False)
        wake_w.setblocking(False)
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        old_fd = signal.set_wakeup_fd(wake_w.fileno())
        try:
            for slot in self.slots:
                self._start(slot)
            status = self._watch(wake_r)
            return self._stop() if status is None else max(status, self._stop())
        finally:
            signal.set_wakeup_fd(old_fd)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            wake_r.close()
            wake_w.close()

    def _on_signal(self, signum: int, _frame: object) -> None:
        if self._signalled is None:
            self._signalled = signum

    def _watch(self, wake: socket.socket) -> int | None:
        """Restart workers that die until a signal comes (None) or one cannot start (1)."""
        while self._signalled is None:
            now = time.monotonic()
            for slot in self.slots:
                if slot.process is None and slot.restart_at <= now:
                    self._start(slot)
            waiting = [s.restart_at - now for s in self.slots if s.process is None]
            handles: dict[int | Connection, Slot] = {}  # a process sentinel or a pipe
            for slot in self.slots:
                if slot.process is not None:
                    handles[slot.process.sentinel] = slot
                    if slot.ready is not None and slot.listening_since is None:
                        handles[slot.ready] = slot
            timeout = max(0.0, min(waiting)) if waiting else None
            for handle in wait([*handles, wake], timeout):
                if handle is wake:
                    _drain(wake)
                elif isinstance(handle, Connection):
                    self._check_listening(handles[handle])
            dead = [s for s in self.slots if s.process is not None and not s.process.is_alive()]
            if any([self._died(slot) for slot in dead]):
                return 1
        log.info("signal %s: stopping the workers", signal.Signals(self._signalled).name)
        return None

    def _start(self, slot: Slot) -> None:
        ready, listening = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_worker,
            args=(self.target, self.args, slot.number, listening),
            name=f"daojia-worker-{slot.number}",
        )
        process.start()
        listening.close()  # the worker holds the other copy
        slot.process, slot.ready, slot.listening_since = process, ready, None
        log.info("worker %d starting (pid %d)", slot.number, process.pid)

    def _check_listening(self, slot: Slot) -> None:
        assert slot.process is not None
        if slot.ready is None:
            return
        try:
            if not slot.ready.poll():
                return
            slot.ready.recv()
        except (EOFError, OSError):  # it is dying before it listened: its sentinel tells
            slot.ready.close()
            slot.ready = None
            return
        slot.listening_since = time.monotonic()
        slot.failed_starts = 0
        log.info("worker %d listening (pid %d)", slot.number, slot.process.pid)

    def _died(self, slot: Slot) -> bool:
        """Schedule the restart of a dead worker; True when it should not be restarted."""
        assert slot.process is not None
        self._check_listening(slot)  # it may have listened, then died at once
        process, code = slot.process, slot.process.exitcode
        process.join()
        if slot.ready is not None:
            slot.ready.close()
        slot.process = slot.ready = None
        now = time.monotonic()
        how = f"signal {signal.Signals(-code).name}" if code and code < 0 else f"code {code}"
        if slot.listening_since is None:
            slot.failed_starts += 1
            if slot.failed_starts >= MAX_FAILED_STARTS:
                log.error(
                    "worker %d (pid %d) exited with %s before it listened, %d times in a row: "
                    "giving up",
                    slot.number,
                    process.pid,
                    how,
                    slot.failed_starts,
                )
                return True
        elif now - slot.listening_since >= STABLE_AFTER_S:
            slot.deaths = 0
        slot.deaths += 1
        delay = backoff(slot.deaths)
        slot.restart_at = now + delay
        log.error(
            "worker %d (pid %d) exited with %s; restarting it in %.1f s",
            slot.number,
            process.pid,
            how,
            delay,
        )
        return False

    def _stop(self) -> int:
        """SIGTERM to every worker, then wait; 0 when all of them stopped cleanly."""
        running = [s.process for s in self.slots if s.process is not None]
        for process in running:
            process.terminate()  # SIGTERM: a graceful stop
        deadline = time.monotonic() + STOP_TIMEOUT_S
        status = 0
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.exitcode is None:
                log.error(
                    "worker pid %s did not stop in %.0f s: killed", process.pid, STOP_TIMEOUT_S
                )
                process.kill()
                process.join()
                status = 1
            elif process.exitcode not in (0, -signal.SIGTERM):
                log.error("worker pid %s stopped with code %s", process.pid, process.exitcode)
                status = 1
        for slot in self.slots:
            if slot.ready is not None:
                slot.ready.close()
            slot.process = slot.ready = None
        log.info("all workers stopped")
        return status


def _drain(sock: socket.socket) -> None:
    try:
        while sock.recv(64):
            pass
    except BlockingIOError:
        pass


def _worker(target: Target, args: tuple[Any, ...], number: int, listening: Connection) -> None:
    """A worker process: serve until SIGTERM (from the supervisor, or from itself when the
    supervisor is gone)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_stop_when_orphaned, args=(parent.sentinel,), name="supervisor", daemon=True
        ).start()

    def announce() -> None:
        listening.send(os.getpid())
        listening.close()

    target(*args, number, announce)


def _stop_when_orphaned(parent_sentinel: int) -> None:
    wait([parent_sentinel])
    log.error("the supervisor is gone: stopping")
    os.kill(os.getpid(), signal.SIGTERM)
