"""`bot demo --short` end to end: the real app plays the month's key moments against the
emulator, with no Slack variables, and writes a page per person that shows them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.demo.script import CAST

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo") / "site"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    run = subprocess.run([sys.executable, "-m", "bot", "demo", "--short", "--out", str(out)],
                         env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    return out, run.stdout


def page(site: tuple[Path, str], handle: str) -> str:
    return (site[0] / f"{handle}.html").read_text(encoding="utf-8")


def test_prints_a_transcript_and_where_the_pages_are(site: tuple[Path, str]) -> None:
    out, transcript = site
    assert "Maya writes her career plan" in transcript
    assert "Jordan records the debrief" in transcript
    assert f"The pages are in {out.resolve()}/" in transcript


def test_every_person_has_a_page_linked_from_the_index(site: tuple[Path, str]) -> None:
    index = page(site, "index")
    for person in CAST:
        assert f'href="{person.handle}.html' in index
        assert (site[0] / f"{person.handle}.html").exists()
    assert "Maya reports September, below target" in index
    assert 'href="maya.html#i' in index  # key moments link into the pages


def test_the_managers_page_has_the_months_key_moments(site: tuple[Path, str]) -> None:
    maya = page(site, "maya")
    for moment in (
        "Your career plan",  # the modal, refused once then saved
        "Write where you want to be in one year.",
        "Your career plan is saved",
        "confirmed: <span class=\"mention\">@Priya Shah</span> reports to",
        "Development plan",
        "Contribution plan",
        "What else can I do to make you even more successful?",  # her boss asks her
        "What else can you do for your team?",  # the digest
        "Introductions to two Osaka accounts",
        "Commit to act",
        "Sales are below target",
        "Two enterprise deals (Globex, Initech) slipped",
        "Monthly debrief: October 2026",
        "Group DM with Jordan Reed",
        "A new quarter (Q4 2026)",
        "Logged your talk with Finance",
        "Your monthly career check-in",
        "Time for the monthly review",
        "Opened Leadwell's App Home",
    ):
        assert moment in maya, moment


def test_the_others_see_their_side(site: tuple[Path, str]) -> None:
    assert "shared their career plan with you" in page(site, "jordan")
    assert "recorded the debrief of October 2026" in page(site, "jordan")
    assert "would like to add you to their team" in page(site, "priya")
    assert "You confirmed" in page(site, "priya")
    assert "reviewed your development plan" in page(site, "priya")
    assert "did:</strong> Ask our Osaka partner" in page(site, "kenji")
    assert "wants to thank you" in page(site, "fiona")


def test_charts_are_copied_and_pages_are_offline_and_complete(site: tuple[Path, str]) -> None:
    charts = sorted((site[0] / "files").glob("*.png"))
    assert charts and all(c.read_bytes().startswith(b"\x89PNG") for c in charts)
    assert f'src="files/{charts[0].name}"' in page(site, "jordan")
    for person in CAST:
        html = page(site, person.handle)
        assert 'class="unknown"' not in html, person.handle  # every block the bot sent is drawn
        assert 'src="http' not in html and "<link" not in html and "<script" not in html
        assert 'name="viewport"' in html
