"""Small database helpers shared by the apps."""

from contextlib import AbstractContextManager, nullcontext

from django.db import transaction


def savepoint_if_nested() -> AbstractContextManager:
    """A savepoint when a transaction is open, so a statement that fails (a unique key, say)
    doesn't spoil it; nothing otherwise, because one statement in autocommit is atomic alone."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
