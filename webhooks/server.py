"""How a daojia process serves (``serve``, each of ``serve --workers``, ``demo``): on uvloop,
with the garbage collector tuned, stopping gracefully on the first signal — and, when its
address cannot be listened on, saying so in one line (``CannotListen``)."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import os
import signal
from collections.abc import Callable

import uvloop
from aiohttp import web

from webhooks.accesslog import JsonAccessLogger
from webhooks.chat import TURN_GRACE_S

log = logging.getLogger("daojia")

GC_THRESHOLDS = (50_000, 20, 20)
"""The garbage collector's generation thresholds while serving. Python's default (700, 10, 10)
collects the young generation every 700 new objects, a few times per chat turn; the webhook
benchmark's server spent about 7 % less CPU per message with these. Cyclic garbage (little:
reference counting frees the rest at once) waits a little longer to be collected."""

UNLISTENABLE = frozenset({errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES})
"""Why a server cannot listen on its address: the port is taken (by another program, or a
``daojia serve`` of another user), the host is not this machine's, a port below 1024."""


class CannotListen(Exception):
    """The server's address cannot be listened on; the message says why in one line."""


def run_server(
    app: web.Application,
    host: str,
    port: int,
    *,
    reuse_port: bool = False,
    listening: Callable[[], None] | None = None,
) -> None:
    """Serve ``app`` until SIGTERM or SIGINT, as ``serve`` and ``demo`` do: on uvloop's event
    loop (libuv's, in C: about 6 % fewer instructions per chat message than asyncio's own, by
    ``bench/instructions.py``), with JSON access log lines, and the objects made so far
    (modules, catalog, app) frozen out of the garbage collector's way (``GC_THRESHOLDS``).

    The first signal stops gracefully: the listening socket closes, chat turns in flight get
    ``TURN_GRACE_S`` to finish (``webhooks.chat.Turns``; later ones are cancelled and hand
    their messages back), other requests as long, then the resources close. Further signals
    are ignored, so that a signal sent to a worker and to its supervisor (``systemd`` signals
    the whole group) does not cut the shutdown short. ``reuse_port`` lets several processes
    listen on the same port (``--workers``); ``listening`` is called once the socket listens.
    An address that cannot be listened on (``UNLISTENABLE``) is ``CannotListen``.
    """
    # log records skip what no format here prints (the logging HOWTO's "Optimization"): the
    # caller's file and line, thread, process; an access log line is written per request
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    loop = uvloop.new_event_loop()
    stop_on_signals(loop)
    try:
        web.run_app(
            app,
            host=host,
            port=port,
            # run_app calls ``print`` once its sites listen: the moment to tell a supervisor
            print=(lambda *_: listening()) if listening is not None else None,
            access_log_class=JsonAccessLogger,
            loop=loop,
            handle_signals=False,
            shutdown_timeout=TURN_GRACE_S,
            reuse_port=reuse_port or None,
        )
    except OSError as exc:  # one line, as a wrong setting gets, rather than a traceback
        if exc.errno not in UNLISTENABLE:
            raise
        raise CannotListen(
            f"DAOJIA_HOST, DAOJIA_PORT: cannot listen on {host}:{port}: "
            f"{os.strerror(exc.errno or 0)}"
        ) from None


def stop_on_signals(loop: asyncio.AbstractEventLoop) -> None:
    """On the first SIGTERM or SIGINT, stop ``run_app`` gracefully; ignore the next ones
    (two signals read in one pass of the loop are both handled in it, hence the flag)."""
    stopping = False

    def stop(signum: int) -> None:
        nonlocal stopping
        if stopping:
            log.info("%s: already stopping", signal.Signals(signum).name)
            return
        stopping = True
        log.info("%s: stopping", signal.Signals(signum).name)
        raise web.GracefulExit()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop, sig)
