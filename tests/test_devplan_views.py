"""Development plan views build valid Block Kit within Slack's limits."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.home import home_view
from bot.lead_down import devplan_views
from bot.lead_down.devplan import MAX_ACTIONS, MAX_SKILLS, ActionDraft, PlanDraft, SkillDraft
from bot.lead_down.ids import Action
from bot.lead_down.models import DevAction, DevComment, DevPlan, DevSkill
from tests import blockkit
from tests.factories import T0

DUE = date(2027, 1, 15)


def plan(reviewed: bool = False) -> DevPlan:
    return DevPlan(id=4, team_id="T1", report_id="UBOB", next_role="Team lead <!here>",
                   target_date=date(2027, 9, 1), notes="Strong closer", created_at=T0,
                   updated_at=T0, last_reviewed_at=T0 if reviewed else None)


def full_draft() -> PlanDraft:
    return PlanDraft(skills=[SkillDraft(f"Skill {i}", "x" * 150, "y" * 150)
                             for i in range(MAX_SKILLS)],
                     actions=[ActionDraft("z" * 300, "stretch", DUE, "at_risk", i)
                              for i in range(MAX_ACTIONS)],
                     next_role="r" * 150, target_date=DUE, notes="n" * 2000)


def test_plan_modal_is_valid_and_full_plans_fit() -> None:
    empty = devplan_views.plan_modal("UBOB", PlanDraft()).to_dict()
    full = devplan_views.plan_modal("UBOB", full_draft()).to_dict()
    for view in (empty, full):
        blockkit.check(view, "modal")
        assert len(view["blocks"]) <= 100
    labels = [b.get("label", {}).get("text") for b in empty["blocks"]]
    assert labels.count("Where they aim to be") == 2 and "Target date" in labels
    assert "up to 6 skills" in str(full["blocks"])


def test_plan_message_buttons_depend_on_the_reader_and_text_is_escaped() -> None:
    skills = [DevSkill(id=1, plan_id=4, name="Negotiation", current="mid", target="enterprise")]
    actions = [DevAction(id=2, plan_id=4, kind="training", what="Workshop", due=DUE,
                         status="on_track", note="Booked")]
    comments = [DevComment(id=3, plan_id=4, author_id="UBOB", text="Thanks!", created_at=T0)]
    for manager in (True, False):
        message = devplan_views.plan_message(plan(), skills, actions, comments,
                                             for_manager=manager)
        blocks = message.blocks_dicts()
        blockkit.check(blocks)
        ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
        assert (Action.REVIEW in ids) is manager and Action.COMMENT in ids
    text = str(blocks)
    assert "<!here>" not in text and "*On track*" in text and "not reviewed yet" in text


def test_team_list_flags_plans_not_reviewed_for_a_month() -> None:
    blocks = devplan_views.team_plans([("UBOB", plan()), ("UCAT", None)],
                                      T0 + timedelta(days=31))
    view = home_view([blocks]).to_dict()
    blockkit.check(view, "home")
    assert "not reviewed for a month" in str(view) and "no plan yet" in str(view)


def test_review_modal_summary_comment_and_settings() -> None:
    actions = [DevAction(id=i, plan_id=4, kind="training", what=f"Action {i}", due=DUE,
                         status="not_started", note="") for i in range(25)]
    review = devplan_views.review_modal(plan(), actions).to_dict()
    blockkit.check(review, "modal")
    assert len(review["blocks"]) <= 100
    summary = devplan_views.review_summary("UANN", [
        {"what": "Workshop", "status": "done", "note": ""},
        {"what": "Shadow", "status": "at_risk", "note": "Travel"}])
    blockkit.check(summary.blocks_dicts())
    assert summary.text == "<@UANN> reviewed your development plan: 1 at risk, 1 done."
    for modal in (devplan_views.comment_modal(plan()),
                  devplan_views.settings_modal(ordinal=1, weekday=1, hour=10)):
        blockkit.check(modal.to_dict(), "modal")
