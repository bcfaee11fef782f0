"""Local Slack emulator and signed test client for end-to-end tests and benchmarks."""

from bot.testing.client import Response, SlackClient
from bot.testing.emulator import SlackEmulator

__all__ = ["Response", "SlackClient", "SlackEmulator"]
