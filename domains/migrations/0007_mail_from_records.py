"""Improved email delivery: every added domain gets its custom MAIL FROM records (a TXT and an MX
at mail.<domain>), not checked yet, as Add domain now makes them; the test domain, which has no
records, gets none. The domains are checked at beat's next pass, so the new rows get a status soon.
The values are written out here, as domains.records made them when this was written."""

from django.db import migrations, models
from django.db.models.functions import Now

KINDS = ("mailfrom_txt", "mailfrom_mx")
GROUP = "Improved email delivery"
SPF = "v=spf1 include:amazonses.com ~all"
BATCH = 1000


def add_mail_from_records(apps, schema_editor):
    MailDomain = apps.get_model("domains", "MailDomain")
    DomainRecord = apps.get_model("domains", "DomainRecord")
    # Listed first: SQLite may show rows inserted while a SELECT is still being read.
    domains = list(
        MailDomain.objects.filter(is_test_domain=False)
        .exclude(records__kind__in=KINDS)
        .order_by("pk")
        .values_list("pk", "name", "region")
    )
    for start in range(0, len(domains), BATCH):
        batch = domains[start : start + BATCH]
        rows = []
        for pk, name, region in batch:
            hostname = f"mail.{name}"
            rows += [
                DomainRecord(
                    domain_id=pk, kind="mailfrom_txt", group=GROUP, type="TXT",
                    hostname=hostname, value=SPF, status="PENDING",
                ),
                DomainRecord(
                    domain_id=pk, kind="mailfrom_mx", group=GROUP, type="MX", hostname=hostname,
                    value=f"10 feedback-smtp.{region}.amazonses.com", status="MISSING",
                ),
            ]  # fmt: skip
        DomainRecord.objects.bulk_create(rows)
        MailDomain.objects.filter(pk__in=[pk for pk, _, _ in batch]).update(next_check_at=Now())


def remove_mail_from_records(apps, schema_editor):
    apps.get_model("domains", "DomainRecord").objects.filter(kind__in=KINDS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('domains', '0006_route53_app'),
    ]

    operations = [
        migrations.AlterField(
            model_name='domainrecord',
            name='kind',
            field=models.CharField(choices=[('ownership', 'ownership'), ('mx', 'mx'), ('autodiscover', 'autodiscover'), ('dkim1', 'dkim1'), ('dkim2', 'dkim2'), ('dkim3', 'dkim3'), ('spf', 'spf'), ('dmarc', 'dmarc'), ('mailfrom_txt', 'mailfrom_txt'), ('mailfrom_mx', 'mailfrom_mx')], max_length=12),
        ),
        migrations.RunPython(add_mail_from_records, remove_mail_from_records),
    ]
