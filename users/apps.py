from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = "Organization users"

    def ready(self) -> None:
        from directories.views import DETAIL_SECTIONS
        from users import entity_api, group_api, resource_api, user_api
        from users.directory_pages import SECTION, directory_users_section

        # The WorkMail API's operations on users, groups, resources and what they share.
        assert user_api and group_api and resource_api and entity_api  # imported to register

        # An AD Connector's page lists the users of the on-premises directory it connects to.
        DETAIL_SECTIONS[SECTION] = directory_users_section
