"""Home-office talks on SQLite and PostgreSQL: departments, talk logs, privacy, the schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot import home
from bot.core.coalesce import Coalescer
from bot.core.followups import RunNow
from bot.core.forms import FormErrors
from bot.core.models import Delivery
from bot.core.scheduler import tick
from bot.lead_down.service import add_holiday
from bot.lead_up import talk_flows, talks
from bot.lead_up.ids import BlockId, slot_block
from bot.lead_up.models import HomeOfficeTalk
from bot.lead_up.talk_jobs import JOBS
from bot.lead_up.talks import MID, START, TalkDraft, TalkError
from bot.org.context import RequestContext
from bot.org.service import set_line
from tests.factories import T0, person

TODAY = T0.date()  # Monday 30 Nov 2026, Q4
ZONES = {"UBOSS": "Europe/Paris", "UANN": "Asia/Tokyo", "ULAX": "America/Los_Angeles"}


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.fixture
def team(sessions, emu):
    """Boss (Paris) manages Ann (Tokyo), who manages Bob; Lax (Los Angeles) manages Cat.
    Adm is a workspace admin, nobody's manager."""
    for user_id in ("UBOSS", "ULAX", "UADM"):
        emu.add_user(user_id, user_id.lower(), is_admin=user_id == "UADM")
    with sessions.begin() as s:
        people = {u: person(s, u, tz=tz) for u, tz in ZONES.items()}
        set_line(s, "T1", manager=people["UBOSS"], report=people["UANN"], now=T0)
        set_line(s, "T1", manager=people["UANN"], report=person(s, "UBOB"), now=T0)
        set_line(s, "T1", manager=people["ULAX"], report=person(s, "UCAT"), now=T0)
        person(s, "UADM", is_admin=True, tz="UTC")
    return sessions


def ctx(sessions, web, actor: str, now: datetime = T0) -> RequestContext:
    return RequestContext(sessions=sessions, client=web, team_id="T1", actor_id=actor, now=now,
                          default_tz="UTC", followups=RunNow(sessions, Coalescer(), home.publish))


