"""The host side of scripts/bench-compare: options, build, one lab boot
with the guest half (guest.py), the probe's latency.py on each trace, then
the table (analyse.py, report.py). See options.HELP (scripts/bench-compare
--help) and scripts/README.md."""

import json
import os
import re
import shutil
import subprocess
import sys
import time

from . import analyse as A
from . import report
from .options import HELP, UsageError, check, parse_args
from .plan import estimate_seconds, framepipe_rows

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The shared kernel-tracepoint probe, beside the repository (never copied into it).
PROBE_DIR = os.path.join(os.path.dirname(REPO), "shared", "tools", "probe")
PROBE_FILES = ("trace-latency.sh", "latency.py")
# The probe's set-up and the copy of its trace, per timed run (for the estimate).
PROBE_SECONDS = 4


def say(message):
    """A line of news on stderr."""
    sys.stderr.write(f"bench-compare: {message}\n")
    sys.stderr.flush()


def probe_dir_of(settings):
    """The probe's folder (absolute), or None when the probe is off or,
    by default, missing; --probe with no probe is a usage error."""
    if settings.probe == "off":
        return None
    directory = os.path.realpath(settings.probe_dir or PROBE_DIR)
    missing = [name for name in PROBE_FILES if not os.path.isfile(os.path.join(directory, name))]
    if missing:
        if settings.probe == "on":
            raise UsageError(f"--probe: no {', '.join(missing)} in {directory} (see --probe-dir)")
        say(f"warning: no probe ({', '.join(missing)} missing in {directory}): runs are not traced")
        return None
    return directory


def run_latency_py(out, probe_dir):
    """The probe's latency.py (run here, on the host) on every trace.txt of
    the folder that has no probe.txt yet: its output goes to probe.txt
    beside the trace. The number of traces analysed."""
    script = os.path.join(probe_dir, "latency.py")
    if not os.path.isfile(script):
        return 0
    done = 0
    for root, _, files in os.walk(os.path.join(out, "runs")):
        if "trace.txt" in files and "probe.txt" not in files:
            result = subprocess.run([sys.executable, "-B", script, os.path.join(root, "trace.txt")],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
            with open(os.path.join(root, "probe.txt"), "wb") as f:
                f.write(result.stdout)
            done += 1
    return done


def analyse_and_print(out):
    """Works out table.md and results.json of an output folder and prints
    the table (after latency.py on traces not analysed yet, when the probe
    is where meta.json says or in its default place)."""
    try:
        with open(os.path.join(out, "meta.json")) as f:
            probe_dir = json.load(f).get("probeDir") or PROBE_DIR
    except (OSError, ValueError, AttributeError):
        probe_dir = PROBE_DIR
    run_latency_py(out, probe_dir)
    text = report.write(A.analyse(out))
    sys.stdout.write(text)
    sys.stdout.flush()


def capture(cmd):
    """A command's stdout without the trailing newlines, None if it fails."""
    try:
        result = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, check=False)
    except OSError:
        return None
    return result.stdout.decode("utf-8", "replace").rstrip("\n") if result.returncode == 0 else None


def loadavg():
    """The 1, 5 and 15 minute load averages, as /proc/loadavg has them."""
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def build(settings):
    """(framepipe binary, build description): --framepipe, else swift build
    (release unless --debug) and the malloc interposer bench preloads to
    count heap allocations."""
    if settings.framepipe:
        binary = settings.framepipe
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            raise UsageError(f"--framepipe {binary} is not an executable")
        binary = os.path.join(os.path.realpath(os.path.dirname(binary) or "."), os.path.basename(binary))
        return binary, f"given ({binary})"
    flags = ["-c", "release"] if settings.release else []
    kind = "release" if settings.release else "debug"
    say(f"building framepipe ({kind})")
    if subprocess.run(["swift", "build", "--quiet"] + flags, stdout=sys.stderr, check=False).returncode != 0:
        raise UsageError("swift build failed")
    if subprocess.run(["swift", "build", "--quiet"] + flags + ["--product", "MallocInterposerSwift"],
                      stdout=sys.stderr, check=False).returncode != 0:
        say("warning: no malloc interposer: allocations will not be counted")
    bin_path = capture(["swift", "build"] + flags + ["--show-bin-path"]) or ""
    binary = os.path.join(bin_path, "framepipe")
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise UsageError(f"no framepipe binary at {binary} after the build")
    return binary, kind


