"""Organization.encryption_key points at keys.Key (keys 0002 copied every key there with its
primary key, so the column keeps its values), and organizations.EncryptionKey goes.

SQLite changes a foreign key by rebuilding the table, which drops its triggers: the state-count
triggers of 0003 are installed again after each rebuild, both ways.
"""

import importlib

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models

STATE_COUNTS = importlib.import_module("organizations.migrations.0003_state_counts")


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in STATE_COUNTS.SQLITE:
            schema_editor.execute(statement)


def copy_back(apps, schema_editor):
    """Reverse only: keys.Key's keys into the old table, each with its first alias."""
    EncryptionKey = apps.get_model("organizations", "EncryptionKey")
    Key = apps.get_model("keys", "Key")
    old = []
    # Only the columns every later keys migration keeps: keys 0003 may be unapplied after this.
    columns = ["key_id", "account_id", "region", "description", "key_manager", "key_state"]
    keys = Key.objects.only(*columns, "key_spec", "created").prefetch_related("aliases")
    for key in keys.order_by("pk").iterator(2000):
        names = sorted(alias.name for alias in key.aliases.all())
        old.append(
            EncryptionKey(
                id=key.pk, key_id=key.key_id, account_id=key.account_id, region=key.region,
                alias=names[0] if names else "", description=key.description[:256],
                key_manager=key.key_manager, key_state=key.key_state, key_spec=key.key_spec,
                created=key.created,
            )
        )
    EncryptionKey.objects.bulk_create(old, batch_size=2000)
    connection = schema_editor.connection
    for statement in connection.ops.sequence_reset_sql(no_style(), [EncryptionKey]):
        schema_editor.execute(statement)
    if connection.vendor == "postgresql":
        # Check the rows' own foreign keys now: a table with pending checks can't be altered.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("keys", "0002_copy_encryption_keys"),
        ("organizations", "0003_state_counts"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, reinstall_sqlite_triggers),
        migrations.AlterField(
            model_name="organization",
            name="encryption_key",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="keys.key",
            ),
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
        migrations.RunPython(migrations.RunPython.noop, copy_back),
        migrations.RemoveConstraint(
            model_name="encryptionkey",
            name="one_aws_managed_key_per_alias",
        ),
        migrations.DeleteModel(
            name="EncryptionKey",
        ),
    ]
