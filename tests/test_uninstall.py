"""Uninstall and token revocation: exactly one workspace's rows and tokens are deleted."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.core.install import InstalledWorkspaces
from bot.core.models import Delivery, ProcessedEvent
from bot.core.slack import NotInstalled
from bot.core.uninstall import count_rows, delete_workspace, revoke_tokens
from bot.lead_up.models import ApiToken
from bot.lead_yourself.service import ActionDraft, PlanDraft, save_plan
from bot.org import service
from bot.org.models import Person
from tests.factories import T0, person
from tests.test_install import installation, oauth_env, store_for


def populate(session: Session, team_id: str) -> None:
    """Rows of one workspace in many tables; its user ids are the same as the other's."""
    ann, bob = person(session, "UANN", team_id=team_id), person(session, "UBOB", team_id=team_id)
    service.propose(session, team_id, proposer=ann, manager=ann, report=bob, now=T0)
    draft = PlanDraft(why="grow", aspirations={1: "lead", 3: "", 5: ""},
                      actions=[ActionDraft(horizon=1, what="course", due=date(2027, 1, 1))])
    save_plan(session, team_id, "UANN", draft, T0)  # plan_actions, plan_versions: no team_id
    session.add(Delivery(team_id=team_id, recipient="UBOB", kind="k", period="p",
                         status="pending", created_at=T0))
    session.add(ProcessedEvent(event_id=f"Ev{team_id}", team_id=team_id, received_at=T0))
    session.add(ApiToken(team_id=team_id, token_hash=f"hash-{team_id}", created_at=T0))
    session.flush()


def test_uninstall_deletes_every_row_of_that_workspace_only(sessions) -> None:
    store = store_for(sessions)
    for team_id in ("T1", "T2"):
        with sessions.begin() as session:
            populate(session, team_id)
        store.save(installation(team_id, f"xoxb-{team_id}-to-delete"))
    with sessions.begin() as session:
        before = {t: count_rows(session, t) for t in ("T1", "T2")}
    assert before["T1"] == before["T2"]
    assert {"people", "proposals", "career_plans", "plan_actions", "plan_versions",
            "deliveries", "processed_events", "api_tokens", "workspaces",
            "slack_installations", "slack_bots"} <= set(before["T1"])
    with sessions.begin() as session:
        deleted = delete_workspace(session, "T1")
    assert deleted == before["T1"]
    with sessions.begin() as session:
        assert count_rows(session, "T1") == {}
        assert count_rows(session, "T2") == before["T2"]
        assert session.get(Person, ("T2", "UANN")) is not None
    assert store.latest("T1") is None and store.latest("T2").bot_token == "xoxb-T2-to-delete"


def test_revoked_bot_tokens_are_deleted_and_the_workspace_is_unreachable(sessions) -> None:
    settings = Settings.from_env(oauth_env())
    store = store_for(sessions)
    for team_id in ("T1", "T2"):
        store.save(installation(team_id, f"xoxb-{team_id}-revoked",
                                user_token=f"xoxp-{team_id}-user"))
    workspaces = InstalledWorkspaces(settings, store)
    workspaces("T1")
    with sessions.begin() as session:
        assert revoke_tokens(session, "T1", bot=True, user_ids=["UANN"]) == 3
    workspaces.forget("T1")
    with pytest.raises(NotInstalled):
        workspaces("T1")
    assert store.find_bot(enterprise_id=None, team_id="T1") is None
    assert store.find_installation(enterprise_id=None, team_id="T1").user_token is None
    assert workspaces("T2").token == "xoxb-T2-revoked"
    with sessions.kw["bind"].connect() as connection:
        left = connection.execute(text("SELECT COUNT(*) FROM slack_installations "
                                       "WHERE team_id = 'T1' AND bot_token IS NOT NULL"))
        assert left.scalar_one() == 0


def test_a_workspace_without_rows_deletes_nothing(sessions) -> None:
    with sessions.begin() as session:
        person(session, "UANN", team_id="T2")
        assert delete_workspace(session, "T1") == {}
        assert count_rows(session, "T2") == {"people": 1, "workspaces": 1}
