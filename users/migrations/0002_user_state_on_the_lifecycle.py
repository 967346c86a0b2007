"""A user's state moves on the lifecycle machinery, which stamps when it last changed: an existing
user's is its last enable or disable, or its creation."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce


def stamp(apps, schema_editor):
    User = apps.get_model("users", "User")
    User.objects.filter(state="ENABLED").update(
        state_changed_at=Coalesce("enabled_date", "created_date")
    )
    User.objects.exclude(state="ENABLED").update(
        state_changed_at=Coalesce("disabled_date", "created_date")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="state_changed_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(stamp, migrations.RunPython.noop, elidable=False),
    ]
