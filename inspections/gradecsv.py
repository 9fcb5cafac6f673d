"""The grade CSV: its columns, the spreadsheet-formula guard, and writing and reading its rows.

Reading refuses what it cannot read safely, each with the line to look at: a file over its size
or row limit (before reading it all), one that is not UTF-8 or holds a NUL, an unclosed quote.

The report page's download writes it; the import (admin upload and import_grades command) reads
it, so a downloaded file imports as it is and every value comes back exactly as it was.
"""

import csv
import io
import itertools
import re
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


# A report grades tens of areas, and its download is a few kilobytes: these limits are far
# above any real file, and far below what would keep a request busy (see importing.py).
MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
LIMITS = f"at most {MAX_BYTES // 1024 // 1024} MB and {MAX_ROWS} rows"

LINE_END = re.compile(rb"\r\n|\r|\n")  # the line ends csv reads, as io.StringIO splits them
QUOTE = '"'


class Unreadable(ValueError):
    """The file cannot be read as a grade CSV; `errors` says why, with line numbers."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Row:
    """One non-blank record under the header: its values by column, or why they cannot be read.

    `line` is the line the record starts on; a quoted value may carry it over several lines.
    """

    line: int
    values: dict
    problem: str = ""


def read(file):
    """The rows of a grade CSV given as text, bytes or a file opened either way (UTF-8).

    Raises Unreadable, before reading on, for a file over MAX_BYTES or MAX_ROWS, one that is not
    UTF-8 or holds a NUL, and a header that lacks a required column or names one it does not
    know. A record the csv module cannot read (an unclosed quote, a value over its
    field_size_limit) ends the rows with a Row naming the problem. Blank lines are skipped;
    carriage returns, line feeds and both together each end a line.
    """
    text = _text(file)
    # newline="" keeps a carriage return inside a quoted cell, as the csv module asks, and
    # still ends lines at a bare carriage return. strict: a quote left open, or closed by a
    # later row's quote, is an error, not one value that silently swallows the rows after it.
    reader = csv.reader(_lines(text), strict=True)
    header, rows, start = None, [], 1
    try:
        for values in reader:
            line, start = start, reader.line_num + 1
            if header is None:
                header = _header(values)
            elif not "".join(values).strip():
                continue
            elif len(rows) == MAX_ROWS:
                raise Unreadable(
                    [
                        f"The file has more than {MAX_ROWS} rows; an import takes {LIMITS}. "
                        "A report grades tens of areas: is this the right file?"
                    ]
                )
            elif len(values) > len(header):
                problem = f"Line {line}: {len(values)} values; the header has {len(header)}."
                rows.append(Row(line=line, values={}, problem=problem))
            else:
                cells = dict(zip(header, map(unguard, values), strict=False))
                rows.append(Row(line=line, values=cells))
    except csv.Error as error:
        line, problem = _unreadable_record(text, start, reader.line_num, error)
        if header is None:
            raise Unreadable([problem]) from None
        rows.append(Row(line=line, values={}, problem=problem))
    if header is None:
        _header([])  # an empty file: raises, naming the missing columns
    return rows


def _text(file):
    """The file's text, or Unreadable if it is too large, not UTF-8, or holds a NUL."""
    data = file.read(MAX_BYTES + 1) if hasattr(file, "read") else file
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise Unreadable(
            [f"The file is larger than {MAX_BYTES // 1024 // 1024} MB; an import takes {LIMITS}."]
        )
    try:
        text = data.decode("utf-8-sig").lstrip("\ufeff")
    except UnicodeDecodeError as error:
        line = len(LINE_END.findall(data, 0, error.start)) + 1
        raise Unreadable(
            [f"Line {line}: this is not UTF-8 text. Save the file as “CSV UTF-8” and try again."]
        ) from None
    if "\x00" in text:
        # PostgreSQL text cannot hold one; a file saved as UTF-16 has one in every line.
        lines = [n for n, line in enumerate(_lines(text), start=1) if "\x00" in line]
        others = f" So do {len(lines) - 1} more lines." if len(lines) > 1 else ""
        raise Unreadable(
            [
                f"Line {lines[0]}: a NUL character (a zero byte), which text cannot hold.{others} "
                "Save the file as “CSV UTF-8” and try again."
            ]
        )
    return text


def _lines(text):
    """The text's lines as csv reads them, each with its line end."""
    return io.StringIO(text, newline="")


def _header(values):
    """The header's column names, or Unreadable naming what is missing or unknown."""
    header = [column.strip().lower() for column in values]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    if missing or unknown:
        problems = [f"missing {', '.join(missing)}"] if missing else []
        problems += [f"unknown {', '.join(unknown)}"] if unknown else []
        raise Unreadable(
            [
                "Line 1: the header row must name the columns area, grade and (optionally) "
                f"finding; {'; '.join(problems)}."
            ]
        )
    return header


def _unreadable_record(text, start, end, error):
    """The line to report and the problem, for a record on lines start to end that csv refused."""
    record = itertools.islice(_lines(text), start - 1, end)
    line, kind = _failing_value(record, start)
    too_long = f"longer than {csv.field_size_limit():,} characters, the most allowed"
    problems = {
        LONG: f"a value starts here that is {too_long}.",
        LONG_QUOTED: f"the quoted value that starts here is {too_long}. Is its closing quote "
        "missing?",
        UNCLOSED: "the quoted value that starts here is never closed, so the lines after it "
        "would be read as part of it. Add its closing quote.",
        TEXT_AFTER_QUOTE: f"the quoted value that starts here is not closed properly: a quote "
        f"on line {end} ends it and text follows. Add its closing quote, and write a quote "
        'inside a quoted value twice ("").',
    }
    if kind is None:  # not expected: the copy below reads as csv does
        return start, f"Line {start}: this row cannot be read as CSV ({error})."
    return line, f"Line {line}: {problems[kind]}"


LONG, LONG_QUOTED, UNCLOSED, TEXT_AFTER_QUOTE = "long", "long quoted", "unclosed", "after quote"
START, UNQUOTED, QUOTED, CLOSED = range(4)


def _failing_value(lines, first):
    """The line on which the value the csv module (strict) stopped in starts, and why it
    stopped, for a record's lines. A copy of its reading, run only once it has failed, because
    it names neither."""
    limit = csv.field_size_limit()
    opened_on, length, state = first, 0, START
    for number, line in enumerate(lines, start=first):
        for char in line:
            if state == CLOSED and char not in (QUOTE, ",", "\r", "\n"):
                return opened_on, TEXT_AFTER_QUOTE
            if state in (START, UNQUOTED, CLOSED) and char in (",", "\r", "\n"):
                state = START  # the value (or the record) ends
                continue
            if state == START:
                opened_on, length = number, 0
                state = QUOTED if char == QUOTE else UNQUOTED
                if state == QUOTED:
                    continue
            elif state == QUOTED and char == QUOTE:
                state = CLOSED  # or the first of two quotes that stand for one
                continue
            elif state == CLOSED:
                state = QUOTED  # char is the second quote: one quote in the value
            length += 1
            if length > limit:
                return opened_on, LONG_QUOTED if state == QUOTED else LONG
    return (opened_on, UNCLOSED) if state == QUOTED else (None, None)
