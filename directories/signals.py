"""Signals other apps listen to, so that directories need not know who cares."""

from django.dispatch import Signal

# Sent once a directory's stage change is committed (sender=Directory, directory=the Directory,
# with its new stage). The organizations' health check listens, to re-check those that use it.
directory_changed = Signal()
