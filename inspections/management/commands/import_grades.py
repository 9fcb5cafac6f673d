from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.importing import ImportFailed, import_graded_areas
from inspections.models import InspectionReport


class Command(BaseCommand):
    help = (
        "Replace a report's graded areas with those in a CSV file (columns: area, grade, "
        "finding; header row required). Nothing is imported if any row is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", help="The report's slug.")
        parser.add_argument("file", type=Path, help="A UTF-8 CSV file.")

    def handle(self, *args, report, file, **options):
        try:
            report = InspectionReport.objects.select_related("framework__scale").get(slug=report)
        except InspectionReport.DoesNotExist:
            raise CommandError(f"No report has the slug “{report}”.") from None
        try:
            # Not read_text(): it would turn a carriage return inside a quoted cell into "\n".
            text = file.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None

        def progress(done, total):
            self.stdout.write(f"Checked {done} of {total} rows ({100 * done // total}%)")

        try:
            result = import_graded_areas(report=report, file=text, progress=progress)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(failure.errors)} problem(s) found; nothing was imported."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Imported grades for “{report}”: {result}"))
