from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Editorial"

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from .models.corrections import register_unlock_function

        connection_created.connect(register_unlock_function, dispatch_uid="articles-unlock")
        self._answer_grade_imports()
        for connection in connections.all(initialized_only=True):
            register_unlock_function(None, connection)

    def _answer_grade_imports(self):
        from inspections.importing import grades_import_planned, grades_imported

        from . import receivers

        grades_import_planned.connect(
            receivers.describe_import_for_stories, dispatch_uid="articles-import-preview"
        )
        grades_imported.connect(
            receivers.flag_stories_after_import, dispatch_uid="articles-import-flag"
        )
