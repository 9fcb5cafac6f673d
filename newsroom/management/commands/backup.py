"""Back up the database and the media files into a new folder (``make backup``).

SQLite is copied with its online backup API: a consistent snapshot, taken while the site goes
on reading and writing (WAL). PostgreSQL is dumped with pg_dump's custom format, which
pg_restore reads. The media files (MEDIA_ROOT) go into a tar beside the database.
``restore`` reads the folder back.
"""

import os
import shutil
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
MEDIA_FILE = "media.tar"
DATABASE_FILES = {"sqlite": SQLITE_FILE, "postgresql": POSTGRES_FILE}


def database_kind(database):
    """ "sqlite" or "postgresql": the two databases the project runs on."""
    for kind in DATABASE_FILES:
        if database["ENGINE"].endswith(f".{kind}") or database["ENGINE"].endswith(f".{kind}3"):
            return kind
    raise CommandError(f"Backups cover SQLite and PostgreSQL, not {database['ENGINE']}.")


def run_postgres_program(program, database, *args):
    """Run pg_dump or pg_restore on the database in DATABASES. The password goes in the
    environment, not on the command line, where any user could read it with `ps`."""
    if shutil.which(program) is None:
        raise CommandError(
            f"{program} is not installed: install PostgreSQL's client programs "
            "(on Debian, apt-get install postgresql-client)."
        )
    command = [program, f"--dbname={database['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command.append(f"{flag}={database[key]}")
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    if sslmode := database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    result = subprocess.run([*command, *args], env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise CommandError(f"{program} failed:\n{result.stderr.strip()}")


class Command(BaseCommand):
    help = "Back up the database and the media files into a new folder (backups/<time>/)."

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", nargs="?", help="Where to write the backup (default: backups/<UTC time>/)."
        )

    def handle(self, *args, folder=None, **options):
        stamp = timezone.now().strftime("%Y-%m-%dT%H%M%SZ")
        folder = Path(folder) if folder else settings.BASE_DIR / "backups" / stamp
        folder.mkdir(parents=True, exist_ok=True)
        if any(folder.iterdir()):
            raise CommandError(f"{folder} is not empty: a backup goes into a folder of its own.")
        try:
            self.back_up(folder)
        except BaseException:
            shutil.rmtree(folder)  # it was empty: a half-written backup must not look whole
            raise
        self.stdout.write(f"Backed up to {folder}")

    def back_up(self, folder):
        database = settings.DATABASES["default"]
        # The database first, then the files: every file a row names was saved before its row,
        # so it is in the tar (files added meanwhile are extra, and harmless).
        if database_kind(database) == "sqlite":
            if not Path(database["NAME"]).exists():
                raise CommandError(f"There is no database at {database['NAME']}.")
            source = sqlite3.connect(database["NAME"], timeout=20)
            with closing(source), closing(sqlite3.connect(folder / SQLITE_FILE)) as target:
                source.backup(target)
        else:
            run_postgres_program(
                "pg_dump", database, "--format=custom", f"--file={folder / POSTGRES_FILE}"
            )
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(folder / MEDIA_FILE, "w") as tar:
            for path in sorted(media.iterdir()) if media.is_dir() else []:
                tar.add(path, arcname=path.name)
