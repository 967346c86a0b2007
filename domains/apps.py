from django.apps import AppConfig


class DomainsConfig(AppConfig):
    name = "domains"
    verbose_name = "Mail domains"

    def ready(self) -> None:
        from domains import registrar  # noqa: F401 - its Celery task, beside domains.tasks
