"""Heavy pure computations off the server process: a process pool made at start-up, shut down with the app.

A large match holds Python's GIL for tens of milliseconds at a time; in the server's own thread pool every
other request then waits for the GIL, and a small match that takes 2 ms alone takes 200. In a pool process
it competes only for a CPU core, which the operating system shares fairly. The pool is made in the app's
lifespan (one per server process: ``HUIQI_MATCH_PROCESSES`` processes, started with ``spawn`` on first use so
that no thread, lock or database connection of the server is copied into them) and shut down when the server
stops.
Without a pool (``HUIQI_MATCH_PROCESSES=0``, or an app whose lifespan has not run, as in tests) the work runs
in the calling thread, with the same result.
"""

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from starlette.requests import Request

log = logging.getLogger(__name__)
T = TypeVar("T")


def adopted(parent: int) -> None:
    """Each pool process's start: it exits when the server that made it is gone (killed, not stopped: a
    stopped server shuts its pool down), and loads what every match reads before any request."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="huiqi-parent-watch", daemon=True).start()
    warm()


def warm() -> None:
    """Load what every match reads (the vocabulary) once per pool process, before any request."""
    try:
        from huiqi.rules.loader import vocabulary

        vocabulary()  # the policies arrive with each case, as their texts (parsed once per process)
    except Exception:  # a warm-up that fails leaves the first request to load (and report) it
        log.exception("warming a match process failed")


class Offload:
    """Runs a picklable function with picklable arguments in the pool, or here when there is none."""

    def __init__(self, processes: int):
        self.processes = processes
        self._lock = threading.Lock()
        self._pool = self._make() if processes > 0 else None

    def _make(self) -> ProcessPoolExecutor:
        # The processes start with the first work sent to them (then load the policies once): a server that never
        # sees a large case, or an app made for one test, starts none.
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=adopted, initargs=(os.getpid(),))

    @property
    def pooled(self) -> bool:
        return self._pool is not None

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a pool process (the calling thread waits without holding the GIL)."""
        pool = self._pool
        if pool is None:
            return fn(*args)
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            # A pool process died (killed, out of memory): a new pool for the next requests, this one here.
            log.warning("a match process died; starting a new pool")
            with self._lock:
                if self._pool is pool:
                    self._pool = self._make()
                    pool.shutdown(wait=False, cancel_futures=True)
            return fn(*args)

    def shutdown(self) -> None:
        """Stop the pool: queued work is cancelled, running work finishes, the processes exit."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def workbook_of(build: Callable[..., Any], user_id: int, *args: Any) -> bytes:
    """In a pool process: the workbook of the table ``build(session, actor, *args)`` returns, read in a session of
    its own (read only) as the user the request authenticated."""
    from sqlalchemy.orm import sessionmaker

    from huiqi.db import engine
    from huiqi.models import User
    from huiqi.web.excel import workbook

    with sessionmaker(bind=engine())() as session:
        actor = session.get(User, user_id)
        return workbook(build(session, actor, *args))


INLINE = Offload(0)


def offload(request: Request) -> Offload:
    """The app's pool (made in its lifespan), or none: run in the calling thread."""
    found = getattr(request.app.state, "offload", None)
    return found if isinstance(found, Offload) else INLINE
