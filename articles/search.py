"""Search of stories, for readers and for the desk, fast at any size of archive.

On PostgreSQL a story's words are in ``articles_article.search_vector``, a column the database
computes from the headline (weight A), standfirst (B) and body (C) and indexes with GIN
(migration 0016). A reader's words are read with ``websearch_to_tsquery``: words must all
appear (stemmed: "inspected" finds "inspection"), ``"a quoted phrase"`` must appear as
written, ``or`` offers alternatives and ``-word`` leaves stories out.

**Ranking is over a bounded set of candidates: the newest ``CANDIDATES`` matches.** A common
word ("police") is in half of a local paper's stories; ranking every match means reading
every matching story's vector, 50,000 of them at 100,000 stories, which no index can avoid
and which took a minute. The newest matches are found through the index on publication time
(a common word: only the first few hundred stories are read) or the GIN index (a rare one),
whichever the planner reckons cheaper, and only those are ranked. The cost of a search is
then about proportional to ``CANDIDATES`` whatever the archive's size (a quoted phrase of
two common words, which PostgreSQL checks story by story, costs most). A news site's
readers mostly want recent stories, and a word rare enough to have fewer matches than that
has all of them ranked. Ordering every match by time alone would also be fast, but would put
a story that merely mentions a word above one with it in the headline.

The count is never more than ``CANDIDATES`` + 1 rows' worth: the page says "more than 100"
instead of counting 50,000 matches. A page of results costs the same queries at any size:
one for the page (the candidates, their ranks and the capped count together) and one for
the bylines.

SQLite, the embedded default, has no such index: there every word (or quoted phrase) must
appear in the headline, standfirst or body, newest first, with the same bounded candidate set
and capped count; a search that would read too long is stopped by the reader time limit
(``newsroom.availability``).
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, Window
from django.db.models.expressions import Expression
from django.utils.functional import cached_property

CANDIDATES = 100
PER_PAGE = 20
MAX_WORDS = 8


class StoredVector(Expression):
    """``articles_article.search_vector`` (migration 0016), under whatever alias the query
    gives the table (``U0`` in a subquery): the column is not in the model."""

    @cached_property
    def output_field(self):
        # django.contrib.postgres loads psycopg (15 MiB a worker): imported on first use only,
        # so a site on SQLite never pays for it.
        from django.contrib.postgres.search import SearchVectorField

        return SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f'{table}."search_vector"', []


VECTOR = StoredVector()
TERMS = re.compile(r'(-?)"([^"]*)"|(\S+)')


def uses_index():
    """Whether this database has the stored, indexed search vector (PostgreSQL)."""
    return connection.vendor == "postgresql"


def reader_query(query):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(query, config="english", search_type="websearch")


def matching(queryset, query):
    """Stories of ``queryset`` that match ``query``, unordered: for the desk's story list,
    which orders and pages them itself."""
    if uses_index():
        return queryset.annotate(search_vector=VECTOR).filter(search_vector=reader_query(query))
    return queryset.filter(_contains_all(query))


def _contains_all(query):
    """SQLite: every word or quoted phrase in the headline, standfirst or body; a word with a
    leading minus in none of them. Nothing to look for matches nothing."""
    found = Q()
    wanted = False
    for negated, phrase, word in TERMS.findall(query)[:MAX_WORDS]:
        text = " ".join((phrase or word).split())
        if not phrase and word.startswith("-") and len(word) > 1:
            negated, text = "-", word[1:]
        if not text or text.lower() == "or":
            continue
        anywhere = (
            Q(headline__icontains=text) | Q(standfirst__icontains=text) | Q(body__icontains=text)
        )
        if negated:
            found &= ~anywhere
        else:
            found &= anywhere
            wanted = True
    return found if wanted else Q(pk__in=[])


@dataclass
class ResultPage:
    """One page of search results, shaped like a Django ``Page`` for the templates: a total
    is known only up to ``CANDIDATES``; ``more`` says there are further matches."""

    stories: list
    number: int
    matches: int
    more: bool
    per_page: int = PER_PAGE
    limit: int = CANDIDATES

    @property
    def paginator(self):
        return self

    def __iter__(self):
        return iter(self.stories)

    def __len__(self):
        return len(self.stories)

    @property
    def count(self):
        return self.matches

    @property
    def num_pages(self):
        return max(1, -(-self.matches // self.per_page))

    def has_next(self):
        return self.number < self.num_pages

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.num_pages > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def search_page(queryset, query, number=1, per_page=PER_PAGE):
    """One page of the stories of ``queryset`` that match ``query``, best first, in two
    queries whatever the archive's size; None for a page number past the last one."""
    candidates = matching(queryset, query).order_by("-published_at", "-pk").values("pk")
    results = (
        queryset.defer("body")
        .filter(pk__in=candidates[: CANDIDATES + 1])
        .annotate(matches=Window(Count("pk")))
    )
    if uses_index():
        from django.contrib.postgres.search import SearchRank

        rank = SearchRank(VECTOR, reader_query(query))
        results = results.annotate(rank=rank).order_by("-rank", "-published_at", "-pk")
    else:
        results = results.order_by("-published_at", "-pk")
    start = (number - 1) * per_page
    stories = list(results[start : min(start + per_page, CANDIDATES)]) if start < CANDIDATES else []
    if not stories:
        return None if number > 1 else ResultPage([], 1, 0, False, per_page, CANDIDATES)
    matches = stories[0].matches
    return ResultPage(
        stories, number, min(matches, CANDIDATES), matches > CANDIDATES, per_page, CANDIDATES
    )
