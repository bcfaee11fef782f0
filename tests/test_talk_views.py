"""Home-office talk views build valid Block Kit within Slack's limits, user text escaped."""

from __future__ import annotations

from datetime import date

from bot.core.blocks import markdown
from bot.core.home import home_view
from bot.lead_up import talk_views
from bot.lead_up.ids import Action, BlockId, Callback
from bot.lead_up.models import Department, HomeOfficeTalk
from bot.lead_up.talks import LIMITS, MAX_DEPARTMENTS
from tests import blockkit
from tests.factories import T0

DAY = date(2026, 11, 20)


def departments(count: int = 3, contact: str | None = "UDAN") -> list[Department]:
    names = ["Finance", "HR", "Legal <!here>", *(f"Dept {i}" for i in range(3, count))]
    return [Department(team_id="T1", name=name, contact_id=contact if i == 0 else None,
                       position=i) for i, name in enumerate(names[:count])]


def talk(department: str = "Finance", **changes: object) -> HomeOfficeTalk:
    fields = {"id": 1, "team_id": "T1", "manager_id": "UANN", "department": department,
              "day": DAY, "quarter": "2026-Q4", "thanked": "Fast approvals",
              "ideas": "Monthly *forecast* <!channel>", "follow_ups": "", "thank_you": "",
              "created_at": T0}
    return HomeOfficeTalk(**{**fields, **changes})


def action_ids(blocks: list[dict]) -> list[str]:
    found = [b["accessory"]["action_id"] for b in blocks if "accessory" in b]
    return found + [e["action_id"] for b in blocks if b["type"] == "actions"
                    for e in b["elements"]]


def test_departments_modal_has_eight_slots_with_the_current_list() -> None:
    for current in ([], departments(), departments(MAX_DEPARTMENTS)):
        view = talk_views.departments_modal(current).to_dict()
        blockkit.check(view, "modal")
        assert view["callback_id"] == Callback.DEPARTMENTS
        inputs = [b for b in view["blocks"] if b["type"] == "input"]
        assert len(inputs) == 2 * MAX_DEPARTMENTS
        assert all(b["optional"] for b in inputs)
    assert inputs[0]["element"]["initial_value"] == "Finance"
    assert inputs[1]["element"] == {"type": "users_select", "action_id": Action.CONTACT,
                                    "initial_user": "UDAN",
                                    "placeholder": {"type": "plain_text", "text": "Nobody yet",
                                                    "emoji": True}}


def test_talk_modal_preselects_and_offers_the_note_only_with_a_contact() -> None:
    listed = departments(MAX_DEPARTMENTS)
    with_note = talk_views.talk_modal(listed, selected="finance", today=DAY).to_dict()
    without = talk_views.talk_modal(listed, selected="HR", today=DAY).to_dict()
    unknown = talk_views.talk_modal(listed, selected="Gone", today=DAY).to_dict()
    for view in (with_note, without, unknown):
        blockkit.check(view, "modal")
        assert view["callback_id"] == Callback.TALK
    by_id = {b.get("block_id"): b for b in with_note["blocks"]}
    assert by_id[BlockId.DEPARTMENT]["element"]["initial_option"]["value"] == "Finance"
    assert len(by_id[BlockId.DEPARTMENT]["element"]["options"]) == MAX_DEPARTMENTS
    assert by_id[BlockId.DAY]["element"]["initial_date"] == "2026-11-20"
    assert by_id[BlockId.IDEAS]["element"]["max_length"] == LIMITS["ideas"]
    assert BlockId.THANK_YOU in by_id and "<@UDAN>" in str(with_note)
    assert BlockId.THANK_YOU not in str(without)
    assert [b["element"]["initial_option"]["value"] for b in without["blocks"][:1]] == ["HR"]
    assert unknown["blocks"][0]["element"]["initial_option"]["value"] == "Finance"


def test_scheduled_dms_have_one_log_button_per_department() -> None:
    start = talk_views.quarter_start_message(departments(MAX_DEPARTMENTS), "2027-Q1")
    blocks = start.blocks_dicts()
    blockkit.check(blocks)
    assert start.text.startswith("A new quarter (Q1 2027)")
    assert action_ids(blocks) == [Action.LOG_TALK] * MAX_DEPARTMENTS
    texts = str([b["text"] for b in blocks if b["type"] == "section"])
    assert "*Finance* (contact <@UDAN>)" in texts and "<!here>" not in texts
    mid = talk_views.mid_quarter_message(departments()[1:], "2027-Q1")
    blockkit.check(mid.blocks_dicts())
    assert mid.text == "Halfway through Q1 2027: you have not met HR, Legal &lt;!here&gt; yet."
    assert [b["accessory"]["value"] for b in mid.blocks_dicts() if "accessory" in b] == [
        "HR", "Legal <!here>"]


def test_quarter_summary_lists_talks_and_who_is_not_met() -> None:
    summary = talk_views.quarter_summary(departments(), [talk(), talk("HR", day=date(2026, 11, 2),
                                                                       ideas="")], "2026-Q4")
    assert summary.splitlines() == [
        "*Home-office talks, Q4 2026*",
        "• *Finance*: met Fri 20 Nov — ideas: Monthly *forecast* &lt;!channel&gt;",
        "• *HR*: met Mon 02 Nov",
        "• Not met yet: Legal &lt;!here&gt;"]
    every = talk_views.quarter_summary(departments(1), [talk("finance")], "2026-Q4")
    assert every.endswith("Every department met this quarter.")
    many = [talk(ideas="i" * LIMITS["ideas"]) for _ in range(40)]
    blocks = [markdown(talk_views.quarter_summary(departments(), many, "2026-Q4"))]
    blockkit.check(home_view([blocks]).to_dict(), "home")


def test_talks_reply_confirmation_thank_you_and_saved_list() -> None:
    reply = talk_views.talks_reply(departments(), [talk(follow_ups="Send Q1 forecast")],
                                   "2026-Q4")
    blocks = reply.blocks_dicts()
    blockkit.check(blocks)
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["value"] for b in buttons] == ["HR", "Legal <!here>"]
    assert "Send Q1 forecast" in str(blocks) and "Only you see your talk logs." in str(blocks)
    none_left = talk_views.talks_reply(departments(1), [talk()], "2026-Q4").blocks_dicts()
    blockkit.check(none_left)
    assert action_ids(none_left) == [Action.LOG_TALK]

    logged = talk_views.talk_logged(talk(thank_you="Thanks"), departments()[2:], sent_to="UDAN")
    blockkit.check(logged.blocks_dicts())
    assert logged.text == "Logged your talk with Finance on Fri 20 Nov 2026 (Q4 2026)."
    assert "Still to meet in Q4 2026: Legal &lt;!here&gt;" in str(logged.blocks_dicts())
    done = talk_views.talk_logged(talk(), [], sent_to=None)
    assert "every department in Q4 2026" in str(done.blocks_dicts())

    note = talk_views.thank_you_message("UANN", "Finance", "You *rock* <!everyone>" * 80)
    blockkit.check(note.blocks_dicts())
    assert note.text.startswith("<@UANN> (Sales) wants to thank you: You *rock* &lt;!everyone")
    assert len(note.text) < 400
    saved = talk_views.departments_saved(departments())
    blockkit.check(saved.blocks_dicts())
    assert saved.text == ("Home-office departments saved: *Finance* (contact <@UDAN>), *HR*, "
                          "*Legal &lt;!here&gt;*.")
