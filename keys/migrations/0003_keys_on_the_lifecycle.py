"""Keys move on the lifecycle machinery: a key's state changes are events (its history), and a
key whose waiting period ended is Deleted (key_state) instead of flagged `deleted`."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def deleted_to_state(apps, schema_editor):
    Key = apps.get_model("keys", "Key")
    Key.objects.update(key_state_changed_at=F("created"))
    Key.objects.filter(deleted=True).update(key_state="Deleted")
    check_rows_now(schema_editor)


def state_to_deleted(apps, schema_editor):
    Key = apps.get_model("keys", "Key")
    Key.objects.filter(key_state="Deleted").update(key_state="PendingDeletion", deleted=True)
    check_rows_now(schema_editor)


def check_rows_now(schema_editor):
    """The updated rows' foreign keys checked now: PostgreSQL can't index a table with checks
    pending in the transaction."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ('keys', '0002_copy_encryption_keys'),
        ('workmail_console', '0003_username_case_insensitive'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='KeyEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region', models.CharField(blank=True, choices=[('us-east-1', 'US East (N. Virginia)'), ('us-west-2', 'US West (Oregon)'), ('eu-west-1', 'Europe (Ireland)')], max_length=16)),
                ('from_state', models.CharField(blank=True, max_length=16)),
                ('to_state', models.CharField(max_length=16)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('from_state_seconds', models.FloatField(blank=True, null=True)),
                ('reason', models.CharField(max_length=256)),
            ],
            options={
                'ordering': ['at', 'pk'],
                'abstract': False,
            },
        ),
        migrations.RemoveIndex(
            model_name='key',
            name='keys_key_deletion_due',
        ),
        migrations.AddField(
            model_name='key',
            name='key_state_changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='key',
            name='key_state',
            field=models.CharField(choices=[('Enabled', 'Enabled'), ('Disabled', 'Disabled'), ('PendingDeletion', 'Pending deletion'), ('Deleted', 'Deleted')], default='Enabled', max_length=16),
        ),
        migrations.RunPython(deleted_to_state, state_to_deleted, elidable=False),
        migrations.AddIndex(
            model_name='key',
            index=models.Index(condition=models.Q(('key_state', 'PendingDeletion')), fields=['deletion_date'], name='keys_key_deletion_due'),
        ),
        migrations.AddField(
            model_name='keyevent',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workmail_console.account'),
        ),
        migrations.AddField(
            model_name='keyevent',
            name='key',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='keys.key'),
        ),
        migrations.RemoveField(
            model_name='key',
            name='deleted',
        ),
        migrations.AddIndex(
            model_name='keyevent',
            index=models.Index(fields=['key', 'at'], name='keys_keyeve_key_id_b90d26_idx'),
        ),
    ]