def slots(*entries: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [*entries, *[("", None)] * (talks.MAX_DEPARTMENTS - len(entries))]


def finance_talk(**changes: object) -> TalkDraft:
    fields = {"department": "Finance", "day": TODAY - timedelta(days=3),
              "thanked": "Closing the books early", "ideas": "Share the forecast monthly"}
    return TalkDraft(**{**fields, **changes})


# departments ---------------------------------------------------------------------------


def test_defaults_until_an_admin_changes_the_list(team, web) -> None:
    with team.begin() as s:
        assert [(d.name, d.contact_id) for d in talks.departments_of(s, "T1")] == [
            ("Finance", None), ("HR", None), ("Legal", None)]
    view = talk_flows.departments_modal(ctx(team, web, "UADM")).to_dict()
    assert view["blocks"][1]["element"]["initial_value"] == "Finance"
    talk_flows.save_departments(ctx(team, web, "UADM"), slots(
        ("", None), ("Finance", "UDAN"), ("  Legal ", None), ("", None), ("Sales ops", "UBOB")))
    with team.begin() as s:
        assert [(d.name, d.contact_id) for d in talks.departments_of(s, "T1")] == [
            ("Finance", "UDAN"), ("Legal", None), ("Sales ops", "UBOB")]
        assert [d.name for d in talks.departments_of(s, "T2")] == ["Finance", "HR", "Legal"]


def test_non_admins_are_refused(team, web) -> None:
    with pytest.raises(TalkError, match="Only workspace admins"):
        talk_flows.departments_modal(ctx(team, web, "UANN"))
    with pytest.raises(TalkError, match="Only workspace admins"):  # a forged submission
        talk_flows.save_departments(ctx(team, web, "UANN"), slots(("Finance", None)))
    with team.begin() as s:
        assert [d.name for d in talks.departments_of(s, "T1")] == ["Finance", "HR", "Legal"]


def test_department_list_errors_by_slot(team, web) -> None:
    assert talks.validate_departments(slots(("Finance", None), ("finance ", None), ("", "UBOB"),
                                            ("x" * 61, None))) == {
        1: "finance is listed twice.",
        2: "Name the department of this contact, or clear the contact.",
        3: "Up to 60 characters."}
    assert talks.validate_departments(slots()) == {0: "Keep at least one department."}
    with pytest.raises(FormErrors) as refused:
        talk_flows.save_departments(ctx(team, web, "UADM"), slots(
            ("HR", None), ("Legal", "UROBO"), ("HR", None)))
    assert set(refused.value.errors) == {slot_block("contact", 1), slot_block("department", 2)}
    with team.begin() as s:
        assert [d.name for d in talks.departments_of(s, "T1")] == ["Finance", "HR", "Legal"]


# talks ---------------------------------------------------------------------------------


def test_talk_validation(team) -> None:
    with team.begin() as s:
        departments = talks.departments_of(s, "T1")
    check = lambda draft: talks.validate_talk(draft, departments, today=TODAY)  # noqa: E731
    assert check(finance_talk()) == {}
    assert check(finance_talk(thanked="", ideas="")) == {
        "thanked": "Say what you thanked them for, or the ideas you learned."}
    assert set(check(finance_talk(day=TODAY + timedelta(days=1)))) == {"day"}
    assert set(check(finance_talk(day=None, department="Marketing"))) == {"day", "department"}
    assert "has no contact" in check(finance_talk(thank_you="Thanks!"))["thank_you"]
    assert check(finance_talk(department="finance", ideas="", day=TODAY)) == {}


def test_a_talk_is_the_submitters_and_counts_in_the_quarter_of_its_day(team, web) -> None:
    talk_id = talk_flows.save_talk(ctx(team, web, "UANN"), finance_talk(day=date(2026, 9, 30)))
    talk_flows.save_talk(ctx(team, web, "UANN"), finance_talk(department="hr"))
    with team.begin() as s:
        assert s.get(HomeOfficeTalk, talk_id).quarter == "2026-Q3"
        q4 = talks.quarter_talks(s, "T1", "UANN", "2026-Q4")
        assert [(t.department, t.manager_id) for t in q4] == [("HR", "UANN")]
        assert [d.name for d in talks.not_met(talks.departments_of(s, "T1"), q4)] == [
            "Finance", "Legal"]
        for outsider in ("UBOSS", "UBOB"):
            with pytest.raises(TalkError, match="private"):
                talks.own_talk(s, "T1", talk_id, outsider)
        with pytest.raises(TalkError):
            talks.own_talk(s, "T2", talk_id, "UANN")
    with pytest.raises(FormErrors) as refused:
        talk_flows.save_talk(ctx(team, web, "UANN"), finance_talk(day=TODAY + timedelta(days=1)))
    assert set(refused.value.errors) == {BlockId.DAY}


def test_forged_form_still_records_the_submitter_and_replies_are_private(team, web) -> None:
    form = {"private_metadata": '{"manager": "UANN"}', "state": {"values": {
        BlockId.DEPARTMENT: {"up.department": {"selected_option": {"value": "Legal"}}},
        BlockId.DAY: {"up.day": {"selected_date": TODAY.isoformat()}},
        BlockId.IDEAS: {"up.text": {"value": "Template NDAs for pilots"}},
        "manager": {"up.text": {"value": "UANN"}}}}}
    draft = talk_flows.read_talk_form(form)
    talk_id = talk_flows.save_talk(ctx(team, web, "ULAX"), draft)
    with team.begin() as s:
        assert s.get(HomeOfficeTalk, talk_id).manager_id == "ULAX"
    mine = talk_flows.REPLIES["talks"](ctx(team, web, "ULAX"))
    assert "Template NDAs" in str(mine.blocks_dicts())
    theirs = str(talk_flows.REPLIES["talks"](ctx(team, web, "UANN")).blocks_dicts())
    assert "Template NDAs" not in theirs and "Not met yet: Finance, HR, Legal" in theirs


def test_thank_you_note_goes_to_the_contact_from_the_manager(team, emu, web) -> None:
    talk_flows.save_departments(ctx(team, web, "UADM"), slots(("Finance", "UDAN"), ("HR", None)))
    first = talk_flows.MODALS["talk"](ctx(team, web, "UANN")).to_dict()  # Finance preselected
    assert "up.thank_you" in str(first) and "<@UDAN>, Finance's contact" in str(first)
    assert "up.thank_you" not in str(talk_flows.talk_modal(ctx(team, web, "UANN"), "HR")
                                     .to_dict())
    manager = ctx(team, web, "UANN")
    talk_id = talk_flows.save_talk(manager, finance_talk(thank_you="You saved our quarter!"))
    talk_flows.announce_talk(manager, talk_id)
    note = emu.find_message("UDAN", "wants to thank you")
    assert note["text"] == "<@UANN> (Sales) wants to thank you: You saved our quarter!"
    confirmation = str(emu.find_message("UANN", "Logged your talk with Finance")["blocks"])
    assert "note went to <@UDAN>" in confirmation and "Still to meet in Q4 2026: HR" in confirmation
    with team.begin() as s:
        assert s.get(HomeOfficeTalk, talk_id).thank_you_sent_at == T0


def test_undeliverable_note_is_kept_and_the_manager_told(team, emu, web) -> None:
    talk_flows.save_departments(ctx(team, web, "UADM"), slots(("Finance", "UDAN")))
    manager = ctx(team, web, "UANN")
    talk_id = talk_flows.save_talk(manager, finance_talk(thank_you="Thanks a lot"))
    emu.fail("chat.postMessage", status=200, error="account_inactive", times=1)
    talk_flows.announce_talk(manager, talk_id)
    assert "could not be delivered" in str(emu.find_message("UANN", "Logged your talk")["blocks"])
    with team.begin() as s:
        talk = s.get(HomeOfficeTalk, talk_id)
        assert talk.thank_you == "Thanks a lot" and talk.thank_you_sent_at is None


# schedule ------------------------------------------------------------------------------


@pytest.mark.parametrize(("quarter", "which", "holidays", "day"), [
    ("2026-Q4", START, (), date(2026, 10, 1)),                      # a Thursday
    ("2027-Q1", START, (date(2027, 1, 1),), date(2027, 1, 4)),      # New Year's Day off: Monday
    ("2028-Q1", START, (), date(2028, 1, 3)),                       # 1 Jan 2028 is a Saturday
    ("2026-Q4", MID, (), date(2026, 11, 16)),                       # 15 Nov is a Sunday
    ("2027-Q1", MID, (date(2027, 2, 15), date(2027, 2, 16)), date(2027, 2, 17)),
    ("2027-Q2", MID, (), date(2027, 5, 17)),                        # 15 May is a Saturday
])
def test_moments_are_first_business_days_at_nine(quarter, which, holidays, day) -> None:
    assert talks.moment(quarter, which, "UTC", frozenset(holidays)) == utc(day, 9)


def due(sessions, at: datetime, which: str = START) -> set[str]:
    with sessions.begin() as s:
        return {manager for _, manager, _ in talks.talks_due(s, at, which)}


def test_due_at_nine_in_each_managers_zone_after_a_holiday(team) -> None:
    with team.begin() as s:
        add_holiday(s, "T1", date(2027, 1, 1))
    monday = date(2027, 1, 4)
    assert due(team, utc(monday, 0) - timedelta(minutes=1)) == set()  # Tokyo is 08:59
    assert due(team, utc(monday, 0)) == {"UANN"}
    assert due(team, utc(monday, 8)) == {"UANN", "UBOSS"}             # 09:00 Paris
    assert due(team, utc(monday, 17)) == {"UANN", "UBOSS", "ULAX"}    # 09:00 Los Angeles
    assert due(team, utc(date(2027, 1, 1), 9)) == set()               # the holiday itself
    late = utc(monday, 17) + timedelta(days=3)                        # catch-up is over
    assert due(team, late - timedelta(minutes=1)) == {"ULAX"} and due(team, late) == set()
    with team.begin() as s:
        assert talks.talks_due(s, utc(monday, 8), START) >= {("T1", "UBOSS", "2027-Q1")}


def test_each_dm_once_per_manager_and_quarter(team, emu, web) -> None:
    moments = [utc(date(2027, 1, 1), 0) + timedelta(hours=h) for h in range(0, 24 * 4, 3)]
    for moment in moments * 2:
        tick(moment, sessions=team, client=web, jobs=JOBS)
    for manager in ZONES:
        starts = [m for m in emu.dm_messages(manager) if "A new quarter (Q1 2027)" in m["text"]]
        assert len(starts) == 1, manager
    buttons = [b["accessory"]["value"] for b in starts[0]["blocks"] if "accessory" in b]
    assert buttons == ["Finance", "HR", "Legal"]
    assert emu.dm_messages("UBOB") == emu.dm_messages("UADM") == []  # not managers
    with team.begin() as s:
        periods = {d.period for d in s.scalars(select(Delivery))}
    assert periods == {"2027-Q1"}


def test_mid_quarter_names_who_is_not_met_and_skips_when_all_are(team, emu, web) -> None:
    later = utc(date(2027, 2, 1), 3)
    for name in ("Finance", "HR", "Legal"):  # Ann met everyone
        talk_flows.save_talk(ctx(team, web, "UANN", later),
                             finance_talk(department=name, day=date(2027, 1, 20)))
    talk_flows.save_talk(ctx(team, web, "ULAX", later), finance_talk(day=date(2027, 1, 20)))
    talk_flows.save_talk(ctx(team, web, "UBOSS", later), finance_talk(day=date(2026, 12, 20)))
    monday = date(2027, 2, 15)
    summary = tick(utc(monday, 17), sessions=team, client=web, jobs=JOBS)
    assert (summary.due, summary.sent, summary.skipped) == (3, 2, 1)
    assert not [m for m in emu.dm_messages("UANN") if "Halfway" in m["text"]]
    lax = next(m for m in emu.dm_messages("ULAX") if "Halfway" in m["text"])
    assert lax["text"] == "Halfway through Q1 2027: you have not met HR, Legal yet."
    boss = next(m for m in emu.dm_messages("UBOSS") if "Halfway" in m["text"])
    assert "Finance, HR, Legal" in boss["text"]
    assert tick(utc(monday, 18), sessions=team, client=web, jobs=JOBS).due == 0
