"""`/careerplan export`: the plan as a printable Markdown document."""

from __future__ import annotations

from datetime import date

from bot.lead_yourself.ids import HORIZONS
from bot.lead_yourself.models import CareerPlan, PlanFeedback
from bot.lead_yourself.service import PURPOSE_FIELDS
from bot.lead_yourself.views import PURPOSE_QUESTIONS, _flat, day, horizon_title

# --- export ---------------------------------------------------------------------------------

def _cell(text: str) -> str:
    return _flat(text).replace("|", "\\|") or "—"


def export_markdown(plan: CareerPlan, feedback: list[PlanFeedback], *, owner_name: str,
                    today: date) -> str:
    """The plan as a printable Markdown document."""
    out = [f"# Career plan — {owner_name}", "",
           f"Version {plan.version}, saved {plan.updated_at:%Y-%m-%d}. "
           f"Exported {today:%Y-%m-%d}.", "", "## Purpose", ""]
    for name in PURPOSE_FIELDS:
        out += [f"### {PURPOSE_QUESTIONS[name]}", "",
                getattr(plan, name).strip() or "_Not answered yet._", ""]
    out += ["## Aspirations and actions", ""]
    for h in HORIZONS:
        out += [f"### {horizon_title(h)}", "", plan.aspiration(h).strip() or "_Not written yet._",
                ""]
        rows = sorted((a for a in plan.actions if a.horizon == h), key=lambda a: (a.due, a.id))
        if not rows:
            out += ["_No actions yet._", ""]
            continue
        out += ["| What I will do | By when | Support I need | Status |", "|---|---|---|---|"]
        for a in rows:
            status = ("done" if a.done_at else "open (overdue)" if a.due < today else "open")
            out.append(f"| {_cell(a.what)} | {day(a.due)} | {_cell(a.support)} | {status} |")
        out.append("")
    out += ["## Feedback", ""]
    for item in sorted(feedback, key=lambda f: (f.created_at, f.id or 0)):
        quoted = "\n".join(f"> {line}" for line in item.text.strip().splitlines())
        out += [f"**{item.author_id}**, {item.created_at:%Y-%m-%d} ({item.kind}):", "", quoted, ""]
    if not feedback:
        out += ["_No feedback yet._", ""]
    return "\n".join(out)

