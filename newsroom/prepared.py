"""Querysets compiled to SQL once per process, then run with each request's values.

Building a queryset and compiling it to SQL is most of what the ORM costs on a page that reads
a handful of small rows: on the story page it was about two thirds of the view (issue 12). The
SQL of a given queryset shape never changes, only its values do, so a ``PreparedQuery`` builds
the queryset once with placeholder values, compiles it once per database connection, notes
where each placeholder's value landed among the parameters, and from then on runs that SQL
with the real values put in their places. Rows become model instances as Django's own
iterable makes them (the columns' converters, ``Model.from_db``, Django's populators for what
``select_related`` follows, annotations), read from the compiler once rather than through a
queryset and a compiler per run, so what comes back is exactly what the queryset would have
returned; tests/test_prepared_rows.py compares the two.

Only values given as placeholders may vary between runs; anything else the queryset holds
(``timezone.now()`` included) must be a placeholder or be truly constant. A placeholder that
does not reach the parameters (Django wrote it into the SQL, or the queryset ignored it) is an
error at compile time, never a query run with a stale value.
"""

import copy
import datetime as dt
import json
import re
import threading

from django.db import connections
from django.db.models.query import FlatValuesListIterable, ModelIterable, get_related_populators
from django.db.models.sql.query import Query

# Kinds of placeholder, and the start of values no caller will pass (each placeholder gets
# its own), so that each one's place among the parameters is unambiguous.
INT = -7_041_992_613
TEXT = "\x1fprepared-placeholder\x1f"
DATETIME = dt.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC)


class PreparedQuery:
    """A queryset shape, compiled once: ``query.run(name=value, ...)`` returns its rows (model
    instances, or whatever the queryset's ``values``/``values_list`` gives).

    ``build`` takes the placeholders as keyword arguments and returns the queryset;
    ``placeholders`` gives each one's kind (``INT``, ``TEXT`` or ``DATETIME``)."""

    def __init__(self, build, **placeholders):
        self.build = build
        self.placeholders = placeholders
        # A value of its kind for each placeholder, distinct from every other's.
        self.sentinels = {
            name: _sentinel(kind, index) for index, (name, kind) in enumerate(placeholders.items())
        }
        self._compiled = threading.local()  # a connection is per thread, so its compilation

    def run(self, using="default", **values):
        compiled = self.compiled(using)
        return compiled.rows(compiled.statement, compiled.params_for(values))

    def compiled(self, using="default"):
        """This shape's compilation on the connection ``using`` names in this thread."""
        connection = connections[using]
        compiled = getattr(self._compiled, using, None)
        if compiled is None or compiled.connection is not connection:
            compiled = Compiled(self, connection, *self._compile(connection, using))
            setattr(self._compiled, using, compiled)
        return compiled

    def _compile(self, connection, using):
        queryset = self.build(**self.sentinels).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        # Which function converts each column's value (the connection's and the fields'):
        # as results_iter works them out, once.
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        slots = []
        for position, param in enumerate(params):
            for name, kind in self.placeholders.items():
                if param == _adapt(self.sentinels[name], kind, connection):
                    slots.append((position, name))
                    break
        missing = set(self.placeholders) - {name for _, name in slots}
        if missing:
            raise ValueError(f"placeholders not among the query's parameters: {sorted(missing)}")
        return queryset, compiler, converters, sql, params, slots


