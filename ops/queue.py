"""How many messages wait in the broker's queue, whichever broker it is."""


def queue_depth() -> int | None:
    """Messages waiting in the default queue; None when the broker can't be asked (TODO)."""
    return None
