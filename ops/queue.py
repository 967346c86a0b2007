"""How many messages wait in the broker's queue, whichever broker it is."""

import logging
import os
import threading

from django.conf import settings
from kombu.connection import ConnectionPool
from kombu.exceptions import ChannelError

from workmail_console.celery import app

log = logging.getLogger(__name__)

# The dashboard asks every few seconds and must not wait on a broker that is down or hung.
TIMEOUT = 1.0
POOL_LIMIT = 4  # concurrent askers per process (gunicorn threads); more wait up to TIMEOUT

_pool: tuple[int, ConnectionPool] | None = None  # (PID, pool): a forked child makes its own
_pool_lock = threading.Lock()


def _connections() -> ConnectionPool:
    """This process's pool of broker connections that give up after TIMEOUT, without retries."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            connection = app.connection_for_read(
                connect_timeout=TIMEOUT,
                # Redis: the socket too, so a Redis that accepts but never answers can't hang us.
                transport_options={"socket_timeout": TIMEOUT, "socket_connect_timeout": TIMEOUT},
            )
            _pool = (os.getpid(), connection.Pool(limit=POOL_LIMIT))
        return _pool[1]


def queue_depth() -> int | None:
    """Messages waiting in the default queue; None when the broker can't be asked.

    A passive queue_declare is kombu's public way to ask: on Redis it sums the queue's priority
    lists (LLEN of each), on the filesystem broker it counts the queue's message files. Messages a
    worker has already taken (prefetched, or running) are not waiting and are not counted.
    """
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    try:
        with _connections().acquire(block=True, timeout=TIMEOUT) as connection:
            connection.ensure_connection(max_retries=0, timeout=TIMEOUT)
            try:
                return connection.default_channel.queue_declare(queue, passive=True).message_count
            except ChannelError as error:
                if str(getattr(error, "reply_code", "")) != "404":
                    raise
                return 0  # NOT_FOUND: nothing was ever sent, or every message was taken
    except Exception as error:  # whatever the broker or its client raises: the tile says unknown
        log.warning("Cannot ask the broker how many messages wait in %r: %s", queue, error)
        return None
