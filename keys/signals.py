"""What other apps can listen to: a key's state changed (sent once the change is committed)."""

from django.dispatch import Signal

# Sent with sender=Key and key=<the Key>, after a Disable, Enable, Schedule key deletion, Cancel
# key deletion, or the end of a deletion's waiting period, once the transaction commits.
key_changed = Signal()
