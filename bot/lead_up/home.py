"""The lead-up App Home section: last report, contribution plans, open debrief actions, talks."""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.blocks import button, context, header, markdown
from bot.core.calendar import local_today
from bot.lead_up import debrief, debrief_views, periods, plan, plan_views, reports, talk_views
from bot.lead_up import talks as talk_service
from bot.lead_up.ids import Action
from bot.lead_up.models import ContributionPlan, Debrief
from bot.org import service as org
from bot.org.models import Person, ReportingLine


def home_section(session: Session, team_id: str, user_id: str, now: datetime) -> list[Block]:
    """For a manager with a boss: their reporting; for a boss: the plans agreed with them."""
    person = session.get(Person, (team_id, user_id))
    today = local_today(now, person.tz if person else "UTC")
    is_manager = bool(org.report_ids_of(session, team_id, user_id)) and \
        org.manager_of(session, team_id, user_id) is not None
    agreed = [(p, plan.goals_of(p)) for p in session.scalars(
        select(ContributionPlan).join(ReportingLine, (
            ReportingLine.team_id == ContributionPlan.team_id)
            & (ReportingLine.report_id == ContributionPlan.manager_id)).where(
            ContributionPlan.team_id == team_id, ContributionPlan.boss_id == user_id,
            ContributionPlan.status == plan.AGREED, ReportingLine.manager_id == user_id)
        .order_by(ContributionPlan.id))]  # one query, whatever the number of managers
    if not (is_manager or agreed):
        return []
    blocks: list[Block] = [header("Lead up")]
    if is_manager:
        blocks += _manager_blocks(session, team_id, user_id, today)
    own = plan.plan_of(session, team_id, user_id) if is_manager else None
    plans = plan_views.home_blocks((own, plan.goals_of(own)) if own else None, agreed)
    blocks += plans if is_manager else plans[:-1]  # only managers get the edit button
    return [*blocks, DividerBlock()]


def _manager_blocks(session: Session, team_id: str, user_id: str, today: date) -> list[Block]:
    settings = reports.settings_of(session, team_id, user_id)
    current = periods.current_period(settings.cadence, today)
    last = next((r for r in reports.history(session, team_id, user_id, limit=3)
                 if r.submitted_at is not None), None)
    line = (f"Last report: *{periods.label(last.period)}*, sales {reports.fmt(last.sales)} "
            f"against {reports.fmt(last.target)}" if last else "No sales report sent yet.")
    blocks: list[Block] = [markdown(line), ActionsBlock(block_id="up.home.report", elements=[
        button("Write this period's report", Action.OPEN_REPORT, current, style="primary")])]
    latest = session.scalar(select(Debrief).where(
        Debrief.team_id == team_id, Debrief.manager_id == user_id)
        .order_by(Debrief.month.desc()).limit(1))
    if latest is not None:
        follow = debrief.actions_of(session, latest) + debrief.open_actions(session, latest)
        open_ = [a for a in follow if a.done_at is None]
        if open_:
            blocks.append(markdown("*Open debrief actions*\n" + "\n".join(
                debrief_views.action_line(a) for a in open_[:8])))
    quarter = periods.quarter_of(today)
    blocks.append(context(talk_views.quarter_summary(
        talk_service.departments_of(session, team_id),
        talk_service.quarter_talks(session, team_id, user_id, quarter), quarter)))
    return blocks
