from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = "Organization users"

    def ready(self) -> None:
        from directories.views import DETAIL_SECTIONS
        from users.directory_pages import SECTION, directory_users_section

        # An AD Connector's page lists the users of the on-premises directory it connects to.
        DETAIL_SECTIONS[SECTION] = directory_users_section
