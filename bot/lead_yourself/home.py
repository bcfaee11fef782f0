"""The career plan's App Home section."""

from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.core.calendar import local_today
from bot.lead_yourself import service, views
from bot.org import service as org
from bot.org.models import Person


def home_section(session: Session, team_id: str, user_id: str, now: datetime) -> list[Block]:
    plan = service.get_plan(session, team_id, user_id)
    person = session.get(Person, (team_id, user_id))
    today = local_today(now, person.tz if person else "UTC")
    return views.home_section(plan, today=today,
                              manager_id=org.manager_of(session, team_id, user_id))
