from django.apps import AppConfig


class DomainsConfig(AppConfig):
    name = "domains"
    verbose_name = "Mail domains"

    def ready(self) -> None:
        from domains import api

        assert api  # imported for its registrations: the mail domains' API operations
