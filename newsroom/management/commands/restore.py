"""Restore a backup made by ``backup`` (``make restore FROM=backups/<time>``).

The database's own tools write it back without updating or deleting a row, so the
corrections' append-only triggers never fire: SQLite's backup API copies the pages into the
database file, and pg_restore drops what the backup holds (``--clean``) and recreates it. The
media files are extracted into MEDIA_ROOT, over any of the same name.
"""

import sqlite3
import tarfile
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from newsroom import caching

from .backup import DATABASE_FILES, MEDIA_FILE, database_kind, run_postgres_program


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the database and MEDIA_ROOT. Refuses a database that "
        "is not empty unless given --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by `backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that is not empty.",
        )

    def handle(self, *args, folder, force=False, **options):
        folder = Path(folder)
        database = settings.DATABASES["default"]
        kind = database_kind(database)
        dump = folder / DATABASE_FILES[kind]
        if not dump.is_file():
            raise CommandError(
                f"{folder} holds no {dump.name}, so it is not a backup of a {kind} database "
                f"(the database configured by DATABASE_URL)."
            )
        tables = connection.introspection.table_names()
        connection.close()
        if tables and not force:
            raise CommandError(
                f"The database {database['NAME']} is not empty ({len(tables)} tables). A restore "
                "replaces everything in it: run again with --force to overwrite it."
            )
        if kind == "sqlite":
            target = sqlite3.connect(database["NAME"], timeout=20)
            with closing(sqlite3.connect(dump)) as source, closing(target):
                source.backup(target)
        else:
            run_postgres_program(
                "pg_restore",
                database,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                str(dump),
            )
        media = Path(settings.MEDIA_ROOT)
        media.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / MEDIA_FILE) as tar:
            tar.extractall(media, filter="data")
        self.retire_cached_pages()
        self.stdout.write(f"Restored {folder}")

    def retire_cached_pages(self):
        """The restore wrote no row through Django, so the page cache has not seen it."""
        try:
            caching.bump_generation()
        except Exception as error:  # noqa: BLE001 (the data is back; say what is left to do)
            raise CommandError(
                f"Restored, but the page cache could not be cleared ({error}): clear the "
                "cache before readers see pages from before the restore."
            ) from error
