"""`/team checkin`, `/team away` and `/team holidays`: the Monday question's settings."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from bot.core.blocks import Message, notice
from bot.lead_down import service
from bot.org import access
from bot.org import service as org
from bot.org.context import RequestContext
from bot.org.people import OrgError

HELP = """• `/team checkin on|off`: ask your reports the Monday question (on by default)
• `/team checkin time HH:MM`: the hour, in each report's own time zone (default 09:00)
• `/team checkin reminder on|off`: one reminder on Tuesday when unanswered (on by default)
• `/team away until YYYY-MM-DD` or `/team away off`: no Monday question while you are away
• `/team holidays add|remove YYYY-MM-DD` (admins) or `/team holidays`: workspace holidays"""
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$", re.ASCII)
DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_day(word: str) -> date:
    """A date written YYYY-MM-DD (only that form); OrgError otherwise."""
    try:
        if not DAY.fullmatch(word):
            raise ValueError(word)
        return date.fromisoformat(word)
    except ValueError:
        raise OrgError(f"`{word[:20]}` is not a date like 2026-12-24.") from None


def checkin(ctx: RequestContext, args: list[str]) -> Message:
    words = [w.lower() for w in args]
    with ctx.sessions.begin() as session:
        if not org.report_ids_of(session, ctx.team_id, ctx.actor_id):
            raise OrgError("You have no reports yet: add them with `/team add @someone`.")
        if words in (["on"], ["off"]):
            service.change_settings(session, ctx.team_id, ctx.actor_id, enabled=words == ["on"])
        elif words[:1] == ["reminder"] and words[1:] in (["on"], ["off"]):
            service.change_settings(session, ctx.team_id, ctx.actor_id,
                                    reminder=words[1:] == ["on"])
        elif words[:1] == ["time"] and len(words) == 2 and (at := TIME.match(words[1])):
            hour, minute = int(at.group(1)), int(at.group(2))
            if not 5 <= hour < service.WORKDAY_END:
                raise OrgError("Pick a time between 05:00 and 17:59, in each report's working "
                               "day.")
            service.change_settings(session, ctx.team_id, ctx.actor_id, hour=hour, minute=minute)
        elif words:
            raise OrgError("Usage: `/team checkin on|off`, `/team checkin time HH:MM` "
                           "or `/team checkin reminder on|off`.")
        settings = service.settings_of(session, ctx.team_id, ctx.actor_id)
        state = (f"on, Mondays at {settings.hour:02d}:{settings.minute:02d} in each report's "
                 "time zone"
                 if settings.enabled else "off")
        reminder = "on" if settings.reminder else "off"
    return notice(f"The Monday question is {state}; the Tuesday reminder is {reminder}.")


def away(ctx: RequestContext, args: list[str]) -> Message:
    with ctx.sessions.begin() as session:
        today = ctx.today(session)
        if [w.lower() for w in args] == ["off"]:
            service.set_away(session, ctx.team_id, ctx.actor_id, None, today)
            return notice("Welcome back: the Monday question will find you again.")
        if len(args) != 2 or args[0].lower() != "until":
            until = service.away_until(session, ctx.team_id, ctx.actor_id, today)
            raise OrgError((f"You are away until {until}. " if until else "")
                           + "Usage: `/team away until YYYY-MM-DD` or `/team away off`.")
        until = parse_day(args[1])
        try:
            service.set_away(session, ctx.team_id, ctx.actor_id, until, today)
        except service.CheckinError as error:
            raise OrgError(str(error)) from None
    return notice(f"Away until {until:%a %d %b %Y}: no Monday question until then.")


def holidays(ctx: RequestContext, args: list[str]) -> Message:
    with ctx.sessions.begin() as session:
        today = ctx.today(session)
        if args:
            if len(args) != 2 or args[0].lower() not in ("add", "remove"):
                raise OrgError("Usage: `/team holidays add YYYY-MM-DD` or "
                               "`/team holidays remove YYYY-MM-DD`.")
            ctx.people(session, [ctx.actor_id])  # their admin flag, fresh from Slack
            access.require_admin(session, ctx.team_id, ctx.actor_id, error=OrgError,
                                 message="Only workspace admins can change the workspace's "
                                         "holidays.")
            day = parse_day(args[1])
            if args[0].lower() == "add":
                service.add_holiday(session, ctx.team_id, day)
            elif not service.remove_holiday(session, ctx.team_id, day):
                raise OrgError(f"{day} is not a holiday.")
        days = service.holidays(session, ctx.team_id, today)
    listed = ", ".join(f"{d:%a %d %b %Y}" for d in days) or "none"
    return notice(f"Upcoming workspace holidays (no Monday question that week): {listed}.")


TEAM_SUBCOMMANDS: dict[str, Callable[[RequestContext, list[str]], Message]] = {
    "checkin": checkin,
    "away": away,
    "holidays": holidays,
}
