"""The hostile-input lists in ../shared/corpora (beside the checkout; NEWSROOM_SHARED overrides).

A clone without shared/ beside it skips the tests that need them, saying why; under CI=true,
where shared/ is always laid out, a missing corpus fails instead.
"""

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("NEWSROOM_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def corpus_lines(*parts):
    """The non-blank lines of a corpus file, or of every .txt file in a corpus folder."""
    path = SHARED / "corpora" / Path(*parts)
    if not path.exists():
        message = f"hostile-input corpus not found at {path} (set NEWSROOM_SHARED)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
    return [
        line.strip()
        for file in files
        for line in file.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.strip()
    ]
