from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HrConfig(AppConfig):
    name = "hr"
    verbose_name = "HR"

    def ready(self):
        from hr.roles import grant_after_migrate

        # Permissions only exist once every app has migrated, so the group's permissions are
        # (re)granted after each migrate rather than in a data migration.
        post_migrate.connect(grant_after_migrate, dispatch_uid="hr-professional")
