"""The lead-down App Home section: Monday answers and development plans."""

from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.core.calendar import local_today
from bot.lead_down import devplan, devplan_views, service, views
from bot.org.models import Person


def home_section(session: Session, team_id: str, user_id: str, now: datetime) -> list[Block]:
    person = session.get(Person, (team_id, user_id))
    today = local_today(now, person.tz if person else "UTC")
    entries = service.team_answers(session, team_id, user_id, now)
    mine = service.latest_question(session, team_id, user_id, now)
    blocks = views.home_section(
        entries, service.quiet_reports(session, team_id, user_id) if entries else [],
        service.open_commitments(session, team_id, user_id) if entries else [],
        mine, service.answer_text(session, mine) if mine else "",
        service.away_until(session, team_id, user_id, today))
    plans = devplan.team_plans(session, team_id, user_id)
    extra: list[Block] = devplan_views.team_plans(plans[:10], now) if plans else []
    own = devplan.plan_of(session, team_id, user_id)
    if own is not None:
        extra += list(devplan_views.plan_message(
            own, devplan.skills(session, own), devplan.actions(session, own),
            devplan.comments(session, own, limit=2), for_manager=False).blocks)
    return [*blocks[:-1], *extra, blocks[-1]]
