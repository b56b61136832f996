"""A run's own times under the probe: python3 -B -m benchcompare.timed
TIME_FILE -- COMMAND... runs COMMAND (stdin, stdout and stderr inherited),
waits for it with wait4(2) and writes "WALL USER SYS" (seconds, '%.3f') to
TIME_FILE, as guest.py's own measurement of an unprobed run does. It exits
with COMMAND's status (128+N when a signal N killed it, 127 when it could
not start). The probe's trace-latency.sh runs it, so the probe's set-up and
the copy of its trace are outside the times. It imports little (no
subprocess) and runs with python3 -S: it starts in every probed run, and a
Python start costs about a second of CPU in the lab."""

import os
import sys
import time


def run(time_file, cmd):
    """Runs cmd; its exit status, with its times in time_file."""
    t0 = time.monotonic()
    try:
        pid = os.posix_spawnp(cmd[0], cmd, os.environ)
    except OSError as error:
        sys.stderr.write(f"{cmd[0]}: {error}\n")
        return 127
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - t0
    with open(time_file, "w") as f:
        f.write("%.3f %.3f %.3f\n" % (wall, usage.ru_utime, usage.ru_stime))
    rc = os.waitstatus_to_exitcode(status)
    return rc if rc >= 0 else 128 - rc


def main(argv):
    """TIME_FILE -- COMMAND...: the exit status (2 on bad usage)."""
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write("usage: python3 -m benchcompare.timed TIME_FILE -- COMMAND...\n")
        return 2
    return run(argv[0], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
