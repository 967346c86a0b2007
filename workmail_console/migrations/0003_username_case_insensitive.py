"""User names are unique whatever their case (racer and RACER are one name), in the database.

The rule is a unique index on LOWER(username) of Django's own auth_user table: the User model
stays Django's, so the index is made here rather than declared in a Meta.
"""

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower

UNIQUE_USERNAME = models.UniqueConstraint(Lower("username"), name="unique_username_any_case")


def add_index(apps, schema_editor) -> None:
    User = apps.get_model("auth", "User")
    clashes = list(
        User.objects.using(schema_editor.connection.alias)
        .values(folded=Lower("username"))
        .annotate(users=Count("pk"))
        .filter(users__gt=1)
        .values_list("folded", flat=True)
    )
    if clashes:
        raise RuntimeError(
            "These user names exist in more than one case: " + ", ".join(clashes)
            + ". Rename or remove all but one of each (admin site), then migrate again."
        )
    schema_editor.add_constraint(User, UNIQUE_USERNAME)


def drop_index(apps, schema_editor) -> None:
    schema_editor.remove_constraint(apps.get_model("auth", "User"), UNIQUE_USERNAME)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("workmail_console", "0002_remove_membership_region"),
    ]

    operations = [migrations.RunPython(add_index, drop_index)]
