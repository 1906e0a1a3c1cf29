from django.apps import AppConfig


class LeverSandboxConfig(AppConfig):
    name = "lever_sandbox"
    verbose_name = "Lever sandbox"
