"""Copy the KMS keys organizations/ kept (organizations.EncryptionKey) into keys.Key: the same
primary keys and key IDs, so organizations that point at a key keep pointing at it (the
organizations migration after this one moves their foreign key), and each key's alias becomes a
KeyAlias."""

from datetime import timedelta

from django.core.management.color import no_style
from django.db import migrations
from django.utils import timezone

BATCH = 2000
DEFAULT_WAITING_PERIOD = timedelta(days=30)


def _reset_sequences(schema_editor, models) -> None:
    """Rows were written with their primary keys: the next new row must not take one of them."""
    connection = schema_editor.connection
    for statement in connection.ops.sequence_reset_sql(no_style(), models):
        schema_editor.execute(statement)


def copy_keys(apps, schema_editor):
    EncryptionKey = apps.get_model("organizations", "EncryptionKey")
    Key = apps.get_model("keys", "Key")
    KeyAlias = apps.get_model("keys", "KeyAlias")
    # The old table had no deletion date: a key pending deletion gets the default waiting period.
    deletion_date = timezone.now() + DEFAULT_WAITING_PERIOD
    taken = set()
    keys, aliases = [], []
    for old in EncryptionKey.objects.order_by("pk").iterator(BATCH):
        keys.append(
            Key(
                id=old.pk,
                key_id=old.key_id,
                account_id=old.account_id,
                region=old.region,
                description=old.description,
                key_manager=old.key_manager or "CUSTOMER",
                key_state=old.key_state,
                key_spec=old.key_spec,
                key_usage="SIGN_VERIFY" if old.key_spec.startswith("ECC_") else "ENCRYPT_DECRYPT",
                created=old.created,
                deletion_date=deletion_date if old.key_state == "PendingDeletion" else None,
            )
        )
        # Aliases were unique only among AWS managed keys; a repeated one stays with the first.
        name = (old.account_id, old.region, old.alias)
        if old.alias and name not in taken:
            taken.add(name)
            aliases.append(
                KeyAlias(
                    key_id=old.pk, account_id=old.account_id, region=old.region, name=old.alias,
                    created=old.created,
                )
            )
        if len(keys) >= BATCH:
            Key.objects.bulk_create(keys)
            keys = []
    Key.objects.bulk_create(keys)
    KeyAlias.objects.bulk_create(aliases, batch_size=BATCH)
    _reset_sequences(schema_editor, [Key])


def remove_copies(apps, schema_editor):
    """Back to before: organizations.EncryptionKey has them again (the next migration's reverse
    copied them there), so they go from here."""
    for name in ("KeyAdministrator", "KeyAlias", "Key"):
        apps.get_model("keys", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("keys", "0001_initial"),
        ("organizations", "0003_state_counts"),
    ]

    operations = [migrations.RunPython(copy_keys, remove_copies)]
