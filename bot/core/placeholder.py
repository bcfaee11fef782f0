"""Commands declared in manifest.yml whose practice has not shipped yet answer honestly."""

from slack_bolt import Ack, App


def register_placeholder(app: App, command: str, practice: str) -> None:
    """`command` tells the user it is not available yet (instead of Slack's dispatch error)."""

    @app.command(command)
    def not_yet(ack: Ack) -> None:
        ack(text=f"`{command}` ({practice}) is not available in this version of Leadwell yet. "
            "`/team` works today.", response_type="ephemeral")
