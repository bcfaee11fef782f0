"""The Monday question's timing, skips, answers and commitments, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.scheduler import tick
from bot.lead_down import service
from bot.lead_down.jobs import JOBS
from bot.lead_down.service import AccessDenied, CheckinError
from bot.org.service import set_line
from tests.factories import T0, person

# Monday 2027-03-08 and Monday 2027-03-15: the US changes to summer time on 14 March, Europe
# on 28 March, so 09:00 in Los Angeles is 17:00 UTC on the first and 16:00 UTC on the second.
MON1, MON2 = date(2027, 3, 8), date(2027, 3, 15)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.fixture
def team(sessions):
    """Boss manages Berlin, Tokyo and Los Angeles."""
    with sessions.begin() as s:
        boss = person(s, "UBOSS", tz="America/New_York")
        for user_id, tz in (("UBER", "Europe/Berlin"), ("UTOK", "Asia/Tokyo"),
                            ("ULAX", "America/Los_Angeles")):
            set_line(s, "T1", manager=boss, report=person(s, user_id, tz=tz), now=T0)
    return sessions


def due_at(sessions, moment: datetime) -> set[str]:
    with sessions.begin() as s:
        return {d.report_id for d in service.due_questions(s, moment)}


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(MON1 - timedelta(days=1), 23, 59), set()),  # Sunday 23:59 UTC: Monday 08:59 Tokyo
        (utc(MON1, 0), {"UTOK"}),                        # 09:00 Tokyo
        (utc(MON1, 7, 59), {"UTOK"}),
        (utc(MON1, 8), {"UTOK", "UBER"}),                # 09:00 Berlin (winter, UTC+1)
        (utc(MON1, 9), {"UBER"}),                        # 18:00 Tokyo: the working day is over
        (utc(MON1, 16, 59), {"UBER"}),                   # 17:59 Berlin, 08:59 Los Angeles
        (utc(MON1, 17), {"ULAX"}),                       # 09:00 Los Angeles (PST), 18:00 Berlin
        (utc(MON2, 16), {"UBER", "ULAX"}),               # 09:00 Los Angeles after the change
        (utc(MON2, 15, 59), {"UBER"}),
        (utc(MON1 + timedelta(days=1), 17), set()),      # never on another day
    ],
)
def test_nine_oclock_in_each_reports_time_zone(team, moment: datetime, expected: set[str]) -> None:
    assert due_at(team, moment) == expected


def test_exactly_once_per_week_whatever_the_ticks(team, emu, web) -> None:
    for user_id in ("UBER", "UTOK", "ULAX"):
        emu.add_user(user_id, user_id.lower())
    moments = [utc(MON1, h) for h in range(0, 24)] * 2
    for moment in moments:
        tick(moment, sessions=team, client=web, jobs=JOBS)
    for user_id in ("UBER", "UTOK", "ULAX"):
        questions = [m for m in emu.dm_messages(user_id) if "asks:" in m["text"]]
        assert len(questions) == 1, user_id


def test_away_holidays_and_settings_skip_the_question(team) -> None:
    with team.begin() as s:
        service.set_away(s, "T1", "UBER", MON1, MON1 - timedelta(days=3))
        service.add_holiday(s, "T1", MON2 + timedelta(days=3))  # a Thursday that week
    assert due_at(team, utc(MON1, 17)) == {"ULAX"}
    assert due_at(team, utc(MON2, 16)) == set()
    with team.begin() as s:
        service.change_settings(s, "T1", "UBOSS", hour=10)
    assert due_at(team, utc(MON1, 17)) == set() and due_at(team, utc(MON1, 18)) == {"ULAX"}
    with team.begin() as s:
        service.change_settings(s, "T1", "UBOSS", enabled=False)
    assert due_at(team, utc(MON1, 18)) == set()


def test_away_dates_are_checked(team) -> None:
    with team.begin() as s, pytest.raises(CheckinError):
        service.set_away(s, "T1", "UBER", MON1 - timedelta(days=1), MON1)


def ask(sessions, report: str = "UBER", day: date = MON1) -> int:
    with sessions.begin() as s:
        question = service.record_question(
            s, service.DueQuestion("T1", report, "UBOSS", service.week_of(day)), utc(day, 8))
        question.channel, question.ts = f"D{report}", f"{day:%s}.000100"
        return question.id


def test_messages_join_into_one_answer_and_retries_do_not_repeat(team) -> None:
    question_id = ask(team)
    with team.begin() as s:
        question = service.question_for_reply(s, "T1", "UBER", "DUBER", None)
        assert question is not None and question.id == question_id
        assert service.add_part(s, question, "1.1", "More time with you", utc(MON1, 10))
        assert not service.add_part(s, question, "1.1", "More time with you", utc(MON1, 10))
        assert service.add_part(s, question, "1.2", "and a CRM that works", utc(MON1, 11))
    with team.begin() as s:
        question = s.get(service.Question, question_id)
        assert service.answer_text(s, question) == "More time with you\nand a CRM that works"
        service.edit_part(s, "T1", "UBER", "1.2", "and a faster CRM", utc(MON1, 12))
        assert service.answer_text(s, question).endswith("a faster CRM")
        assert service.edit_part(s, "T1", "UTOK", "1.1", "hijack", utc(MON1, 12)) is None


def test_replies_belong_to_the_latest_question_in_that_dm(team) -> None:
    first, second = ask(team, day=MON1), ask(team, day=MON2)
    with team.begin() as s:
        assert service.question_for_reply(s, "T1", "UBER", "DOTHER", None) is None
        assert service.question_for_reply(s, "T2", "UBER", "DUBER", None) is None
        assert service.question_for_reply(s, "T1", "UBER", "DUBER", None).id == second
        old_ts = s.get(service.Question, first).ts
        assert service.question_for_reply(s, "T1", "UBER", "DUBER", old_ts).id == first


def test_answers_are_private_and_commitments_belong_to_the_manager(team) -> None:
    question_id = ask(team)
    with team.begin() as s:
        person(s, "UPEER")
        for outsider, team_id in (("UPEER", "T1"), ("UTOK", "T1"), ("UBOSS", "T2")):
            with pytest.raises(AccessDenied):
                service.readable_question(s, team_id, question_id, outsider)
        with pytest.raises(AccessDenied):
            service.commit(s, "T1", question_id, "UBER", "Self-serve", MON2, MON1, utc(MON1, 9))
        with pytest.raises(CheckinError, match="later date"):
            service.commit(s, "T1", question_id, "UBOSS", "Weekly 1:1", MON1 - timedelta(days=1),
                           MON1, utc(MON1, 9))
        commitment = service.commit(s, "T1", question_id, "UBOSS", "Weekly 1:1", MON2, MON1,
                                    utc(MON1, 9))
    with team.begin() as s:
        with pytest.raises(AccessDenied):
            service.complete(s, "T1", commitment.id, "UPEER", utc(MON2, 9))
        done, question = service.complete(s, "T1", commitment.id, "UBOSS", utc(MON2, 9))
        assert done.done_at is not None and question.report_id == "UBER"
        with pytest.raises(CheckinError, match="already done"):
            service.complete(s, "T1", commitment.id, "UBOSS", utc(MON2, 9))


def test_three_unanswered_weeks_are_flagged(team) -> None:
    for week in range(3):
        ask(team, "UBER", MON1 + timedelta(weeks=week))
        qid = ask(team, "UTOK", MON1 + timedelta(weeks=week))
    with team.begin() as s:
        assert service.quiet_reports(s, "T1", "UBOSS") == ["UBER", "UTOK"]
        service.add_part(s, s.get(service.Question, qid), "9.9", "All good", utc(MON1, 9))
    with team.begin() as s:
        assert service.quiet_reports(s, "T1", "UBOSS") == ["UBER"]


def test_only_the_last_three_questions_count(team) -> None:
    answered = ask(team, "UBER", MON1 - timedelta(weeks=1))  # older than the last three
    with team.begin() as s:
        service.add_part(s, s.get(service.Question, answered), "1.1", "Fine", utc(MON1, 9))
    for week in range(3):
        ask(team, "UBER", MON1 + timedelta(weeks=week))
    for week in range(2):  # two weeks of silence are not yet three
        ask(team, "UTOK", MON1 + timedelta(weeks=week))
    with team.begin() as s:
        assert service.quiet_reports(s, "T1", "UBOSS") == ["UBER"]


def test_reminder_on_tuesday_morning_and_digest_at_ten_for_the_manager(team, emu, web) -> None:
    for user_id in ("UBOSS", "UBER", "UTOK", "ULAX"):
        emu.add_user(user_id, user_id.lower())
    for hour in range(0, 24):
        tick(utc(MON1, hour), sessions=team, client=web, jobs=JOBS)
    with team.begin() as s:
        tokyo = service.latest_question(s, "T1", "UTOK", utc(MON1, 23))
        service.add_part(s, tokyo, "5.5", "Introductions to two big accounts", utc(MON1, 23))
    tuesday = MON1 + timedelta(days=1)
    tick(utc(tuesday, 7, 59), sessions=team, client=web, jobs=JOBS)  # 08:59 in Berlin
    assert not [m for m in emu.dm_messages("UBER") if m["text"].startswith("Reminder")]
    for hour in range(8, 24):
        tick(utc(tuesday, hour), sessions=team, client=web, jobs=JOBS)
    reminded = {u for u in ("UBER", "UTOK", "ULAX")
                if [m for m in emu.dm_messages(u) if m["text"].startswith("Reminder")]}
    assert reminded == {"UBER", "ULAX"}
    digests = [m for m in emu.dm_messages("UBOSS") if "answers this week" in m["text"]]
    assert len(digests) == 1
    assert "Introductions to two big accounts" in str(digests[0]["blocks"])
    assert "no answer yet" in str(digests[0]["blocks"])
