"""The grade CSV: its columns, the spreadsheet-formula guard, and writing and reading its rows.

The report page's download writes it; the import (admin upload and import_grades command) reads
it, so a downloaded file imports as it is and every value comes back exactly as it was.
"""

import csv
import io
from dataclasses import dataclass

# The import reads area, grade and finding, and ignores the download's other columns.
COLUMNS = ("position", "area", "grade", "finding", "added_on", "previous_grade", "movement")
REQUIRED_COLUMNS = ("area", "grade")

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection):
# https://owasp.org/www-community/attacks/CSV_Injection
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"  # a leading apostrophe makes the cell text in every spreadsheet


def guard(value):
    """A value as written: formula-like text gets the guard in front.

    So does text that already starts with apostrophes before formula-like text, so that
    unguard() can tell the guard from the text and give every value back exactly.
    """
    if isinstance(value, str) and value.lstrip(GUARD)[:1] in FORMULA_STARTS:
        return GUARD + value
    return value


def unguard(cell):
    """A cell's value: a guarded cell without its guard and otherwise exactly as written; any
    other cell without the spaces around it (typed by hand)."""
    if not _is_guarded(cell):
        cell = cell.strip()
        if not _is_guarded(cell):
            return cell
    return cell[len(GUARD) :]


def _is_guarded(cell):
    return cell.startswith(GUARD) and cell.lstrip(GUARD)[:1] in FORMULA_STARTS


def write(stream, rows):
    """Write a header and `rows` ({column: value}) to a text stream, every value guarded."""
    writer = csv.DictWriter(stream, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows({column: guard(value) for column, value in row.items()} for row in rows)


class BadHeader(ValueError):
    """The header row does not name the columns of a grade CSV."""


@dataclass(frozen=True)
class Row:
    """One non-blank line under the header: its values by column, or why they cannot be read."""

    line: int
    values: dict
    problem: str = ""


def read(file):
    """The rows of a grade CSV given as text, bytes or a file opened either way (UTF-8).

    Raises BadHeader when the header lacks a required column or names one it does not know;
    raises UnicodeDecodeError for bytes that are not UTF-8. Blank lines are skipped.
    """
    text = file.read() if hasattr(file, "read") else file
    text = text.decode("utf-8-sig") if isinstance(text, bytes) else text
    # newline="" keeps a carriage return inside a quoted cell, as the csv module asks.
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [column.strip().lower() for column in next(reader, [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    if missing or unknown:
        problems = [f"missing {', '.join(missing)}"] if missing else []
        problems += [f"unknown {', '.join(unknown)}"] if unknown else []
        raise BadHeader(
            "Line 1: the header row must name the columns area, grade and (optionally) "
            f"finding; {'; '.join(problems)}."
        )
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            problem = f"Line {reader.line_num}: {len(values)} values; the header has {len(header)}."
            rows.append(Row(line=reader.line_num, values={}, problem=problem))
        else:
            cells = dict(zip(header, map(unguard, values), strict=False))
            rows.append(Row(line=reader.line_num, values=cells))
    return rows
