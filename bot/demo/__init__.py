"""`bot demo`: play a month of Leadwell against the local Slack emulator and write what everyone
saw as a static site (bot/demo/site.py), without a Slack workspace."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.demo import script
from bot.demo.director import Director
from bot.demo.journal import Journal
from bot.demo.stage import Stage, quiet_logs


def run_demo(out_dir: Path, *, full: bool = True,
             say: Callable[[str], None] = print) -> Path:
    """Play the month (`full`, else a short run with the key moments), print the transcript
    with `say`, write the site into `out_dir`; returns the path of its index.html."""
    from bot.demo.site import write_site

    started = time.monotonic()
    say(f"A {'month' if full else 'short month'} of Leadwell at {script.TEAM_NAME} "
        f"(times in {script.HQ}):")
    with quiet_logs(), tempfile.TemporaryDirectory(prefix="leadwell-demo-") as work, \
            Stage(Path(work), start=script.opening(), team_name=script.TEAM_NAME) as stage:
        for person in script.CAST:
            stage.emu.add_user(person.user_id, person.handle, tz=person.tz, is_admin=person.admin,
                               real_name=person.name, display_name=person.name,
                               email=f"{person.handle}@northwind.example")
        journal = Journal()
        script.play(Director(stage, journal, hourly=full, say=say, tz=script.HQ), full=full)
        index = write_site(out_dir, stage.emu, journal, script.CAST, team_name=script.TEAM_NAME,
                           hq=script.HQ)
    say(f"Played {'a month' if full else 'a short month'} in {time.monotonic() - started:.0f}s.")
    return index


def command(out: str, *, open_browser: bool = False, full: bool = True) -> int:
    """`bot demo`: run it, say where the pages are, open them if asked."""
    index = run_demo(Path(out), full=full).resolve()
    print(f"The pages are in {index.parent}/: open {index}")
    if open_browser:
        import webbrowser

        webbrowser.open(index.as_uri())
    return 0
