"""The month the demo plays: a sales manager, her boss, three reps and a home office.

Maya Lopez manages Priya (London), Diego (Los Angeles) and Kenji (Tokyo), and reports to
Jordan Reed. From Thursday 10 September to Friday 9 October 2026 she writes her career plan and
shares it, sets up her team, writes development plans, hears what her reps need on Mondays,
reports a weak September, debriefs with Jordan and thanks the home office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.demo.director import Director
from bot.lead_down.ids import Action as Down
from bot.lead_down.ids import BlockId as DownBlock
from bot.lead_down.ids import slot_block as dev_slot
from bot.lead_up.ids import Action as Up
from bot.lead_up.ids import BlockId as UpBlock
from bot.lead_up.ids import slot_block as up_slot
from bot.lead_yourself.ids import Action as Career
from bot.lead_yourself.ids import BlockId as CareerBlock
from bot.lead_yourself.ids import action_block, aspiration_block
from bot.org.ids import Action as Org


@dataclass(frozen=True)
class Person:
    user_id: str
    handle: str
    name: str
    title: str
    tz: str
    admin: bool = False


MAYA, JORDAN, PRIYA, DIEGO, KENJI = "UMAYA", "UJORDAN", "UPRIYA", "UDIEGO", "UKENJI"
FIONA, HANNAH, LUIS = "UFIONA", "UHANNAH", "ULUIS"
CAST = (
    Person(MAYA, "maya", "Maya Lopez", "Regional sales manager", "America/Chicago"),
    Person(JORDAN, "jordan", "Jordan Reed", "VP of sales, Maya's boss (and a workspace admin)",
           "America/New_York", admin=True),
    Person(PRIYA, "priya", "Priya Shah", "Account executive, reports to Maya", "Europe/London"),
    Person(DIEGO, "diego", "Diego Alvarez", "Account executive, reports to Maya",
           "America/Los_Angeles"),
    Person(KENJI, "kenji", "Kenji Sato", "Account executive, reports to Maya", "Asia/Tokyo"),
    Person(FIONA, "fiona", "Fiona Grant", "Finance, home office", "America/New_York"),
    Person(HANNAH, "hannah", "Hannah Kim", "HR, home office", "America/New_York"),
    Person(LUIS, "luis", "Luis Ortega", "Legal, home office", "America/New_York"),
)
TEAM_NAME = "Northwind Sales"
HQ = "America/Chicago"  # Maya's zone: the transcript's clock
START = date(2026, 9, 10)  # a Thursday, after the monthly messages of September
DAY = timedelta(days=1)


def opening() -> datetime:
    """When the month starts: 08:00 on its first day, in Maya's zone."""
    return datetime(START.year, START.month, START.day, 8, tzinfo=ZoneInfo(HQ))


def play(d: Director, *, full: bool = True) -> None:
    """The whole month (`full`), or a shorter one with every key moment (tests)."""
    setup(d, full)
    development(d, full)
    monday_question(d, START + 4 * DAY, full, first=True)
    if full:
        monday_question(d, START + 11 * DAY, full)
        monday_question(d, START + 18 * DAY, full)
    lead_up(d, full)
    new_month(d, full)
    epilogue(d, full)


def setup(d: Director, full: bool) -> None:
    thu = START
    d.until(d.local(thu, 8, 45))
    d.moment(JORDAN, "Jordan, a workspace admin, names the home-office contacts")
    d.command(JORDAN, "/debrief", "departments")
    d.submit(JORDAN, {up_slot("contact", 0): FIONA, up_slot("contact", 1): HANNAH,
                      up_slot("contact", 2): LUIS})
    d.until(d.local(thu, 9))
    d.moment(MAYA, "Maya names Jordan as her manager; Jordan confirms")
    d.command(MAYA, "/team", f"manager <@{JORDAN}>")
    d.click(JORDAN, d.dm(JORDAN, "says you are their manager"), Org.CONFIRM)
    d.until(d.local(thu, 9, 10))
    d.moment(MAYA, "Maya adds Priya, Diego and Kenji to her team; each is asked to confirm")
    d.command(MAYA, "/team", f"add <@{PRIYA}> <@{DIEGO}> <@{KENJI}>")
    d.click(PRIYA, d.dm(PRIYA, "would like to add you"), Org.CONFIRM)
    d.until(d.local(thu, 10, 30))
    d.click(DIEGO, d.dm(DIEGO, "would like to add you"), Org.CONFIRM)
    career_plan(d, thu)
    d.until(d.local(thu, 16))
    d.moment(MAYA, "Maya opens Leadwell's App Home")
    d.home(MAYA)
    d.until(d.local(thu, 18, 5))
    d.moment(KENJI, "Friday morning in Tokyo: Kenji confirms too", key=False)
    d.click(KENJI, d.dm(KENJI, "would like to add you"), Org.CONFIRM)


