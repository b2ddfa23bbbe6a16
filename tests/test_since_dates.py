"""A day/month date given to an analysis (``--since 01/02/2022``) is refused, not read month first in silence.

pandas reads ``01/02/2022`` as 2 January; a European user means 1 February, and
a period read the wrong way round changes every figure without a word. So the
time flags, and the same arguments of the Python functions, refuse a date whose
day and month could be either way round, naming both ISO readings; a date with
one reading only (``13/02/2022``, ``01/01/2022``) or written year first is
read as before.
"""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.analyze.errors import AmbiguousDateError, AnalysisError, user_time_ns
from amplify.utc import timestamp_ns

AMBIGUOUS = [("01/02/2022", 1, 2, 2022, ""), ("1.2.22", 1, 2, 2022, ""), ("03-04-2021 10:00", 3, 4, 2021, " 10:00"),
             ("12/11/2021T05:00Z", 12, 11, 2021, "T05:00Z")]


@pytest.mark.parametrize("text, a, b, year, rest", AMBIGUOUS)
def test_an_ambiguous_date_is_refused_with_both_readings(text, a, b, year, rest):
    with pytest.raises(AmbiguousDateError) as err:
        user_time_ns(text)
    msg = str(err.value)
    month_first, day_first = f"{year}-{a:02d}-{b:02d}{rest}", f"{year}-{b:02d}-{a:02d}{rest}"
    assert f"write {month_first} or {day_first}" in msg and "\n" not in msg
    # both readings are times, and different ones: the user has to choose
    assert user_time_ns(month_first) != user_time_ns(day_first)
    assert isinstance(err.value, AnalysisError)   # the commands show it as the user's error, not as a bug


@pytest.mark.parametrize("text, iso", [("13/02/2022", "2022-02-13"), ("02/13/2022", "2022-02-13"),
                                       ("01/01/2022", "2022-01-01"), ("2022/01/02", "2022-01-02"),
                                       ("2022-02-01T10:00Z", "2022-02-01T10:00Z"), ("20220102", "2022-01-02")])
def test_a_date_with_one_reading_is_read_as_before(text, iso):
    assert user_time_ns(text) == timestamp_ns(pd.Timestamp(iso))


def test_the_python_functions_refuse_it_too():
    from amplify.analyze.synergy import camp_synergy
    from synergy_worlds import seed_world

    posts, links, outlets = seed_world(0)
    with pytest.raises(AmbiguousDateError, match="2022-01-05 or 2022-05-01"):
        camp_synergy(links, posts, outlets, since="01/05/2022", permutations=10)


@pytest.mark.parametrize("command, args", [("synergy", ["--since", "01/02/2022"]),
                                           ("volume", ["--term", "x", "--until", "01.02.2022"]),
                                           ("bridges", ["--since", "1/2/22"])])
def test_a_time_flag_refuses_it_before_anything_runs(tmp_path, command, args):
    from amplify.cli import cli

    res = CliRunner().invoke(cli, [command, "--workspace", str(tmp_path / "nothing-here"), *args])
    assert res.exit_code == 2 and res.stdout == ""
    error = [line for line in res.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1, res.stderr
    assert f"Invalid value for '{args[-2]}'" in error[0] and "2022-01-02 or 2022-02-01" in error[0]
    assert "is not a time" not in error[0]   # it is one; which one is the question
