"""The Route 53 models leave domains' migration state (route53 0001 has them, with their tables):
MailDomain.hosted_zone points at route53.HostedZone. State only: no table, column or row changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('domains', '0005_delegation'),
        ('organizations', '0007_hosted_zone_in_route53_app'),  # its foreign key first
        ('route53', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='maildomain',
                    name='hosted_zone',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='mail_domains', to='route53.hostedzone'),
                ),
                migrations.DeleteModel(
                    name='DomainRegistration',
                ),
                migrations.DeleteModel(
                    name='ResourceRecordSet',
                ),
                migrations.DeleteModel(
                    name='HostedZone',
                ),
            ],
        ),
    ]
