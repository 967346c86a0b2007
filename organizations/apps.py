from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Organizations"

    def ready(self) -> None:
        from directories import usage
        from directories.signals import directory_changed
        from keys.signals import key_changed
        from organizations import api, settings_api, settings_tabs
        from organizations.health import organizations_using
        from organizations.tasks import check_after_directory_change, check_after_key_change

        # A directory an organization is on lists it, and can't be deleted while it is there.
        usage.register(
            "Amazon WorkMail organization",
            find=lambda directory: organizations_using(directory).order_by("alias"),
            name=lambda organization: organization.alias,
        )

        # A key disabled or a directory gone Inoperable impairs its organizations in seconds, not
        # at the next health sweep (and recovering restores them as fast).
        key_changed.connect(check_after_key_change, dispatch_uid="organizations-health-key")
        directory_changed.connect(
            check_after_directory_change, dispatch_uid="organizations-health-directory"
        )

        assert api and settings_api  # imported to register the organizations' API operations

        # Organization settings' tabs after General, in the order of the guide's topics.
        settings_tabs.register("Journaling", "organizations:journaling", order=10)
        settings_tabs.register("Interoperability", "organizations:interoperability", order=20)
