"""Scheduled work of the org: remind people of unanswered requests, expire old ones."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.core.models import Delivery
from bot.core.scheduler import Due
from bot.core.slack import Posted, send_dm
from bot.org import service, views
from bot.org.models import ProposalStatus


class ProposalReminder:
    """One reminder DM a day after a request, while it is still unanswered."""

    kind = "org.proposal_reminder"

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        for proposal in service.pending_older_than(session, now - service.REMIND_AFTER):
            yield Due(proposal.team_id, proposal.confirmer_id, self.kind, f"proposal-{proposal.id}",
                      ref=str(proposal.id))

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        proposal = service.get_proposal(session, delivery.team_id, int(delivery.ref))
        if proposal is None or proposal.status != ProposalStatus.PENDING:
            return False
        message = views.proposal_request(proposal, reminder=True)
        posted = send_dm(client, proposal.confirmer_id, text=message.text,
                         blocks=message.blocks_dicts())
        if proposal.dm_channel and proposal.dm_ts:  # one live set of buttons at a time
            moved = views.proposal_moved(proposal)
            with contextlib.suppress(SlackApiError):
                client.chat_update(channel=proposal.dm_channel, ts=proposal.dm_ts,
                                   text=moved.text, blocks=moved.blocks_dicts())
        self.adopt(session, delivery, posted, now)
        return True

    def adopt(self, session: Session, delivery: Delivery, posted: Posted, now: datetime) -> None:
        """The reminder's buttons are the live ones from now on."""
        proposal = service.get_proposal(session, delivery.team_id, int(delivery.ref))
        if proposal is not None:
            proposal.dm_channel, proposal.dm_ts = posted.channel, posted.ts


class ProposalExpiry:
    """Requests unanswered for a week expire; the proposer is told once."""

    kind = "org.proposal_expired"

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        for proposal in service.pending_older_than(session, now - service.PROPOSAL_TTL):
            proposal.status, proposal.decided_at = ProposalStatus.EXPIRED, now
            yield Due(proposal.team_id, proposal.proposer_id, self.kind, f"proposal-{proposal.id}",
                      ref=str(proposal.id))

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        proposal = service.get_proposal(session, delivery.team_id, int(delivery.ref))
        if proposal is None:
            return False
        if proposal.dm_channel and proposal.dm_ts:
            closed = views.proposal_closed(proposal)
            with contextlib.suppress(SlackApiError):  # the notice below matters more
                client.chat_update(channel=proposal.dm_channel, ts=proposal.dm_ts,
                                   text=closed.text, blocks=closed.blocks_dicts())
        notice = views.decision_notice(proposal)
        send_dm(client, proposal.proposer_id, text=notice.text, blocks=notice.blocks_dicts())
        return True


JOBS = (ProposalExpiry(), ProposalReminder())
