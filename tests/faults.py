"""Faulty services on loopback, with real sockets: one that hangs, one that is dead.

- `HungServer`: accepts TCP connections and never answers a byte (a Redis, PostgreSQL or SMTP
  server that is up but stuck). It counts the connections it accepted.
- `closed_port()`: a port nothing listens on (a dead service: connection refused at once).
- `broker_at(url)`: points the Celery app at another broker for the duration of a block, tasks
  leaving the process (not eager), with fresh connection pools.
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

from coopqualite.celery import app as celery_app


class HungServer:
    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self._socket.getsockname()[1]
        self._accepted: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="hung-server", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:  # closed
                return
            with self._lock:
                self._accepted.append(connection)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._accepted)

    def close(self) -> None:
        self._socket.close()
        with self._lock:
            for connection in self._accepted:
                connection.close()

    def __enter__(self) -> HungServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def closed_port() -> int:
    """A loopback port that was free a moment ago and that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def broker_at(url: str):
    conf = celery_app.conf
    previous = (conf.broker_url, conf.task_always_eager)
    conf.broker_url, conf.task_always_eager = url, False
    _forget_pools()
    try:
        yield url
    finally:
        conf.broker_url, conf.task_always_eager = previous
        _forget_pools()


def _forget_pools() -> None:
    """The app keeps its producer connections in pools built for the broker of their time (kombu
    keeps the pools themselves in a registry: they are left open, to be found again)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
