"""Property-based tests: random and hostile input to every parser gives a value or the parser's
documented error, never anything else. (tests/test_fuzz_live.py throws the same at the app.)"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.forms import (
    FormErrors,
    selected_date,
    selected_option,
    selected_user,
    selected_users,
    value,
)
from bot.core.mentions import MentionError, parse_mentions
from bot.lead_down.commands import parse_day
from bot.lead_up import api, periods, reports
from bot.lead_up.importer import read_records
from bot.org.importer import ImportFileError, read_rows
from bot.org.people import OrgError

HOSTILE = [
    "", " ", "\x00", "\n", "\r\n", "\t", "\u202e", "\ufeff", "<@U123>", "<@U123|ann>", "<@W9>",
    "<@u123>", "<@U123", "<!channel>", "<!here>", "<#C123|general>", "@ann", "'; DROP TABLE "
    "people; --", "${jndi:ldap://x/a}", "{{7*7}}", "%s%n%x", "../../etc/passwd", "1e999", "nan",
    "inf", "-0", "0x10", "\uff11\uff12\uff13", "\u0661\u0662\u0663", "\U0001d7d9\U0001d7da",
    "12,50", "1,2345", "$", "$1,000.", "2026-13", "2026-W54", "2026-W00", "1999-01", "20261224",
    "2026-12-32", "2026-02-29", "2026-W48-1", "24:00", "09:60", "\uff19:\uff10\uff10", "x" * 5000,
    "9" * 5000, "<@" + "U" * 40 + ">", "\\", "\"", "`", "*bold*", "<https://evil.example|click>",
    "&lt;@U1&gt;", "\u0000\u0001\u007f", "\u1e9e" * 3,
]
hostile = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=80),
                    st.text(alphabet="<@>|UW0123456789,.$%-: \n", max_size=40))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile, inner, max_size=4),
    max_leaves=12)
FUZZ = settings(max_examples=300, deadline=None)


@FUZZ
@given(st.lists(hostile, max_size=6))
def test_mentions_are_user_ids_or_a_mention_error(words: list[str]) -> None:
    try:
        ids = parse_mentions(words)
    except MentionError as error:
        assert str(error) and len(str(error)) < 300
        return
    assert all(re.fullmatch(r"[UW][A-Z0-9]{1,31}", i) for i in ids) and len(ids) <= len(words)


@FUZZ
@given(hostile)
def test_numbers_are_finite_non_negative_and_bounded(text: str) -> None:
    try:
        number = reports.parse_number(text)
    except ValueError as error:
        assert len(str(error)) < 200
        return
    assert math.isfinite(number) and 0 <= number <= reports.MAX_NUMBER
    assert re.fullmatch(r"[$€£]?\s*[0-9,]+(\.[0-9]+)?\s*%?", text.strip())


@FUZZ
@given(hostile)
def test_periods_are_normalised_months_or_weeks(text: str) -> None:
    try:
        period = periods.parse_period(text)
    except ValueError:
        return
    assert re.fullmatch(r"2[0-9]{3}-(0[1-9]|1[0-2])|[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])", period)
    assert periods.start_of(period) <= periods.end_of(period)


@FUZZ
@given(hostile)
def test_dates_are_only_yyyy_mm_dd(word: str) -> None:
    try:
        day = parse_day(word)
    except OrgError:
        return
    assert isinstance(day, date) and word == day.isoformat()


@FUZZ
@given(st.lists(hostile, max_size=12).map("\n".join))
def test_metric_lines_are_bounded(text: str) -> None:
    try:
        metrics = reports.parse_metric_lines(text)
    except ValueError:
        return
    assert len(metrics) <= reports.MAX_METRICS
    assert all(0 < len(m.name) <= reports.LIMITS["metric_name"] for m in metrics)


@FUZZ
@given(json_values, st.sampled_from([None, 5, 3000]))
def test_modal_values_of_any_shape_read_as_text_dates_options_or_form_errors(
        state: Any, limit: int | None) -> None:
    values = {"b": {"a": state}, "c": state}
    for block in ("b", "c"):
        try:
            text = value(values, block, "a", limit)
        except FormErrors as error:
            assert limit is not None and list(error.errors) == [block]
        else:
            assert isinstance(text, str) and (limit is None or len(text) <= limit)
        assert selected_date(values, block, "a") is None or isinstance(
            selected_date(values, block, "a"), date)
        assert isinstance(selected_option(values, block, "a") or "", str)
        assert all(isinstance(u, str) for u in selected_users(values, block, "a"))
        assert isinstance(selected_user(values, block, "a") or "", str)


@FUZZ
@given(st.one_of(st.binary(max_size=300), json_values.map(lambda v: json.dumps(v).encode()),
                 st.lists(st.dictionaries(st.sampled_from([*sorted(api.FIELDS), "x"]),
                                          json_values, max_size=8), max_size=3)
                 .map(lambda items: json.dumps({"reports": items}).encode())))
def test_api_bodies_are_records_or_a_bad_request(body: bytes) -> None:
    try:
        records = api.parse_body(body)
    except api.BadRequest as error:
        assert error.error in {"invalid_json", "invalid_request"}
        return
    for record in records:
        assert isinstance(record.manager, str) and isinstance(record.period, str)
        assert all(isinstance(v, str) for v in record.raw.values())


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


csv_files = st.one_of(
    st.text(max_size=400),
    st.builds(csv_text, st.sampled_from([["manager", "report"],
                                         ["manager", "period", "sales", "target", "pipeline"],
                                         ["manager", "period", "sales", "target", "pipeline",
                                          "Win rate"]]),
              st.lists(st.lists(hostile, max_size=7), max_size=6)))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(csv_files)
def test_csv_files_are_rows_or_an_import_file_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    for read in (read_rows, read_records):
        try:
            rows = read(path)
        except ImportFileError as error:
            assert "\n" not in str(error)
            continue
        assert isinstance(rows, list)