def meta_of(settings, commit, dirty, build_kind, binary, other_guests, probe_dir=None):
    """meta.json at the start of a run."""
    return {"commit": commit, "dirty": dirty, "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "rounds": settings.rounds, "short": settings.short, "long": settings.long, "fps": float(settings.fps),
            "runTimeout": settings.run_timeout, "build": build_kind, "framepipe": binary,
            "hostCPUs": len(os.sched_getaffinity(0)), "hostLoadAtStart": loadavg(), "otherGuestsAtStart": other_guests,
            "memory": settings.memory, "syscalls": settings.syscalls, "copy": settings.copy,
            "sizes": settings.sizes, "cpuTimes": "wait4", "loops": settings.loops, "load": settings.load,
            "probe": settings.probe, "probeDir": probe_dir or ""}


def write_json(path, value):
    """value as indented JSON (no final newline, as meta.json always was)."""
    with open(path, "w") as f:
        json.dump(value, f, indent=2)


def guest_command(settings, out, binary, probe_dir=None):
    """The lab's command: the guest half, with this Python, scripts/ on its path."""
    cmd = [sys.executable, "-B", "-m", "benchcompare.guest", "--out", out, "--rounds", str(settings.rounds),
           "--fps", settings.fps, "--short", str(settings.short), "--long", str(settings.long),
           "--framepipe", binary, "--memory", " ".join(settings.memory), "--run-timeout", str(settings.run_timeout),
           "--loops", " ".join(settings.loops), "--load", str(settings.load)]
    if probe_dir:
        cmd += ["--probe", "on" if settings.probe == "on" else "auto", "--probe-dir", probe_dir]
    if settings.syscalls:
        cmd.append("--syscalls")
    if settings.copy:
        cmd.append("--copy")
    return cmd + ["--"] + settings.sizes


def progress_problems(out):
    """progress.log's warnings, failures, timeouts and skips."""
    try:
        with open(os.path.join(out, "progress.log"), encoding="utf-8", errors="replace") as f:
            return [line for line in f.read().splitlines() if re.search(r"warning|: (failed|timeout)|skipped", line)]
    except OSError:
        return []


def runs_failed(out):
    """Whether runs.tsv has a failed or timed-out run."""
    with open(os.path.join(out, "runs.tsv"), encoding="utf-8", errors="replace") as f:
        return re.search(r"\t(failed|timeout)\t", f.read()) is not None


