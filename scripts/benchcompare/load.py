"""--load in the guest: N busy processes (plan.LOAD_COMMAND, pure CPU) that
run while one tool runs, every tool alike. Each is started in a session of
its own and killed with its whole process group after the run, then
reaped; stop() says which, if any, is still there afterwards."""

import os
import signal
import subprocess
import time

from .plan import LOAD_COMMAND


def alive(pid):
    """Whether a process with this id exists (a zombie counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running(pid, command):
    """Whether pid has exec'd command (its command line is command's)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[:len(command)] == [w.encode() for w in command]
    except OSError:
        return False


class Load:
    """N busy processes, started by start() and gone after stop()."""

    def __init__(self, count, command=LOAD_COMMAND):
        self.count = count
        self.command = command
        self.procs = []

    def start(self):
        """Starts the processes and waits (up to 2 s) until each runs the
        loop, so that the tool starts under the whole load. Returns the pids."""
        for _ in range(self.count):
            self.procs.append(subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL, start_new_session=True))
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and not all(running(p.pid, self.command) for p in self.procs):
            time.sleep(0.01)
        return [p.pid for p in self.procs]

    def stop(self):
        """Kills each process group (SIGKILL) and reaps the processes; the
        pids still alive afterwards (none, unless something is wrong)."""
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for p in self.procs:
            p.wait()
        left = [p.pid for p in self.procs if alive(p.pid)]
        self.procs = []
        return left
