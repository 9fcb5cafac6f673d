"""Grade counts stated in story prose, read so the desk can check them against a report.

Claims like "four 'good' grades", "rated inadequate in two areas", "2 requires improvement" or
"no ‘outstanding’ grades" (HTML allowed). This module imports no model: a grade is anything
with a `pk`, a `label` and a `slug`.
"""

import html
import re

from django.utils.html import strip_tags

# fmt: off
NUMBER_WORDS = {
    "no": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20,
}
# fmt: on
_QUOTE = "[\"'‘’“”]"
_NUMBER = r"(?P<number>\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_GRADE_NOUN = r"\s*(?:grades?|ratings?|judge?ments?|areas?)\b"


def _number(word):
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def stated_grade_counts(text, grades):
    """(grade, number) for each grade count claimed in text (HTML allowed), in order."""
    text = re.sub(r"\s+", " ", html.unescape(strip_tags(text or "")))
    names = {}
    for grade in grades:
        names[grade.label.lower()] = grade
        names[grade.slug.replace("-", " ").lower()] = grade
    label = "|".join(
        re.escape(name).replace(r"\ ", r"\s+") for name in sorted(names, key=len, reverse=True)
    )
    label = rf"(?P<open>{_QUOTE})?(?P<label>{label})(?(open){_QUOTE})"
    patterns = [
        # "four 'good' grades", "2 requires improvement", "0 outstanding, 4 good"
        rf"\b{_NUMBER}\s+{label}(?!\w)",
        # "rated inadequate in two areas", "graded ‘good’ in four of the nine areas"
        rf"\b(?:rated|graded|judged|assessed\s+as|found\s+to\s+be)\s+{label}\s+"
        rf"(?:in|for|across)\s+{_NUMBER}\s+(?:of\s+(?:the\s+|its\s+)?(?:\w+\s+)?)?"
        r"(?:areas?|categories)\b",
        # "four of the nine areas were rated good"
        rf"\b{_NUMBER}\s+(?:of\s+(?:the\s+|its\s+)?(?:\w+\s+)?)?areas?\s+(?:was|were)\s+"
        rf"(?:rated|graded|judged|assessed\s+as)\s+{label}(?!\w)",
    ]
    claims = []
    for index, pattern in enumerate(patterns):
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            if index == 0 and not _is_count_claim(match, text):
                continue
            grade = names[re.sub(r"\s+", " ", match["label"].lower())]
            claims.append((match.start(), grade, _number(match["number"])))
    return [(grade, number) for _, grade, number in sorted(claims, key=lambda c: c[0])]


def _is_count_claim(match, text):
    """Tell "four 'good' grades" from "no good reason": an unquoted one-word grade name counts
    only before a word like "grades", or ending a phrase ("0 outstanding, 4 good, ...")."""
    if match["open"] or " " in match["label"].strip():
        return True
    tail = text[match.end() :]
    if re.match(_GRADE_NOUN, tail, flags=re.IGNORECASE):
        return True
    if match["number"].lower() in {"no", "zero", "one"}:
        return False
    return bool(re.match(r"\s*(?:[,;:)]|\.(?!\w)|$|and\b|or\b)", tail, flags=re.IGNORECASE))


def stated_count_mismatches(text, counts):
    """Warnings for each grade count claimed in text that `counts` contradicts.

    `counts` is [(grade, number of areas)] for every grade of the report's scale. Returns one
    plain-English sentence per claim whose figure differs from the report's, e.g.
    "The story says 3 ‘good’ grades; the report has 4." Empty when all agree.
    """
    actual_counts = {grade.pk: count for grade, count in counts}
    warnings = []
    for grade, stated in stated_grade_counts(text, [grade for grade, _ in counts]):
        actual = actual_counts[grade.pk]
        if stated != actual:
            noun = "grade" if stated == 1 else "grades"
            message = (
                f"The story says {stated} ‘{grade.label.lower()}’ {noun}; the report has {actual}."
            )
            if message not in warnings:
                warnings.append(message)
    return warnings
