from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Editorial"

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from .models.corrections import register_unlock_function

        connection_created.connect(register_unlock_function, dispatch_uid="articles-unlock")
        for connection in connections.all(initialized_only=True):
            register_unlock_function(None, connection)