def career_plan(d: Director, day: date) -> None:
    d.until(d.local(day, 11))
    d.moment(MAYA, "Maya writes her career plan (the modal shows what is missing first)")
    d.command(MAYA, "/careerplan")
    d.submit(MAYA, {CareerBlock.WHY: "I love building teams that win together",
                    CareerBlock.ENERGY: "Coaching a rep through their first big deal"},
             allow_missing=True)
    form = d.fill(MAYA, {
        CareerBlock.MOTIVATES: "Seeing my reps promoted",
        aspiration_block(1): "Run a team of eight that beats its number four quarters in a row",
        action_block("what", 1, 0): "Finish the sales leadership course",
        action_block("due", 1, 0): "2026-10-23",
        action_block("support", 1, 0): "Approve the course budget"})
    d.click(MAYA, form, Career.ADD_ACTION, value="1")
    d.submit(MAYA, {action_block("what", 1, 1): "Lead the Q1 pricing review",
                    action_block("due", 1, 1): "2027-02-15",
                    action_block("support", 1, 1): "Introduce me to the pricing committee",
                    aspiration_block(3): "Regional director for the central region",
                    aspiration_block(5): "VP of sales"})
    d.until(d.local(day, 11, 30))
    d.moment(MAYA, "Maya shares her plan with Jordan, who acknowledges it and replies")
    d.command(MAYA, "/careerplan", "share")
    shared = d.dm(JORDAN, "shared their career plan")
    d.until(d.local(day, 13))
    d.click(JORDAN, shared, Career.ACKNOWLEDGE)
    d.click(JORDAN, shared, Career.REPLY)
    d.submit(JORDAN, {Career.TEXT: "Course approved. Let's add you to the pricing committee "
                                   "invite list for January."})


def devplan(d: Director, report: str, skill: str, now: str, aim: str, what: str, kind: str,
            role: str, *, refused_first: bool = False) -> None:
    d.command(MAYA, "/devplan", f"<@{report}>")
    if refused_first:
        d.submit(MAYA, {dev_slot("what", 0): what})
    d.submit(MAYA, {dev_slot("skill", 0): skill, dev_slot("now", 0): now,
                    dev_slot("aim", 0): aim, dev_slot("what", 0): what,
                    dev_slot("kind", 0): kind, dev_slot("by", 0): "2026-11-13",
                    DownBlock.ROLE: role, DownBlock.ROLE_DATE: "2027-06-30"})


def development(d: Director, full: bool) -> None:
    fri = START + DAY
    d.until(d.local(fri, 11))
    d.moment(MAYA, "Maya writes Priya's development plan")
    devplan(d, PRIYA, "Negotiation", "Mid-market deals", "Enterprise deals",
            "Shadow Jordan on the Globex renewal", "shadowing", "Senior account executive",
            refused_first=True)
    if full:
        devplan(d, DIEGO, "Pipeline discipline", "Forecasts by gut feel",
                "Every deal has a next step", "Forecasting workshop", "training",
                "Account executive, enterprise")
        devplan(d, KENJI, "Executive presence", "Talks to buyers",
                "Talks to CFOs", "Present the QBR to Osaka Steel", "stretch", "Team lead")
    d.until(d.local(fri, 11, 45))
    d.moment(PRIYA, "Priya reads her plan and comments")
    d.command(PRIYA, "/devplan")
    shown = next(r for r in reversed(d.stage.emu.responses())
                 if r["user"] == PRIYA and "Negotiation" in str(r.get("blocks")))
    d.click(PRIYA, shown, Down.COMMENT)
    d.submit(PRIYA, {Down.TEXT: "Could I also sit in on the pricing call with Globex?"})
    d.until(d.local(fri, 14))
    d.moment(MAYA, "Maya proposes her contribution plan; Jordan agrees")
    d.command(MAYA, "/debrief", "plan")
    d.submit(MAYA, {up_slot("goal", 0): "Open three enterprise logos this quarter",
                    up_slot("boss", 0): "The region beats its Q4 number",
                    up_slot("mine", 0): "I lead the enterprise playbook"})
    d.until(d.local(fri, 15))
    d.click(JORDAN, d.dm(JORDAN, "proposes a plan"), Up.AGREE_PLAN)
    if full:
        d.until(d.local(fri, 16))
        d.moment(MAYA, "Maya sets her key metrics and sends August's report, above target")
        d.command(MAYA, "/salesreport", "settings")
        d.submit(MAYA, {UpBlock.METRICS: "Win rate (%)\nNew logos"})
        d.command(MAYA, "/salesreport", "2026-08")
        d.submit(MAYA, {UpBlock.SALES: "$104,500", UpBlock.TARGET: "100,000",
                        UpBlock.PIPELINE: "280,000"}, allow_missing=True)


