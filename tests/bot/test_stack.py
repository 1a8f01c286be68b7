"""Children of the stack never outlive the command that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A parent that starts one child the way Stack does, prints its pid, then waits to be killed.
PARENT = """
import os, sys, time
from pathlib import Path
from bot.settings import Settings
from bot.stack import Child, Stack
stack = Stack(Settings.from_env({}), Path("model"), dict(os.environ), Path("credentials.yml"))
child = Child("sleeper", [sys.executable, "-c", "import time; time.sleep(120)"], "http://127.0.0.1:9/")
stack.children = [child]
stack._spawn(child)
print(child.process.pid, flush=True)
time.sleep(120)
"""


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper that may never come in a container."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux only")
def test_a_child_dies_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    child_pid = int(parent.stdout.readline())
    try:
        assert alive(child_pid)
        parent.send_signal(signal.SIGKILL)  # no chance to stop anything itself
        parent.wait(10)
        deadline = time.monotonic() + 10
        while alive(child_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(child_pid)
    finally:
        if alive(child_pid):
            os.kill(child_pid, signal.SIGKILL)
        parent.stdout.close()
