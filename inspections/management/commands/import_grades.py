from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.gradecsv import LIMITS
from inspections.importing import ImportFailed, import_graded_areas
from inspections.models import InspectionReport


class Command(BaseCommand):
    help = (
        "Replace a report's graded areas with those in a CSV file (columns: area, grade, "
        f"finding; header row required; {LIMITS}). Nothing is imported if any row is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", help="The report's slug.")
        parser.add_argument("file", type=Path, help=f"A UTF-8 CSV file, {LIMITS}.")

    def handle(self, *args, report, file, **options):
        try:
            report = InspectionReport.objects.select_related("framework__scale").get(slug=report)
        except InspectionReport.DoesNotExist:
            raise CommandError(f"No report has the slug “{report}”.") from None
        try:
            # Binary, not read_text(): that would turn a carriage return inside a quoted cell
            # into "\n". The import reads no more of it than its size limit.
            stream = file.open("rb")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        with stream:
            try:
                result = import_graded_areas(report=report, file=stream, progress=self.stdout.write)
            except ImportFailed as failure:
                for error in failure.errors:
                    self.stderr.write(error)
                raise CommandError(
                    f"{len(failure.errors)} problem(s) found; nothing was imported."
                ) from None
        self.stdout.write(self.style.SUCCESS(f"Imported grades for “{report}”: {result}"))
