"""The date-sensitive tests pass on awkward days: the end of February, New Year's Day and a leap day.

The app reads "today" from one settable clock (keuzehulp.clock); `--today` moves it for a run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# contract validity, freshness of profiles and figures, overdue consultaties, retention, neutral order
DATE_SENSITIVE = [
    "tests/unit/test_index.py",
    "tests/unit/test_search_exactness.py",
    "tests/unit/test_resultaten.py",
    "tests/web/test_zoeken.py",
    "tests/web/test_aanbieder_profiel.py",
    "tests/web/test_wachttijden.py",
    "tests/web/test_consultatie.py",
    "tests/web/test_beheer.py",
    "tests/web/test_zorglandschap.py",
]


@pytest.mark.parametrize("day", ["2026-02-28", "2027-01-01", "2028-02-29"])
def test_datumgevoelige_tests_slagen_op_lastige_dagen(day, backend):
    if backend != "sqlite":
        pytest.skip("one database is enough to check the dates")
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-k",
        "sqlite",
        f"--today={day}",
    ]
    run = subprocess.run([*command, *DATE_SENSITIVE], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout.splitlines()[-1]