def benchmark(settings):
    """A whole benchmark: returns the exit status."""
    deps = subprocess.run(["scripts/deps"], stdout=sys.stderr, check=False).returncode
    if deps != 0:
        return deps  # scripts/deps says why
    for tool in ("gst-launch-1.0", "gst-inspect-1.0"):
        if not shutil.which(tool):
            say(f"warning: {tool} is missing after scripts/deps: GStreamer runs will be skipped")
    probe_dir = probe_dir_of(settings)
    binary, build_kind = build(settings)
    out = settings.out or os.path.join(REPO, "lab-results", "bench-" + time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(out, exist_ok=True)
    out = os.path.realpath(out)
    if os.path.exists(os.path.join(out, "runs.tsv")):
        raise UsageError(f"{out} already holds a benchmark (runs.tsv): choose another --out")
    commit = capture(["git", "rev-parse", "--short", "HEAD"]) or "unknown"
    dirty = bool(capture(["git", "status", "--porcelain"]))
    # Under TCG the guest cannot tell time the host took from it: another
    # guest or a build on this machine inflates both the wall clock and the CPU times.
    other_guests = int(capture(["pgrep", "-c", "-f", "^qemu-system"]) or 0)
    if other_guests:
        say(f"warning: {other_guests} other qemu guest(s) running on this host: the numbers will be noisy")
    if float(loadavg().split()[0]) > 0.7:
        say(f"warning: this host is busy (load average {loadavg()}): the numbers will be noisy")
    meta_path = os.path.join(out, "meta.json")
    write_json(meta_path, meta_of(settings, commit, dirty, build_kind, binary, other_guests, probe_dir))
    tools = len(framepipe_rows(settings.memory, settings.loops)) + 2 + 2 * settings.copy
    estimate = estimate_seconds(settings.sizes, settings.fps, settings.rounds, settings.short, settings.long, tools,
                                PROBE_SECONDS if probe_dir else 0)
    lab_timeout = estimate * 2 + 120
    say(f"commit {commit}, {len(settings.sizes)} size(s), {settings.rounds} round(s), short {settings.short} / "
        f"long {settings.long} frames at {settings.fps} fps, framepipe memory: {' '.join(settings.memory)}, "
        f"loops: {' '.join(settings.loops)}"
        + (f"; load: {settings.load} busy processes" if settings.load else "")
        + ("; under the probe" if probe_dir else "")
        + ("; copy path (YUYV) too" if settings.copy else "")
        + ("; system calls and context switches counted (perf stat)" if settings.syscalls else "")
        + f"; about {(estimate + 59) // 60} min")
    say(f"results in {out} (progress: {out}/progress.log after the run)")
    lab = ["scripts/lab", "--vivid", "n_devs=1", "--results", out, "--timeout", str(lab_timeout),
           "--env", f"PYTHONPATH={os.path.join(REPO, 'scripts')}", "--"] + guest_command(settings, out, binary, probe_dir)
    with open(os.path.join(out, "guest-output.log"), "w") as stdout, open(os.path.join(out, "guest-stderr.log"), "w") as stderr:
        lab_status = subprocess.run(lab, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, check=False).returncode
    try:
        with open(meta_path) as f:
            meta = json.load(f)
        meta["hostLoadAtEnd"] = loadavg()
        write_json(meta_path, meta)
    except (OSError, ValueError):
        pass
    if lab_status != 0:
        if lab_status == 124:
            say(f"the lab timed out after {lab_timeout} s: the table has what finished")
        elif lab_status == 125:
            say(f"lab failure (see below and {out}/.lab/console.log)")
        else:
            say(f"the guest part exited with status {lab_status}")
        with open(os.path.join(out, "guest-stderr.log"), encoding="utf-8", errors="replace") as f:
            for line in f.read().splitlines():
                sys.stderr.write(f"  | {line}\n")
    for line in progress_problems(out):
        sys.stderr.write(f"  {line}\n")
    if not os.path.exists(os.path.join(out, "runs.tsv")):
        say("no run was recorded")
        try:
            analyse_and_print(out)
        except Exception as error:  # the table of nothing is a courtesy
            say(f"no table: {error}")
        return lab_status or 1
    analyse_and_print(out)
    if lab_status != 0:
        return lab_status
    return 1 if runs_failed(out) else 0


def main(argv):
    """scripts/bench-compare: the exit status (0 all runs worked, 1 some
    failed, 2 bad usage, else the lab's)."""
    os.chdir(REPO)
    try:
        options = parse_args(argv)
        if options.help:
            sys.stdout.write(HELP)
            return 0
        if options.analyse:
            if not (os.path.isfile(os.path.join(options.analyse, "runs.tsv"))
                    or os.path.isfile(os.path.join(options.analyse, "meta.json"))):
                raise UsageError(f"{options.analyse} has no runs.tsv: not a bench-compare output folder")
            analyse_and_print(options.analyse)
            return 0
        return benchmark(check(options))
    except UsageError as error:
        sys.stderr.write(f"bench-compare: error: {error}\n")
        return 2