def monday_question(d: Director, monday: date, full: bool, *, first: bool = False) -> None:
    """The Monday question at 09:00 in each zone, some answers, the digest on Tuesday."""
    tuesday = monday + DAY
    d.tick(d.local(monday, 9, tz="Asia/Tokyo"))
    if first:
        d.moment(KENJI, "Monday 09:00 in Tokyo: Kenji is asked first, and answers in the DM")
    d.until(d.local(monday, 9, 40, tz="Asia/Tokyo"))
    d.write(KENJI, "Introductions to two Osaka accounts" if first else "A second pair of eyes "
            "on the Osaka Steel proposal")
    if first:
        d.write(KENJI, "and a faster way to export the CRM pipeline")
    d.tick(d.local(monday, 9, tz="Europe/London"))
    d.until(d.local(monday, 10, 15, tz="Europe/London"))
    if first:
        d.moment(PRIYA, "Priya answers with the Answer button")
        d.click(PRIYA, d.dm(PRIYA, "What else can I do"), Down.ANSWER)
        d.submit(PRIYA, {Down.TEXT: "Join my call with Globex on Thursday"})
    elif full:
        d.write(PRIYA, "Nothing new this week, thanks!")
    d.tick(d.local(monday, 9))  # Maya's own manager asks her
    d.until(d.local(monday, 9, 30))
    if first:
        d.moment(MAYA, "Jordan's Monday question reaches Maya; she answers too")
        d.write(MAYA, "Budget for a sales engineer in Q4")
    d.tick(d.local(monday, 9, tz="America/Los_Angeles"))  # Diego stays silent
    d.tick(d.local(tuesday, 9, tz="America/New_York"))  # Jordan's digest
    d.tick(d.local(tuesday, 10))  # Maya's digest
    if first:
        d.moment(MAYA, "Tuesday 10:00: Maya's digest; she commits to act on Kenji's answer")
        d.until(d.local(tuesday, 10, 20))
        digest = d.dm(MAYA, "answers this week")
        d.click(MAYA, digest, Down.COMMIT, value=_button_near(digest, "Osaka", Down.COMMIT))
        d.submit(MAYA, {Down.TEXT: "Ask our Osaka partner for two CEO introductions",
                        Down.DUE: (monday + 11 * DAY).isoformat()})
    d.tick(d.local(tuesday, 9, tz="America/Los_Angeles"))  # Diego's reminder
    if first:
        d.until(d.local(monday + 4 * DAY, 15))
        d.moment(MAYA, "Friday: Maya marks the commitment done; Kenji hears about it")
        d.click(MAYA, d.dm(MAYA, "You committed"), Down.COMMITMENT_DONE)


def _button_near(message: dict, text: str, action_id: str) -> str:
    """The value of the first `action_id` button at or after the block mentioning `text`."""
    blocks = message["blocks"]
    for index, block in enumerate(blocks):
        if text in str(block.get("text")):
            for later in blocks[index:]:
                for element in [later.get("accessory"), *(later.get("elements") or [])]:
                    if isinstance(element, dict) and element.get("action_id") == action_id:
                        return str(element["value"])
    raise RuntimeError(f"no {action_id} button near {text!r}")


