"""Every career plan view builds valid Block Kit within Slack's limits and says the right thing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.home import home_view
from bot.core.schedule_form import Pick
from bot.lead_yourself import document, modals, views
from bot.lead_yourself.ids import (
    HORIZONS,
    MAX_ACTIONS_PER_HORIZON,
    Action,
    BlockId,
    Callback,
    action_block,
    aspiration_block,
)
from bot.lead_yourself.models import CareerPlan, PlanAction, PlanFeedback
from bot.lead_yourself.service import ActionDraft, PlanDraft, due_soon
from tests import blockkit

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
QUESTIONS = ["Why do you do what you do?", "What motivates you about your work?",
             "What gives you energy?", "What impact are you trying to have in the world?"]
ASPIRATION = ("In one year, I want to build my capacity to manage a sales team that doubles "
              "in size.")
TRAINING = "Attend sales manager training"


def action(id: int, horizon: int = 1, *, due: date = date(2027, 1, 12), what: str = TRAINING,
           support: str = "", done: bool = False) -> PlanAction:
    return PlanAction(id=id, plan_id=1, horizon=horizon, what=what, due=due, support=support,
                      done_at=NOW if done else None, snoozed_until=None, created_at=NOW)


def plan(actions: list[PlanAction] | None = None, *, shared_with: str | None = None,
         acknowledged: bool = False, **fields: str) -> CareerPlan:
    values = {"why": "I love helping customers win.", "motivates": "", "energy": "Coaching people",
              "impact": "", "aspiration_1": ASPIRATION, "aspiration_3": "Lead a region",
              "aspiration_5": "", **fields}
    return CareerPlan(
        id=1, team_id="T1", owner_id="UANN", version=2, shared_with=shared_with,
        shared_at=NOW if shared_with else None, acknowledged_at=NOW if acknowledged else None,
        feedback_ordinal=5, feedback_weekday=3, feedback_hour=14, created_at=NOW,
        updated_at=datetime(2026, 11, 30, 14, 0, tzinfo=UTC),
        actions=actions if actions is not None else [
            action(10, support="Monthly feedback from our director"),
            action(11, 3, due=date(2026, 11, 20), what="Shadow the regional VP"),
            action(12, done=True, what="Read a book on coaching"),
        ],
        **values,
    )


def feedback(text: str = "Great plan. I will book the training.", *, days: int = 0,
             author: str = "UBOB", kind: str = "reply") -> PlanFeedback:
    return PlanFeedback(id=days + 1, plan_id=1, author_id=author, kind=kind, text=text,
                        created_at=NOW + timedelta(days=days))


def buttons(blocks: list[dict]) -> dict[str, dict]:
    found = {}
    for block in blocks:
        elements = block.get("elements", []) if block["type"] == "actions" else [
            block.get("accessory") or {}]
        found.update({e["action_id"]: e for e in elements if e.get("type") == "button"})
    return found


def inputs(view: dict) -> dict[str, dict]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def full_draft() -> PlanDraft:
    long = "x" * 1000
    return PlanDraft(
        why=long, motivates=long, energy=long, impact=long,
        aspirations=dict.fromkeys(HORIZONS, long),
        actions=[ActionDraft(h, "w" * 300, date(2027, 1, i + 1), "s" * 500, id=h * 10 + i)
                 for h in HORIZONS for i in range(MAX_ACTIONS_PER_HORIZON)],
    )


# --- plan modal -----------------------------------------------------------------------------

def test_full_plan_modal_stays_within_100_blocks_and_asks_the_four_questions() -> None:
    view = modals.plan_modal(full_draft(), dict.fromkeys(HORIZONS, 5)).to_dict()
    blockkit.check(view, "modal")
    assert len(view["blocks"]) <= 100
    assert (view["callback_id"], view["title"]["text"], view["submit"]["text"]) == (
        Callback.PLAN, "Your career plan", "Save plan")
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    for question in QUESTIONS:
        assert question in labels
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers == ["Purpose", "In 1 year", "In 3 years", "In 5 years"]
    assert len(set(b["block_id"] for b in view["blocks"] if "block_id" in b)) == len(
        [b for b in view["blocks"] if "block_id" in b])


def test_full_horizons_replace_the_add_button_with_a_gentle_note() -> None:
    view = modals.plan_modal(full_draft(), dict.fromkeys(HORIZONS, 5)).to_dict()
    assert Action.ADD_ACTION not in buttons(view["blocks"])
    notes = [str(b) for b in view["blocks"] if b["type"] == "context"]
    assert sum("5 actions is the most" in n for n in notes) == 3


def test_plan_modal_prefills_the_draft_and_records_action_ids() -> None:
    draft = PlanDraft(why="To help people grow", aspirations={1: ASPIRATION, 3: "", 5: ""},
                      actions=[ActionDraft(1, TRAINING, date(2027, 1, 12), "Your time", id=42)])
    view = modals.plan_modal(draft, {1: 2, 3: 1, 5: 1}).to_dict()
    blockkit.check(view, "modal")
    found = inputs(view)
    assert found[BlockId.WHY]["element"]["initial_value"] == "To help people grow"
    assert found[BlockId.WHY]["element"]["max_length"] == 1000
    assert "initial_value" not in found[BlockId.MOTIVATES]["element"]
    assert found[aspiration_block(1)]["element"]["initial_value"] == ASPIRATION
    assert found[aspiration_block(1)].get("optional", False) is False
    assert found[aspiration_block(3)]["optional"] is True
    assert found[action_block("what", 1, 0)]["element"]["initial_value"] == TRAINING
    assert found[action_block("what", 1, 0)]["element"]["max_length"] == 300
    assert found[action_block("due", 1, 0)]["element"]["initial_date"] == "2027-01-12"
    assert found[action_block("support", 1, 0)]["element"]["initial_value"] == "Your time"
    assert found[action_block("support", 1, 0)]["element"]["max_length"] == 500
    assert "initial_date" not in found[action_block("due", 1, 1)]["element"]
    assert action_block("what", 1, 2) not in found and action_block("what", 3, 0) in found
    assert json.loads(view["private_metadata"]) == {
        "ids": {"1": [42, None], "3": [None], "5": [None]}}
    adds = {b["block_id"]: b["elements"][0]["value"] for b in view["blocks"]
            if b["type"] == "actions"}
    assert adds == {"career.add.1": "1", "career.add.3": "3", "career.add.5": "5"}


# --- summary, share and notices -------------------------------------------------------------

def test_summary_shows_purpose_aspirations_actions_and_status() -> None:
    message = views.plan_summary(plan(shared_with="UBOB", acknowledged=True), [
        feedback("Old news", days=-5), feedback("Let's book it", days=0)], today=TODAY)
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    text = str(blocks)
    assert "Why do you do what you do?" in text and "I love helping customers win." in text
    assert "What motivates you about your work?" not in text  # empty answers are skipped
    assert "• Attend sales manager training — by Tue 12 Jan 2027" in text
    assert "_support asked: Monthly feedback from our director_" in text
    assert "Shadow the regional VP — by Fri 20 Nov 2026 :warning: overdue" in text
    assert "Read a book on coaching" not in text and "1 action done" in text
    assert "Shared with <@UBOB> on 2026-12-01" in text and "acknowledged" in text
    assert "Let's book it" in text and "Old news" not in text


def test_summary_of_huge_plan_is_clipped_to_slack_limits() -> None:
    many = [action(i, h, what="w" * 300, support="s" * 500) for h in HORIZONS for i in range(5)]
    big = plan(many, **{f: "<!channel> " + "y" * 1000 for f in
                        ("why", "motivates", "energy", "impact", "aspiration_1")})
    message = views.share_request(big, [feedback("z" * 2000)], today=TODAY)
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert "<!channel>" not in str(blocks)  # user text cannot ping anyone


def test_private_plan_summary_says_so() -> None:
    text = str(views.plan_summary(plan(), [], today=TODAY).blocks_dicts())
    assert "Private: not shared yet" in text and "Latest feedback" not in text


def test_share_request_lists_support_and_offers_both_answers() -> None:
    message = views.share_request(plan(shared_with="UBOB"), [], today=TODAY)
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    assert message.text == "<@UANN> shared their career plan with you."
    found = buttons(blocks)
    assert found[Action.ACKNOWLEDGE]["style"] == "primary"
    assert found[Action.ACKNOWLEDGE]["value"] == found[Action.REPLY]["value"] == "1"
    assert "career.share.1" in [b.get("block_id") for b in blocks]
    support = [b["text"]["text"] for b in blocks
               if b["type"] == "section" and "Support they asked for" in b["text"]["text"]]
    assert len(support) == 1 and "Monthly feedback from our director" in support[0]


@pytest.mark.parametrize(("kind", "lead"), [
    ("reply", "<@UBOB> replied to your career plan:"),
    ("feedback", "<@UBOB> sent feedback on your career plan:"),
])
def test_feedback_notice_quotes_the_text(kind: str, lead: str) -> None:
    message = views.feedback_notice("UBOB", kind, "Book the training\nI'll pay for it")
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    assert blocks[0]["text"]["text"] == f"{lead}\n>Book the training\n>I'll pay for it"


def test_simple_notices() -> None:
    for message in (views.acknowledged_notice("UBOB"), views.shared_notice("UBOB"),
                    views.unshared_notice("UBOB")):
        blockkit.check(message.blocks_dicts())
        assert "<@UBOB>" in message.text
    assert views.acknowledged_notice("UBOB").text == "<@UBOB> acknowledged your career plan."


# --- App Home -------------------------------------------------------------------------------

def test_home_without_a_plan_invites_to_write_one() -> None:
    section = views.home_section(None, today=TODAY, manager_id="UBOB")
    view = home_view([section]).to_dict()
    blockkit.check(view, "home")
    assert set(buttons(view["blocks"])) == {Action.EDIT}
    assert view["blocks"][0]["text"]["text"] == "Lead yourself"
    assert view["blocks"][-1]["type"] == "divider"


def test_home_with_a_plan_offers_mark_done_and_share() -> None:
    actions = [action(i, due=date(2027, 1, i)) for i in range(1, 8)]
    view = home_view([views.home_section(plan(actions, why="w" * 400), today=TODAY,
                                         manager_id="UBOB")]).to_dict()
    blockkit.check(view, "home")
    done = [b for b in view["blocks"] if b.get("block_id", "").startswith("career.next.")]
    assert [b["accessory"]["value"] for b in done] == ["1", "2", "3", "4", "5"]
    assert all(b["accessory"]["action_id"] == Action.MARK_DONE for b in done)
    assert {Action.EDIT, Action.SHARE} <= set(buttons(view["blocks"]))
    assert "w" * 150 not in str(view)  # the purpose is one short line


def test_home_hides_share_when_shared_or_without_a_manager() -> None:
    shared = views.home_section(plan(shared_with="UBOB"), today=TODAY, manager_id="UBOB")
    alone = views.home_section(plan(), today=TODAY, manager_id=None)
    for section in (shared, alone):
        view = home_view([section]).to_dict()
        blockkit.check(view, "home")
        assert Action.SHARE not in buttons(view["blocks"])
    assert "Shared with <@UBOB>" in str(home_view([shared]).to_dict())
    assert "/team manager @someone" in str(home_view([alone]).to_dict())


# --- monthly check-in and feedback ----------------------------------------------------------

def test_monthly_message_with_many_due_actions_stays_within_50_blocks() -> None:
    due = [action(i, due=TODAY + timedelta(days=i - 3)) for i in range(1, 21)]
    message = views.monthly_message(plan(due, shared_with="UBOB"), due, today=TODAY)
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    assert len(blocks) <= 50
    text = str(blocks)
    assert "and 8 more" in text
    assert text.count(":warning: overdue") == 2  # due 2 and 1 days ago; today is not overdue
    rows = [b for b in blocks if b.get("block_id", "").startswith("career.due_actions.")]
    assert len(rows) == 12
    assert [e["action_id"] for e in rows[0]["elements"]] == [
        Action.MARK_DONE, Action.SNOOZE, Action.RESCHEDULE]
    assert buttons(blocks)[Action.ASK_FEEDBACK]["value"] == "1"
    assert "20 actions" in message.text


def test_monthly_message_with_nothing_due_points_to_sharing() -> None:
    message = views.monthly_message(plan(), [], today=TODAY)
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    assert blocks[0]["text"]["text"] == "Your monthly career check-in"
    assert "next 30 days" in str(blocks) and "/careerplan share" in str(blocks)
    assert buttons(blocks) == {}


def test_feedback_request_and_modals_give_context() -> None:
    shared = plan(shared_with="UBOB")
    due = due_soon(shared, TODAY)
    message = views.feedback_request(shared, due, today=TODAY)
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    assert message.text == "<@UANN> asks for your feedback on their career plan."
    assert buttons(blocks)[Action.GIVE_FEEDBACK]["value"] == "1"
    assert ASPIRATION in str(blocks) and "Shadow the regional VP" in str(blocks)

    modal = modals.feedback_modal(shared, due, today=TODAY).to_dict()
    blockkit.check(modal, "modal")
    assert (modal["callback_id"], modal["private_metadata"]) == (Callback.FEEDBACK, "1")
    assert inputs(modal)[BlockId.TEXT]["element"]["max_length"] == 2000
    assert "Shadow the regional VP" in str(modal)

    reply = modals.reply_modal(shared).to_dict()
    blockkit.check(reply, "modal")
    assert (reply["callback_id"], reply["private_metadata"]) == (Callback.REPLY, "1")
    assert inputs(reply)[BlockId.TEXT]["label"]["text"] == "How can you help?"


def test_reschedule_and_settings_modals_start_from_current_values() -> None:
    modal = modals.reschedule_modal(action(10), today=TODAY).to_dict()
    blockkit.check(modal, "modal")
    assert modal["private_metadata"] == "10"
    assert inputs(modal)[BlockId.NEW_DUE]["element"]["initial_date"] == "2027-01-12"

    settings = modals.settings_modal(plan()).to_dict()
    blockkit.check(settings, "modal")
    found = inputs(settings)
    assert found[Pick.ORDINAL]["element"]["initial_option"]["text"]["text"] == "Last"
    assert found[Pick.WEEKDAY]["element"]["initial_option"]["text"]["text"] == "Thursday"
    assert found[Pick.HOUR]["element"]["initial_option"]["value"] == "14"
    assert len(found[Pick.HOUR]["element"]["options"]) == 24
    assert "In your own time zone." in str(settings)


# --- history, export, help ------------------------------------------------------------------

def test_history_lists_versions_and_counts_the_rest() -> None:
    entries = [(v, NOW - timedelta(days=30 - v), ["changed what motivates you"] * 8)
               for v in range(25, 0, -1)]
    message = views.history_message(entries)
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    text = str(blocks)
    assert "Version 25 — 2026-11-26 09:30 UTC: changed what motivates you" in text
    assert "Version 6 —" in text and "Version 5 —" not in text
    assert "and 5 earlier versions" in text
    assert views.history_message([]).text == "No saved versions yet."


def test_export_is_a_readable_markdown_document() -> None:
    doc = document.export_markdown(plan(), [feedback("Book it | now")], owner_name="Ann Lee",
                                today=TODAY)
    assert doc.startswith("# Career plan — Ann Lee\n")
    assert "Version 2, saved 2026-11-30" in doc
    for heading in ("## Purpose", *(f"### {q}" for q in QUESTIONS), "## Aspirations and actions",
                    "### In 1 year", "### In 3 years", "### In 5 years", "## Feedback"):
        assert f"\n{heading}\n" in doc
    assert ("| Attend sales manager training | Tue 12 Jan 2027 | Monthly feedback from our "
            "director | open |") in doc
    assert "| Read a book on coaching | Tue 12 Jan 2027 | — | done |" in doc
    assert "| Shadow the regional VP | Fri 20 Nov 2026 | — | open (overdue) |" in doc
    assert "**UBOB**, 2026-12-01 (reply):" in doc and "> Book it | now" in doc


def test_help_lists_every_subcommand() -> None:
    message = views.help_message()
    blockkit.check(message.blocks_dicts())
    for sub in ("show", "share", "unshare", "history", "export", "settings", "help"):
        assert f"`/careerplan {sub}`" in message.text
    assert "`/careerplan`: write or edit" in message.text and "private" in message.text
    unknown = views.help_message(prefix="I don't know `/careerplan foo`.\n")
    assert unknown.text.startswith("I don't know `/careerplan foo`.\n*Leadwell")
