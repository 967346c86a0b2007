from django.apps import AppConfig


class DirectoriesConfig(AppConfig):
    name = "directories"
    verbose_name = "User directories"