def lead_up(d: Director, full: bool) -> None:
    wed = date(2026, 9, 30)
    d.until(d.local(wed, 16))
    d.moment(MAYA, "Maya reports September, below target: Leadwell asks why before sending")
    d.command(MAYA, "/salesreport")
    sales = {UpBlock.SALES: "82,000", UpBlock.TARGET: "100,000", UpBlock.PIPELINE: "310,000"}
    d.submit(MAYA, sales, allow_missing=True)
    d.submit(MAYA, {UpBlock.EXPLANATION: "Two enterprise deals (Globex, Initech) slipped to "
                                         "October after their budget freeze.",
                    UpBlock.STRATEGIES: "Weekly deal reviews; executive sponsor calls for "
                                        "both slipped deals; a partner push in Osaka."},
             allow_missing=True)


def new_month(d: Director, full: bool) -> None:
    thu = date(2026, 10, 1)
    d.tick(d.local(thu, 9, tz="America/New_York"))
    d.tick(d.local(thu, 9))
    d.moment(MAYA, "1 October: the debrief agenda opens a group DM; a new quarter of talks")
    d.until(d.local(thu, 14))
    d.moment(JORDAN, "Jordan records the debrief from the group DM")
    d.click(JORDAN, d.dm(JORDAN, "Monthly debrief"), Up.RECORD_DEBRIEF)
    d.submit(JORDAN, {UpBlock.GOING_WELL: "Pipeline coverage is 3x; Priya's Globex work",
                      UpBlock.CONTINUE: "Weekly deal reviews",
                      UpBlock.IMPROVE: "Forecast accuracy on enterprise deals",
                      up_slot("what", 0): "Executive sponsor call with Initech",
                      up_slot("owner", 0): MAYA, up_slot("due", 0): "2026-10-16"})
    fri = thu + DAY
    d.until(d.local(fri, 11))
    d.moment(MAYA, "Maya logs her talk with Finance and thanks Fiona")
    d.click(MAYA, d.dm(MAYA, "A new quarter"), Up.LOG_TALK, value="Finance")
    d.submit(MAYA, {UpBlock.DAY: fri.isoformat(),
                    UpBlock.THANKED: "Same-day approvals on the Globex discount",
                    UpBlock.IDEAS: "A monthly forecast review with Finance",
                    UpBlock.THANK_YOU: "Your same-day approvals saved the Globex deal. Thank "
                                       "you!"})


def epilogue(d: Director, full: bool) -> None:
    mon = date(2026, 10, 5)
    if full:
        d.tick(d.local(mon, 9, tz="Asia/Tokyo"))
        d.until(d.local(mon, 9, 30, tz="Asia/Tokyo"))
        d.write(KENJI, "Could you join the Osaka Steel QBR on Thursday?")
    d.tick(d.local(mon, 10))
    d.until(d.local(mon, 10, 30))
    d.moment(MAYA, "First Monday: Maya's career check-in; she asks Jordan for feedback")
    checkin = d.dm(MAYA, "monthly career check-in")
    d.click(MAYA, checkin, Career.ASK_FEEDBACK)
    d.until(d.local(mon, 15))
    d.click(JORDAN, d.dm(JORDAN, "asks for your feedback"), Career.GIVE_FEEDBACK)
    d.submit(JORDAN, {Career.TEXT: "The pricing work is visible already. Take the course "
                                   "before November's planning."})
    tue = mon + DAY
    d.tick(d.local(tue, 10))
    d.until(d.local(tue, 10, 30))
    d.moment(MAYA, "First Tuesday: the monthly review of development plans")
    review = d.dm(MAYA, "monthly review")
    d.click(MAYA, review, Down.REVIEW, value=_button_near(review, f"<@{PRIYA}>", Down.REVIEW))
    review = d.modal(MAYA)
    first = next(b["block_id"] for b in review["blocks"]
                 if str(b.get("block_id", "")).startswith("dev.status."))
    note = first.replace("status", "note")
    d.submit(MAYA, {first: "on_track", note: "Shadowed the Globex renewal call on Oct 1"})
    d.until(d.local(date(2026, 10, 9), 17))
    d.moment(MAYA, "Friday 9 October: everyone opens App Home")
    for person in CAST:
        d.home(person.user_id)
