"""The no-op Celery task behind the benchmark's floor run; the worker loads it with --include.

`hop` does nothing but enqueue itself until the chain has made as many hops as an organization's
lifecycle makes tasks, then records when the chain started and finished in a Redis list. It goes
through the same app, broker, queue, serializer and acks_late settings as the lifecycle tasks, so
the difference between the two runs is the work the lifecycle does, not Celery's.
"""

import os
import time
from functools import cache
from typing import Any

import redis
from celery.signals import worker_ready

from workmail_console.celery import app

# Set by bench/lifecycle.py: the worker SETs this Redis key once it consumes (it runs at -l WARNING,
# so its "ready." log line is not printed).
READY_KEY_ENV = "BENCH_READY_KEY"


@cache
def results_redis() -> redis.Redis:
    """One connection per process, to the broker's Redis."""
    return redis.Redis.from_url(app.conf.broker_url)


@app.task(name="bench.hop")
def hop(chain_id: int, remaining: int, started: float, results_key: str) -> None:
    """Enqueue the next hop, or, on the last one, RPUSH "chain_id started finished" (epoch s)."""
    if remaining > 1:
        hop.apply_async((chain_id, remaining - 1, started, results_key))
    else:
        results_redis().rpush(results_key, f"{chain_id} {started} {time.time()}")


@worker_ready.connect
def announce_ready(**_: Any) -> None:
    if key := os.environ.get(READY_KEY_ENV):
        results_redis().set(key, "1", ex=3600)
