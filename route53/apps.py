from django.apps import AppConfig


class Route53Config(AppConfig):
    name = "route53"
    verbose_name = "Route 53"
