"""Lifecycle events carry their organization's account and Region, and the seconds spent in the
state they leave: the ops dashboard reads them from this table alone."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

REGIONS = [("us-east-1", "US East (N. Virginia)"), ("us-west-2", "US West (Oregon)"), ("eu-west-1", "Europe (Ireland)")]


def fill_in(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    LifecycleEvent = apps.get_model("organizations", "LifecycleEvent")
    owner = Organization.objects.filter(pk=OuterRef("organization_id"))
    LifecycleEvent.objects.update(
        account_id=Subquery(owner.values("account_id")[:1]),
        region=Subquery(owner.values("region")[:1]),
    )
    previous_at, previous_organization, batch = None, None, []
    for event in LifecycleEvent.objects.order_by("organization_id", "at", "pk").iterator(2000):
        if event.organization_id == previous_organization and event.from_state:
            event.from_state_seconds = (event.at - previous_at).total_seconds()
            batch.append(event)
        previous_at, previous_organization = event.at, event.organization_id
        if len(batch) >= 1000:
            LifecycleEvent.objects.bulk_update(batch, ["from_state_seconds"])
            batch = []
    LifecycleEvent.objects.bulk_update(batch, ["from_state_seconds"])


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
        ("workmail_console", "0003_username_case_insensitive"),
    ]

    operations = [
        migrations.AddField(
            model_name="lifecycleevent",
            name="account",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                to="workmail_console.account",
            ),
        ),
        migrations.AddField(
            model_name="lifecycleevent",
            name="region",
            field=models.CharField(choices=REGIONS, default="", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="lifecycleevent",
            name="from_state_seconds",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="lifecycleevent",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+",
                to="workmail_console.account",
            ),
        ),
        migrations.AddIndex(
            model_name="lifecycleevent",
            index=models.Index(fields=["account", "-at"], name="organizatio_account_d2619d_idx"),
        ),
        migrations.AddIndex(
            model_name="lifecycleevent",
            index=models.Index(fields=["organization", "at"], name="organizatio_organiz_3f0795_idx"),
        ),
    ]
