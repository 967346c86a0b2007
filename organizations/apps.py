from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Organizations"

    def ready(self) -> None:
        from keys.signals import key_changed
        from organizations.tasks import check_after_key_change

        # A key disabled or scheduled for deletion impairs its organizations in seconds, not at
        # the next health sweep.
        key_changed.connect(check_after_key_change, dispatch_uid="organizations-health-key")
