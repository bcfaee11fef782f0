"""Every lead-down view builds valid Block Kit and says what it should."""

from __future__ import annotations

from datetime import date

from bot.core.home import home_view
from bot.lead_down import views
from bot.lead_down.ids import QUESTION, Action
from bot.lead_down.models import Commitment, Question
from bot.lead_down.service import ReportAnswer
from tests import blockkit
from tests.factories import T0

TODAY = date(2026, 11, 30)


def question(qid: int = 1, report: str = "UBER") -> Question:
    return Question(id=qid, team_id="T1", report_id=report, manager_id="UBOSS", week="2026-W49",
                    asked_at=T0, channel="DUBER", ts="1.1")


def commitment(cid: int = 3, done: bool = False) -> Commitment:
    return Commitment(id=cid, question_id=1, text="Weekly 1:1 <@UHACK>", due=TODAY,
                      created_at=T0, done_at=T0 if done else None)


def action_ids(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_question_dm_asks_in_the_managers_name_with_an_answer_button() -> None:
    message = views.question_message(question())
    blockkit.check(message.blocks_dicts())
    assert message.text == f"<@UBOSS> asks: {QUESTION}"
    assert action_ids(message.blocks_dicts()) == [Action.ANSWER]
    assert views.question_message(question(), reminder=True).text.startswith("Reminder: ")


def test_digest_lists_answers_missing_ones_and_quiet_reports_within_limits() -> None:
    entries = [ReportAnswer(f"U{i:04d}", question(i, f"U{i:04d}"), "x" * 3000 if i % 2 else "",
                            [commitment(i)] if i % 3 == 0 else []) for i in range(40)]
    entries.append(ReportAnswer("UNEW", None))
    message = views.digest_message(entries, ["U0002", "U0004"])
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    assert len(blocks) <= 50 and "20 of 41 answered" in message.text
    text = str(blocks)
    assert "no answer yet" in text and "three weeks" in text and "and 26 more" in text


def test_user_text_cannot_mention_or_link() -> None:
    entry = ReportAnswer("UBER", question(), "<!channel> see <https://x.io|this>",
                         [commitment()])
    text = str(views.digest_message([entry], []).blocks_dicts())
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "<@UHACK>" not in text


def test_home_section_for_a_manager_and_for_a_report() -> None:
    manager = views.home_section([ReportAnswer("UBER", question(), "More 1:1s")], ["UTOK"],
                                 [commitment()], None, "", None)
    report = views.home_section([], [], [], question(), "", TODAY)
    for section in (manager, report):
        blockkit.check(home_view([section]).to_dict(), "home")
    manager_ids = action_ids([b.to_dict() for b in manager])
    assert Action.COMMIT in manager_ids and Action.COMMITMENT_DONE in manager_ids
    report_text = str([b.to_dict() for b in report])
    assert "not answered yet" in report_text and "away until" in report_text


def test_modals_and_messages_are_valid() -> None:
    for modal in (views.answer_modal(question(), "So far"),
                  views.commit_modal(question(), "More 1:1s", today=TODAY),
                  views.away_modal(TODAY)):
        blockkit.check(modal.to_dict(), "modal")
    for message in (views.thanks_message("UBOSS"), views.committed_message(commitment(), "UBER"),
                    views.you_asked_message("More 1:1s", "UBOSS", commitment())):
        blockkit.check(message.blocks_dicts())
    did = views.you_asked_message("More 1:1s", "UBOSS", commitment())
    assert did.text == "You asked: More 1:1s — <@UBOSS> did: Weekly 1:1 &lt;@UHACK&gt;"


def test_silent_reports_are_named_with_the_right_verb() -> None:
    one = views.digest_message([], ["UBER"]).blocks_dicts()
    two = views.digest_message([], ["UBER", "UCAT"]).blocks_dicts()
    assert "<@UBER> hasn't answered for three weeks" in str(one)
    assert "haven't answered for three weeks" in str(two) and "hasn't" not in str(two)
