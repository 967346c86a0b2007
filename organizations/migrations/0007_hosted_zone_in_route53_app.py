"""Organization.hosted_zone points at route53.HostedZone (route53 0001 took over the table
domains_hostedzone): in the migration state only, the column and its values stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0006_email_domain_choice'),
        ('route53', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='organization',
                    name='hosted_zone',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='route53.hostedzone'),
                ),
            ],
        ),
    ]
