# Directory events on the one lifecycle machinery's event base (workmail_console.lifecycle):
# from_stage/to_stage are from_state/to_state, and each event carries its directory's account and
# Region and the seconds spent in the stage it leaves, as organizations' events do.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_account_region_and_seconds(apps, schema_editor):
    DirectoryEvent = apps.get_model("directories", "DirectoryEvent")
    Directory = apps.get_model("directories", "Directory")
    directory = Directory.objects.filter(pk=OuterRef("directory_id"))
    DirectoryEvent.objects.update(
        account_id=Subquery(directory.values("account_id")[:1]),
        region=Subquery(directory.values("region")[:1]),
    )
    previous = {}
    for event in DirectoryEvent.objects.order_by("directory_id", "at", "pk"):
        before = previous.get(event.directory_id)
        if before is not None and event.from_state:
            event.from_state_seconds = (event.at - before).total_seconds()
            event.save(update_fields=["from_state_seconds"])
        previous[event.directory_id] = event.at


class Migration(migrations.Migration):

    dependencies = [
        ("directories", "0002_lifecycle_kinds_and_events"),
        ("workmail_console", "0003_username_case_insensitive"),
    ]

    operations = [
        migrations.RenameField("directoryevent", "from_stage", "from_state"),
        migrations.RenameField("directoryevent", "to_stage", "to_state"),
        migrations.AlterField(
            model_name="directoryevent",
            name="from_state",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AlterField(
            model_name="directoryevent",
            name="to_state",
            field=models.CharField(max_length=16),
        ),
        migrations.AddField(
            model_name="directoryevent",
            name="account",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                to="workmail_console.account",
            ),
        ),
        migrations.AddField(
            model_name="directoryevent",
            name="region",
            field=models.CharField(
                blank=True, max_length=16,
                choices=[("us-east-1", "US East (N. Virginia)"), ("us-west-2", "US West (Oregon)"),
                         ("eu-west-1", "Europe (Ireland)")],
            ),
        ),
        migrations.AddField(
            model_name="directoryevent",
            name="from_state_seconds",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.RunPython(fill_account_region_and_seconds, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="directoryevent",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+",
                to="workmail_console.account",
            ),
        ),
    ]
