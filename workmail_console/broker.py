"""kombu's filesystem transport, made safe for concurrent producers and consumers.

kombu 5.7 creates a message file under its final name and only then writes it (the lock is
advisory), so a consumer can take the empty file, fail to decode it and stop: the message is lost
(celery/kombu#1551). Here a message is written under a name consumers ignore and renamed into place,
a consumer claims a file by renaming it (one consumer wins), and an undecodable file is set aside
and logged instead of stopping the consumer. Celery uses it through `broker_transport`, with the
same `filesystem://` URL.
"""

import contextlib
import logging
import os
import uuid
from queue import Empty
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

log = logging.getLogger(__name__)


def _hidden(folder: str, name: str, suffix: str) -> str:
    """A name in `folder` that no queue's filter matches (it must end in `<queue>.msg` after the
    first dot): in-flight, claimed and undecodable files are invisible to every consumer."""
    return os.path.join(folder, f".{name}.{suffix}")


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:
        """Write the message under a hidden name, then rename it into the queue: all or nothing.

        The time is zero-padded so that names sort in the order they were sent (kombu's do not
        once the millisecond count gains a digit)."""
        name = f"{round(monotonic() * 1000):016d}_{uuid.uuid4()}.{queue}.msg"
        partial = _hidden(self.data_folder_out, name, "partial")
        data = str_to_bytes(dumps(payload))
        try:
            with open(partial, "wb") as file:
                file.write(data)
            os.replace(partial, os.path.join(self.data_folder_out, name))
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {name!r} to {self.data_folder_out}") from exc

    def _get(self, queue: str) -> dict[str, Any]:
        """The oldest message of `queue`, claimed by a rename so that no other consumer gets it."""
        folder = self.data_folder_in
        for name in sorted(os.listdir(folder)):
            if name.partition(".")[2] != f"{queue}.msg":
                continue
            claimed = _hidden(folder, name, "claimed")
            try:
                os.rename(os.path.join(folder, name), claimed)
            except FileNotFoundError:
                continue  # another consumer claimed it first
            if (payload := self._read(claimed, name)) is not None:
                return payload
        raise Empty()

    def _read(self, claimed: str, name: str) -> dict[str, Any] | None:
        try:
            with open(claimed, "rb") as file:
                data = file.read()
        except OSError as exc:
            raise ChannelError(f"Cannot read file {claimed!r} from queue.") from exc
        try:
            payload = loads(bytes_to_str(data))
        except ValueError:
            aside = _hidden(os.path.dirname(claimed), name, "undecodable")
            os.replace(claimed, aside)
            log.error(
                "Skipped an undecodable message file (%d bytes), kept as %s", len(data), aside
            )
            return None
        if self.store_processed:
            os.replace(claimed, os.path.join(self.processed_folder, name))
        else:
            os.remove(claimed)
        return payload


class Transport(filesystem.Transport):
    Channel = Channel
