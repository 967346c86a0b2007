import time
from collections.abc import Callable


def wait_for[T](probe: Callable[[], T], *, timeout: float = 20, interval: float = 0.05) -> T:
    """Poll until `probe` returns something truthy; fail with the last value seen."""
    deadline = time.monotonic() + timeout
    value = probe()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = probe()
    assert value, f"gave up after {timeout}s waiting for {probe.__doc__ or probe}"
    return value
