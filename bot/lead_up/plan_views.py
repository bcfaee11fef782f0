"""Block Kit for the contribution plan: its modal, the boss's DM, the suggestion modal."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block
from slack_sdk.models.views import View

from bot.core.blocks import Message, button, context, header, markdown
from bot.core.forms import select_input, text_input
from bot.core.replies import escape
from bot.lead_up.ids import Action, BlockId, Callback, slot_block
from bot.lead_up.models import ContributionPlan
from bot.lead_up.plan import AGREED, CHANGES, LIMITS, MAX_GOALS, STATUSES, Goal, progress


def plan_modal(goals: list[Goal], boss_id: str) -> View:
    """The manager's form: the goals so far and one blank slot more (up to MAX_GOALS)."""
    slots = min(MAX_GOALS, len(goals) + 1)
    blocks: list[Block] = [context(
        f"A plan agreed with <@{boss_id}>: what you will do to raise their contribution and "
        "yours. They get it with Agree and Suggest changes buttons.")]
    for slot in range(slots):
        goal = goals[slot] if slot < len(goals) else Goal("")
        blocks += [
            header(f"Goal {slot + 1}"),
            text_input(slot_block("goal", slot), Action.GOAL, "Goal", LIMITS["goal"], goal.goal),
            text_input(slot_block("boss", slot), Action.BOSS_GAIN,
                       "How it raises your manager's contribution", LIMITS["gain"], goal.boss,
                       multiline=True),
            text_input(slot_block("mine", slot), Action.OWN_GAIN, "How it raises yours",
                       LIMITS["gain"], goal.mine, multiline=True),
            select_input(slot_block("status", slot), Action.STATUS, "Progress", STATUSES,
                         goal.status),
        ]
    if slots == len(goals):
        blocks.append(context(f"A plan holds up to {MAX_GOALS} goals."))
    return View(type="modal", callback_id=Callback.PLAN, title="Contribution plan",
                submit="Send to manager", close="Cancel", blocks=blocks)


def goal_lines(goals: list[Goal], *, for_boss: bool) -> str:
    """Each goal with its progress and what it brings the boss (phrased for the reader) and
    the manager."""
    boss = "For you" if for_boss else "For my manager"
    return "\n".join(
        f"• *{escape(g.goal)}* ({STATUSES.get(g.status, g.status).lower()})\n"
        f"   {boss}: {escape(g.boss)}\n   For me: {escape(g.mine)}" for g in goals)


def plan_blocks(plan: ContributionPlan, goals: list[Goal], *, for_boss: bool) -> list[Block]:
    return [markdown(goal_lines(goals, for_boss=for_boss) or "_No goals._"),
            context(status_line(plan, goals))]


def status_line(plan: ContributionPlan, goals: list[Goal]) -> str:
    if plan.status == AGREED and plan.agreed_at:
        state = f"agreed on {plan.agreed_at:%d %b %Y}"
    elif plan.status == CHANGES:
        state = "changes suggested"
    else:
        state = f"waiting for <@{plan.boss_id}> since {plan.proposed_at:%d %b %Y}"
    return f"{progress(goals)}. Plan {state}."


def boss_request(plan: ContributionPlan, goals: list[Goal]) -> Message:
    """The DM to the boss with Agree / Suggest changes."""
    text = f"<@{plan.manager_id}> proposes a plan to raise your contribution and theirs."
    return Message(text=text, blocks=[
        markdown(text), *plan_blocks(plan, goals, for_boss=True),
        ActionsBlock(block_id=f"up.plan.{plan.id}", elements=[
            button("Agree", Action.AGREE_PLAN, str(plan.id), style="primary"),
            button("Suggest changes", Action.SUGGEST_CHANGES, str(plan.id))]),
    ])


def boss_answered(plan: ContributionPlan, goals: list[Goal]) -> Message:
    """The boss's DM once answered (buttons gone)."""
    text = f"<@{plan.manager_id}>'s contribution plan"
    return Message(text=text, blocks=[markdown(f"*{text}*"),
                                      *plan_blocks(plan, goals, for_boss=True)])


def suggestion_modal(plan: ContributionPlan) -> View:
    return View(type="modal", callback_id=Callback.SUGGESTION, title="Suggest changes",
                submit="Send", close="Cancel", private_metadata=str(plan.id), blocks=[
                    markdown(f"What would you change in <@{plan.manager_id}>'s plan?"),
                    text_input(BlockId.SUGGESTION, Action.TEXT, "Your suggestion",
                               LIMITS["suggestion"], multiline=True)])


def suggestion_notice(plan: ContributionPlan) -> Message:
    text = f"<@{plan.boss_id}> suggests changes to your contribution plan."
    return Message(text=text, blocks=[
        markdown(f"{text}\n>{escape(plan.suggestion)}"),
        ActionsBlock(block_id="up.plan.edit", elements=[
            button("Edit the plan", Action.EDIT_PLAN, style="primary")]),
    ])


def agreed_notice(plan: ContributionPlan) -> Message:
    return Message(text=f"<@{plan.boss_id}> agreed to your contribution plan "
                        f"({plan.agreed_at:%d %b %Y}).")


def home_blocks(own: tuple[ContributionPlan, list[Goal]] | None,
                agreed: list[tuple[ContributionPlan, list[Goal]]]) -> list[Block]:
    """The manager's plan, and the plans agreed by the people reporting to this person."""
    blocks: list[Block] = []
    if own is not None:
        blocks += [markdown("*Your contribution plan*"),
                   *plan_blocks(own[0], own[1], for_boss=False)]
    for plan, goals in agreed[:5]:
        blocks += [markdown(f"*<@{plan.manager_id}>'s plan, agreed with you*"),
                   *plan_blocks(plan, goals, for_boss=True)]
    blocks.append(ActionsBlock(block_id="up.home.plan", elements=[
        button("Edit your plan" if own else "Write a contribution plan", Action.EDIT_PLAN)]))
    return blocks
