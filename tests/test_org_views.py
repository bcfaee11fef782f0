"""Every org view builds valid Block Kit (slack_sdk's checks, plus the JSON schema if present)."""

from __future__ import annotations

import pytest

from bot.core.blocks import mention_list
from bot.core.home import home_view
from bot.org import views
from bot.org.ids import Action
from bot.org.models import Proposal, ProposalStatus
from bot.org.service import OrgSnapshot
from tests import blockkit
from tests.factories import T0


def proposal(status: str = ProposalStatus.PENDING, *, by_manager: bool = True,
             id: int = 7) -> Proposal:
    return Proposal(id=id, team_id="T1", manager_id="UANN", report_id="UBOB",
                    proposer_id="UANN" if by_manager else "UBOB",
                    confirmer_id="UBOB" if by_manager else "UANN",
                    status=status, created_at=T0, decided_at=T0)


def buttons(blocks: list[dict]) -> dict[str, dict]:
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


@pytest.mark.parametrize("by_manager", [True, False])
def test_request_asks_the_right_question_with_both_buttons(by_manager: bool) -> None:
    message = views.proposal_request(proposal(by_manager=by_manager))
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    found = buttons(blocks)
    assert found[Action.CONFIRM]["value"] == found[Action.DECLINE]["value"] == "7"
    expected = "would like to add you" if by_manager else "says you are their manager"
    assert expected in message.text


@pytest.mark.parametrize("status", list(ProposalStatus)[1:])
def test_closed_request_and_notice_have_no_buttons(status: str) -> None:
    closed = proposal(status)
    for message in (views.proposal_closed(closed), views.decision_notice(closed)):
        blocks = message.blocks_dicts()
        blockkit.check(blocks)
        assert buttons(blocks) == {}
    assert "expired" in views.decision_notice(proposal(ProposalStatus.EXPIRED)).text


def test_team_message_for_a_newcomer_says_how_to_start() -> None:
    message = views.team_message(OrgSnapshot(manager_id=None, report_ids=[]))
    blockkit.check(message.blocks_dicts())
    assert "/team add @someone" in message.text and "_not set_" in message.text


def test_home_with_pending_answers_and_a_big_team_stays_within_limits() -> None:
    snapshot = OrgSnapshot(manager_id="UBOSS", report_ids=[f"U{i:08d}" for i in range(400)],
                           to_confirm=[proposal()], awaiting=[proposal(by_manager=False)])
    view = home_view([views.home_section(snapshot)]).to_dict()
    blockkit.check(view, "home")
    text = str(view)
    assert "and " in text and " more" in text  # 400 mentions do not fit in one section
    assert {Action.CONFIRM, Action.DECLINE, Action.OPEN_ADD_REPORTS} <= set(buttons(view["blocks"]))


def test_home_never_exceeds_100_blocks() -> None:
    sections = [
        views.home_section(OrgSnapshot(manager_id=None, report_ids=[], to_confirm=[
            proposal(id=s * 100 + i) for i in range(60)]))
        for s in range(3)
    ]
    view = home_view(sections).to_dict()
    assert len(view["blocks"]) == 100
    assert "hidden" in str(view["blocks"][-1])
    blockkit.check(view, "home")


@pytest.mark.parametrize("modal", [views.add_reports_modal, views.set_manager_modal])
def test_team_modals_are_valid(modal) -> None:
    blockkit.check(modal().to_dict(), "modal")


def test_help_lists_every_subcommand() -> None:
    text = views.help_message().text
    for sub in ("add", "manager", "remove", "set", "help"):
        assert f"/team {sub}" in text


def test_mention_list_is_cut_with_a_count() -> None:
    ids = [f"U{i:08d}" for i in range(50)]
    text = mention_list(ids, limit=100)
    assert len(text) <= 100 and text.endswith("more")
    assert mention_list(["UA", "UB"]) == "<@UA>, <@UB>"
