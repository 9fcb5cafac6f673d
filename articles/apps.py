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
        self._limit_imagekit_to_its_models()
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

    def _limit_imagekit_to_its_models(self):
        # imagekit notes the source pictures of every model instance made anywhere (one
        # post_init receiver for all models, as its receivers cannot be tied to abstract models),
        # which a page of a few dozen rows pays for each row; a story page spent 3% of its time
        # there. Tied here to the concrete models that have image specs (the story, the author),
        # the others are made with no receiver to call. tests/test_images.py checks which have
        # it, and that a new picture still reaches the specs.
        from django.db.models.signals import post_init
        from imagekit.specs.sourcegroups import signal_router
        from imagekit.utils import get_nonabstract_descendants

        uid = "ik_spec_field_receivers"  # imagekit's own, for its post_init receiver
        models = {
            model
            for group in signal_router._source_groups
            for model in get_nonabstract_descendants(group.model_class)
        }
        if post_init.disconnect(dispatch_uid=uid):
            for model in models:
                post_init.connect(signal_router.post_init_receiver, sender=model, dispatch_uid=uid)