class Compiled:
    """One PreparedQuery's SQL on one connection, and what turns its rows into results."""

    def __init__(self, prepared, connection, queryset, compiler, converters, sql, params, slots):
        self.prepared, self.connection, self.queryset = prepared, connection, queryset
        self.compiler, self.converters = compiler, converters
        self.sql, self.params, self.slots = sql, params, slots
        self.statement = Statement(sql, params, {position for position, _ in slots})
        self.build = _builder(queryset, compiler)
        self.joined = {}  # statements joining this query's SQL to others' (see _joined)

    def params_for(self, values):
        placeholders = self.prepared.placeholders
        if values.keys() != placeholders.keys():
            raise TypeError(f"expected values for {sorted(placeholders)}")
        params = list(self.params)
        for position, name in self.slots:
            params[position] = _adapt(values[name], placeholders[name], self.connection)
        return params

    def rows(self, statement, params):
        """The results of running ``statement`` (this query's, or one selecting the same
        columns)."""
        if self.build is None:
            run = copy.copy(self.compiler)
            run.as_sql = lambda *args, **kwargs: (statement.sql, tuple(params))
            run.get_converters = lambda expressions: self.converters
            return self._results(run)
        return self.build(statement.fetch(self.connection, params), self.converters)

    def rows_from(self, fetched):
        """The results this query gives for rows fetched elsewhere (fetch_together), each a
        list of its columns' values as JSON gave them."""
        if self.build is None:
            run = copy.copy(self.compiler)
            run.execute_sql = lambda *args, **kwargs: [fetched]
            run.get_converters = lambda expressions: self.json_converters
            return self._results(run)
        return self.build(fetched, self.json_converters)

    def _results(self, run):
        clone = self.queryset._chain()
        clone.query.__class__ = _CompiledQuery
        clone.query.compiler = run
        return list(clone)

    def json_row(self):
        """SQL for this query's rows as JSON arrays of their columns (``data``), numbered in the
        query's own order (``ordinal``); its parameters are this query's."""
        if (found := getattr(self, "_json_row", None)) is not None:
            return found
        # A compiler of its own: compiled with aliases, each column is named in its select.
        aliased = self.queryset.query.get_compiler(connection=self.connection)
        sql, params = aliased.as_sql(with_col_aliases=True)
        names = [alias for _, _, alias in aliased.select[: aliased.col_count]]
        if list(params) != list(self.params) or None in names:
            raise ValueError("the aliased SQL is not this query's")
        quote = self.connection.ops.quote_name
        array = "json_build_array" if self.connection.vendor == "postgresql" else "json_array"
        columns = ", ".join(f"t.{quote(name)}" for name in names)
        self._json_row = (
            f"SELECT row_number() OVER () AS ordinal, {array}({columns}) AS data "  # noqa: S608
            f"FROM ({sql}) AS t"
        )
        return self._json_row

    @property
    def json_converters(self):
        """The converters, after turning what JSON cannot carry back into Python: dates and
        times come as ISO text (SQLite's own converters read that text already)."""
        if (found := getattr(self, "_json_converters", None)) is not None:
            return found
        converters = dict(self.converters)
        if self.connection.vendor != "sqlite":
            for position, column in enumerate(self.compiler.select[: self.compiler.col_count]):
                parse = _ISO.get(column[0].output_field.get_internal_type())
                if parse is not None:
                    functions, expression = converters.get(position, ([], column[0]))
                    converters[position] = ([parse, *functions], expression)
        self._json_converters = converters
        return converters


def _builder(queryset, compiler):
    """What turns this query's rows, and the converters to apply to their columns, into the
    queryset's results, as its iterable does (model instances, with what ``select_related``
    follows and the annotations; or a flat ``values_list``'s values), without a queryset or a
    compiler per run; None for a shape the queryset's own iterable must handle."""
    columns = [column[0] for column in compiler.select[: compiler.col_count]]
    if (
        queryset._prefetch_related_lookups
        or queryset._known_related_objects
        or compiler.has_composite_fields(columns)
    ):
        return None
    connection, db = compiler.connection, queryset.db

    def converted(rows, converters):
        # Each row's values through its columns' converters, as results_iter applies them.
        if not converters:
            return rows
        converting = []
        for fetched in rows:
            row = list(fetched)
            for position, (functions, expression) in converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converting.append(row)
        return converting

    if queryset._iterable_class is FlatValuesListIterable:
        return lambda rows, converters: [row[0] for row in converted(rows, converters)]
    if queryset._iterable_class is not ModelIterable:
        return None
    # ModelIterable's own reading of the compiler, done once.
    klass_info = compiler.klass_info
    from_db = klass_info["model"].from_db
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in compiler.select[start:end]]
    populators = get_related_populators(klass_info, compiler.select, db)
    annotations = list(compiler.annotation_col_map.items())

    def build(rows, converters):
        found = []
        for row in converted(rows, converters):
            obj = from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    return build


def _from_iso(kind):
    def parse(value, expression, connection):
        return value if value is None else kind.fromisoformat(value)

    return parse


_ISO = {
    "DateTimeField": _from_iso(dt.datetime),
    "DateField": _from_iso(dt.date),
    "TimeField": _from_iso(dt.time),
}


