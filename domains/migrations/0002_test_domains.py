"""Every organization that got past Creating has its test domain <alias>.awsapps.com, verified."""

from django.db import migrations


def add_test_domains(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    MailDomain = apps.get_model("domains", "MailDomain")
    have = Organization.objects.exclude(state="Deleted").exclude(default_mail_domain="")
    rows = (
        MailDomain(
            organization_id=organization_id,
            name=f"{alias.lower()}.awsapps.com",
            is_test_domain=True,
            ownership_status="VERIFIED",
        )
        for organization_id, alias in have.values_list("organization_id", "alias").iterator(2000)
    )
    MailDomain.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def remove_test_domains(apps, schema_editor):
    apps.get_model("domains", "MailDomain").objects.filter(is_test_domain=True).delete()


class Migration(migrations.Migration):
    dependencies = [("domains", "0001_initial")]

    operations = [migrations.RunPython(add_test_domains, remove_test_domains)]
