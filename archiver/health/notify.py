"""``--on-alarm CMD``: hand each alarm to a command of the user's (mail, chat, a pager).

The command runs through the shell, as a crontab line would run it, once per alarm, with
the alarm as one JSON object on stdin. A failing or hanging command is logged and never
fails the crawl: the alarm is already stored in the archive.
"""
from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence

from archiver.health.alarms import Alarm

log = logging.getLogger(__name__)
HOOK_TIMEOUT = 60.0


def run_hook(command: str, alarms: Sequence[Alarm], timeout: float = HOOK_TIMEOUT) -> int:
    """Run ``command`` once per alarm; return how many runs succeeded."""
    done = 0
    for alarm in alarms:
        try:
            # shell=True: CMD is the user's own shell command, as on a crontab line.
            result = subprocess.run(command, shell=True, input=alarm.to_json() + "\n",
                                    text=True, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.error("--on-alarm %r failed for %s: %s", command, alarm.message, exc)
            continue
        if result.returncode != 0:
            log.error("--on-alarm %r exited %d for %s: %s", command, result.returncode,
                      alarm.message, result.stderr.strip()[-500:])
            continue
        done += 1
    return done