class Statement:
    """SQL as Django writes it (``sql``, a ``%s`` for each of the parameters ``params`` holds
    for the placeholders' sentinels), ready to run with each run's values.

    It runs with each parameter named (``%(p0)s``...) and given in a dict: SQLite's cursor puts
    named ones in with ``%`` formatting, but finds ``%s`` ones with a regular expression over the
    whole text on every execution (0.037 ms of fetch_together's 0.18 ms, for its 5 kB of SQL).
    And a constant word (``Status.PUBLISHED``) is written into the SQL: SQLite prepares a
    statement again on every run when a parameter stands where a partial index's condition
    could match (``status = 'published'`` on articles), 0.03 ms for the story's query."""

    def __init__(self, sql, params, varying):
        self.sql = sql
        self.names = [f"p{position}" for position in range(len(params))]
        found = []

        def put(match):
            position = len(found)
            found.append(position)
            if position >= len(params):
                return match.group()  # refused below
            value = params[position]
            if position not in varying and isinstance(value, str) and _WORD.fullmatch(value):
                return "'" + value + "'"
            return f"%({self.names[position]})s"

        self.named = _PARAMETER.sub(put, sql)
        if len(found) != len(params):
            raise ValueError(f"expected {len(params)} parameters in the SQL: {sql}")

    def fetch(self, connection, params):
        """Its rows, run on ``connection`` with these values for its parameters (the constants
        written into the SQL among them, unused)."""
        with connection.cursor() as cursor:
            cursor.execute(self.named, dict(zip(self.names, params, strict=True)))
            return cursor.fetchall()


_PARAMETER = re.compile(r"(?<!%)%s")  # a parameter where Django's SQLite backend finds one
_WORD = re.compile(r"\w+")  # a constant that needs no escaping as an SQL string


def _joined(compiled, join):
    """The Statement ``join`` makes of these compiled parts' SQL, made once for them: kept by
    the first part, as they all belong to its connection and thread."""
    key = (join, compiled)
    if (statement := compiled[0].joined.get(key)) is None:
        params, varying = [], set()
        for part in compiled:
            varying.update(len(params) + position for position, _ in part.slots)
            params.extend(part.params)
        statement = compiled[0].joined[key] = Statement(join(compiled), params, varying)
    return statement


def _together_sql(compiled):
    rows = " UNION ALL ".join(
        f"SELECT {n} AS part, ordinal, data FROM ({part.json_row()}) AS part{n}"  # noqa: S608
        for n, part in enumerate(compiled)
    )
    return f"{rows} ORDER BY part, ordinal"


def _union_sql(compiled):
    # Django's own compiled SQL, each part's values kept as parameters.
    return " UNION ALL ".join(
        f"SELECT * FROM ({part.sql}) AS part{n}"  # noqa: S608
        for n, part in enumerate(compiled)
    )


def fetch_together(parts, using="default"):
    """The results of several PreparedQuery shapes (each given with its values, as ``(query,
    values)``) in one query, a list for each part: every part's rows come as JSON arrays through
    one UNION ALL, in its own order, and become its results as if it had run alone."""
    compiled = tuple(query.compiled(using) for query, _ in parts)
    params = [
        param
        for part, (_, values) in zip(compiled, parts, strict=True)
        for param in part.params_for(values)
    ]
    fetched = [[] for _ in compiled]
    for part, _, data in _joined(compiled, _together_sql).fetch(connections[using], params):
        fetched[part].append(json.loads(data) if isinstance(data, str) else data)
    return [part.rows_from(rows) for part, rows in zip(compiled, fetched, strict=True)]


def union_all(parts, using="default"):
    """The rows of several PreparedQuery shapes that select the same columns of the same model
    (each given with its values, as ``(query, values)``), in one query: each part as it is, its
    own order and limit kept, one after the other."""
    if len(parts) == 1:
        query, values = parts[0]
        return query.run(using, **values)
    compiled = tuple(query.compiled(using) for query, _ in parts)
    params = [
        param
        for part, (_, values) in zip(compiled, parts, strict=True)
        for param in part.params_for(values)
    ]
    return compiled[0].rows(_joined(compiled, _union_sql), params)


class _CompiledQuery(Query):
    """A query whose compiler is ready: the queryset's iterable gets it as it is."""

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        self.compiler.connection = connections[using] if using else connection
        return self.compiler


def _sentinel(kind, index):
    if kind is INT:
        return INT - index
    if kind is TEXT:
        return f"{TEXT}{index}"
    if kind is DATETIME:
        return DATETIME + dt.timedelta(seconds=index)
    raise ValueError(f"not a placeholder kind: {kind!r}")


def _adapt(value, kind, connection):
    """The value as the compiled query's parameters hold it."""
    if kind is DATETIME:
        return connection.ops.adapt_datetimefield_value(value)
    return value


def attach(instance, name, objects):
    """Give ``instance.<name>.all()`` these objects, as ``prefetch_related`` would have (the
    related manager answers from the instance's prefetch cache, with no query)."""
    manager = getattr(instance, name)
    objects = list(objects)
    if (field := getattr(manager, "field", None)) is not None and not field.many_to_many:
        for obj in objects:  # each row's foreign key back to the instance, as prefetching does
            field.set_cached_value(obj, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
