"""The command line of scripts/bench-compare: parsing and checks.

Everything here is pure: errors are raised as UsageError (exit status 2),
the help text is returned, nothing is printed.
"""

import re
from dataclasses import dataclass, field

HELP = """\
scripts/bench-compare: framepipe and GStreamer side by side, camera to screen,
in one boot of the device lab (vivid n_devs=1 + vkms).

Usage: scripts/bench-compare [--rounds N] [--short N] [--long N] [--sizes "WxH[@FPS][:SHORT:LONG] ..."]
                             [--fps F] [--memory "camera display ..."] [--loops "thread dispatch ..."]
                             [--load N] [--probe|--no-probe] [--probe-dir DIR] [--out DIR] [--run-timeout S]
                             [--release|--debug] [--framepipe BIN] [--syscalls] [--copy]
       scripts/bench-compare --analyse DIR

For each size, round after round, it runs with a short and a long frame count:
  framepipe-thread, framepipe-dispatch, framepipe-thread-rt
               framepipe bench --config <generated, "memory": "camera"> --explain --frames N --out DIR
               --event-loop thread|dispatch [--realtime]: one row per entry of --loops
  framepipe-display, framepipe-heap, ...
               the same with the config's source.memory set to display, heap, ...
               (--memory), each with the first loop of --loops
  gst-default  gst-launch-1.0 -q v4l2src io-mode=dmabuf num-buffers=N ! BGRx caps ! kmssink driver-name=vkms
  gst-skip     the same with kmssink sync=false skip-vsync=true
and with --copy, on the camera in 'YUYV' (GStreamer YUY2), which vkms cannot show:
  framepipe-copy  framepipe bench --config <generated, "format": "YUYV", "copy": "allowed"> --explain ...
  gst-copy     gst-launch-1.0 -q v4l2src io-mode=mmap num-buffers=N ! YUY2 caps ! videoconvert
               ! video/x-raw,format=BGRx ! kmssink driver-name=vkms sync=false skip-vsync=true
so that start-up cost cancels: fps = (N_long - N_short) / (wall_long - wall_short)
and CPU per frame = (CPU_long - CPU_short) / (N_long - N_short), CPU being the
user + system time of the process. The camera is /dev/video0 in 'XR24'
(GStreamer BGRx, DRM XRGB8888), timestamp_source=1 (start of exposure),
at --fps or the highest rate vivid offers below it at that size.

Options (defaults in brackets):
  --rounds N       rounds per size [3]; medians over rounds are reported
  --short N        frames of the short run [50]
  --long N         frames of the long run [250]
  --sizes LIST     sizes, space-separated ["640x480 1280x720"]. WxH@FPS requests
                   another rate for that size (320x180@60: vivid's 60 fps under
                   TCG); WxH:SHORT:LONG sets that size's frame counts. Without
                   them, --short/--long are scaled by the rate the size gets over
                   --fps, so each run lasts as long (1280x720, where vivid offers
                   12.5 fps at most: 25 and 125 frames)
  --fps F          frame rate to request; a size where vivid offers less gets the
                   highest rate it offers below [25]
  --memory LIST    who allocates framepipe's frame buffers, framepipe rows per
                   entry, space- or comma-separated ["camera display"]: camera
                   (V4L2 MMAP + VIDIOC_EXPBUF, the display imports; tools
                   "framepipe-LOOP", one per --loops entry; "framepipe" with a
                   framepipe that has no --event-loop), display (KMS dumb buffers
                   the camera imports as DMABUF; "framepipe-display"), heap or
                   heap:NAME (a dma-buf heap; "framepipe-heap",
                   "framepipe-heap-NAME"; a comma in NAME stays, as in
                   heap:linux,cma), auto (framepipe's own search;
                   "framepipe-auto"). Each run's config pins it, and a run whose
                   report (or --explain plan) names other memory counts as
                   failed. Allocators other than camera run with the first loop
                   of --loops
  --loops LIST     framepipe's event loops, one camera-memory row each, space- or
                   comma-separated ["thread dispatch"]: thread (`--event-loop
                   thread`, a waiter thread in epoll_wait; "framepipe-thread"),
                   dispatch (`--event-loop dispatch`, Dispatch read sources;
                   "framepipe-dispatch"), thread-rt (the waiter thread with
                   `--realtime`, SCHED_FIFO; "framepipe-thread-rt"). A section
                   of the table says which loop is faster at each size (more
                   frames on the earliest feasible vblank by the probe, then the
                   shorter wake-up p90, then the shorter latency p50). A
                   framepipe without --event-loop runs one row, "framepipe"
  --load N         N busy processes (sh -c 'while :; do :; done', pure CPU) in
                   the guest during every timed run, every tool alike: started
                   before the run, killed after it (none is left behind; the
                   untimed warm-ups run without). The table's header says the
                   load; under it the probe's figures show who still makes the
                   earliest vblank [0]
  --probe          judge every tool by the kernel-tracepoint probe (the default
                   when the guest's tracefs has the probe's events; --probe
                   makes a missing probe an error): each timed run, short and
                   long, goes under the probe's trace-latency.sh, and the table
                   gets per tool, from the long runs' traces (medians over
                   rounds): the share of frames on the earliest feasible vblank
                   and latency p50/p90 (the probe's latency.py, run on the
                   host), beside framepipe's own earliest-vblank figure; and the
                   wake-up latency, vb2:vb2_buf_done of a buffer index → the
                   v4l2:v4l2_dqbuf of that index, p50/p90. The tool's wall and
                   CPU times are taken inside the probe (the probe's set-up and
                   the copy of its trace are not in them); the tracepoints' own
                   cost is, in short and long runs alike, so compare CPU
                   between runs with the same setting
  --no-probe       no probe
  --probe-dir DIR  the probe (trace-latency.sh, latency.py)
                   [<repository>/../shared/tools/probe]
  --out DIR        where the table, raw numbers and every run's output go
                   [./lab-results/bench-<date>]
  --run-timeout S  limit for one run [120]
  --release        build and measure framepipe's release build (the default:
                   unoptimised Swift allocates and spends CPU that release
                   builds do not)
  --debug          measure the debug build instead
  --framepipe BIN  measure this framepipe binary instead of building one
  --syscalls       also count the system calls (tracepoint raw_syscalls:sys_enter)
                   and context switches of every run, every tool alike: each run
                   goes under `perf stat` in the guest (all threads and children
                   of the tool), and the table gets them per frame, (count_long -
                   count_short) / (N_long - N_short) like CPU, and as ratios.
                   Off by default: perf's counting costs CPU, which the CPU
                   figures of such a run include; compare CPU between runs
                   with the same setting only
  --copy           also measure the copy path: framepipe-copy and gst-copy
                   (above) at each size where vivid offers YUYV at the size's
                   rate. framepipe-copy's config has no source.memory: the
                   planner must choose the copy, and a run whose report (or
                   --explain plan) names other memory than "copy from YUYV
                   ..." counts as failed. Both rows join the main table; a
                   "Copy path" table puts framepipe-copy ÷ gst-copy (fps, CPU
                   per frame, with --syscalls their counts) beside
                   framepipe's conversion time per frame (report.json's
                   latencyMilliseconds.conversion p50) and frames converted.
                   They never enter the zero-copy ratios. Off by default
  --analyse DIR    print the table of an earlier run again, without the lab

Output: the table (markdown) on stdout; DIR/table.md, DIR/results.json (all
raw and derived numbers), DIR/runs.tsv (with the memory each framepipe run asked
for and used, and with --syscalls the counts), DIR/runs/<size>/<tool>-r<round>-<kind>/
(command, stdout, stderr with the --explain plan, framepipe's report.json,
perf.txt with --syscalls; with the probe trace.txt, its latency.py output
probe.txt, time = the tool's own times and probe-time = the whole run's),
DIR/configs/ and DIR/progress.log.
Exit status: 0 if every run worked, 1 if some failed (the table shows what
worked), 2 bad usage, else the lab's status (124 timeout, 125 lab failure).

Layout: scripts/bench-compare runs scripts/benchcompare/cli.py on the host;
the guest half is scripts/benchcompare/guest.py (python3 -m benchcompare.guest
under scripts/lab); unit tests: python3 -m unittest discover -s
scripts/benchcompare/tests (from the repository's root).
"""

# Options that take a value, and the Options field each one sets.
VALUE_OPTIONS = {
    "--rounds": "rounds", "--short": "short", "--long": "long", "--sizes": "sizes",
    "--fps": "fps", "--memory": "memory", "--out": "out", "--run-timeout": "run_timeout",
    "--framepipe": "framepipe", "--analyse": "analyse", "--loops": "loops", "--load": "load",
    "--probe-dir": "probe_dir",
}

MEMORY_WORDS = ("auto", "camera", "display", "heap")
# --loops: framepipe's event loops (--event-loop), thread-rt with --realtime
# (which only the waiter thread honours).
LOOP_WORDS = ("thread", "dispatch", "thread-rt")


class UsageError(Exception):
    """Bad usage: the message is printed as 'bench-compare: error: MESSAGE', exit status 2."""


@dataclass
class Options:
    """The command line as given (strings, unchecked), with the defaults."""
    rounds: str = "3"
    short: str = "50"
    long: str = "250"
    sizes: str = "640x480 1280x720"
    fps: str = "25"
    out: str = ""
    run_timeout: str = "120"
    release: bool = True
    framepipe: str = ""
    analyse: str = ""
    memory: str = "camera display"
    loops: str = "thread dispatch"
    load: str = "0"
    probe: str = "auto"         # auto (when the guest's tracefs can), on (--probe), off (--no-probe)
    probe_dir: str = ""         # "" is <repository>/../shared/tools/probe
    syscalls: bool = False
    copy: bool = False
    help: bool = False


@dataclass
class Settings:
    """The checked options of a benchmark run."""
    rounds: int
    short: int
    long: int
    fps: str                    # as given (e.g. "25"): it names sizes ("640x480@25")
    run_timeout: int
    sizes: list = field(default_factory=list)      # the size specifications, as given
    memory: list = field(default_factory=list)     # the allocators, in order
    loops: list = field(default_factory=list)      # the event loops, in order
    load: int = 0                                   # busy processes during each timed run
    probe: str = "auto"                             # auto, on or off
    probe_dir: str = ""                             # as given ("" the default)
    out: str = ""
    release: bool = True
    framepipe: str = ""
    syscalls: bool = False
    copy: bool = False


def parse_args(argv):
    """The Options of a command line. `--opt=value` is `--opt value`; -h/--help
    sets help (and parsing stops there, as the shell script printed and exited)."""
    options = Options()
    args = list(argv)
    while args:
        arg = args[0]
        if arg in VALUE_OPTIONS:
            if len(args) < 2:
                raise UsageError(f"{arg} needs a value")
            setattr(options, VALUE_OPTIONS[arg], args[1])
            del args[:2]
        elif arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
            args[:1] = [name, value]
        elif arg == "--release":
            options.release = True
            del args[0]
        elif arg == "--debug":
            options.release = False
            del args[0]
        elif arg == "--syscalls":
            options.syscalls = True
            del args[0]
        elif arg == "--copy":
            options.copy = True
            del args[0]
        elif arg in ("--probe", "--no-probe"):
            options.probe = "on" if arg == "--probe" else "off"
            del args[0]
        elif arg in ("-h", "--help"):
            options.help = True
            return options
        else:
            raise UsageError(f"unknown argument: {arg} (see --help)")
    return options


def positive_integer(text):
    """Whether text is a positive integer without sign or leading zero."""
    return re.fullmatch(r"[1-9][0-9]*", text) is not None


SIZE_PATTERN = re.compile(r"([1-9][0-9]*)x([1-9][0-9]*)(@[0-9]+(\.[0-9]+)?)?(:([1-9][0-9]*):([1-9][0-9]*))?")


def check_size(spec):
    """Raises UsageError unless spec is WIDTHxHEIGHT[@FPS][:SHORT:LONG] with LONG > SHORT."""
    match = SIZE_PATTERN.fullmatch(spec)
    if not match:
        raise UsageError(f"bad size '{spec}': want WIDTHxHEIGHT[@FPS][:SHORT:LONG]")
    if match.group(5) and int(match.group(7)) <= int(match.group(6)):
        raise UsageError(f"size '{spec}': the long count must be larger than the short one")


def split_memory(text):
    """The entries of --memory: split at white space and commas, except that a
    piece after heap:NAME that is no allocator belongs to the name
    ("camera,heap:linux,cma" is camera and heap:linux,cma). Unchecked."""
    entries = []
    last = ""
    for word in text.replace(",", " , ").split():
        if word in MEMORY_WORDS or word.startswith("heap:"):
            entries.append(word)
        elif word == ",":
            if last.startswith("heap:") and not last.endswith(","):
                entries[-1] += ","
        else:
            if not (last.startswith("heap:") and last.endswith(",")):
                raise UsageError(f"bad --memory entry '{word}': want camera, display, heap, heap:NAME or auto")
            entries[-1] += word
        if entries:
            last = entries[-1]
    return [e[:-1] if e.endswith(",") else e for e in entries]


def memory_tool(memory):
    """The tool (table row) of an allocator: framepipe for camera memory,
    framepipe-display, framepipe-heap, framepipe-heap-NAME (':', ',', '@', '+'
    become '-'), framepipe-auto."""
    if memory == "camera":
        return "framepipe"
    return "framepipe-" + re.sub(r"[:,@+]", "-", memory)


def parse_memory(text):
    """The checked allocators of --memory, in order."""
    entries = split_memory(text)
    if not entries:
        raise UsageError("--memory is empty")
    tools = {}
    for m in entries:
        if not re.fullmatch(r"auto|camera|display|heap|heap:[A-Za-z0-9._,@+-]+", m):
            raise UsageError(f"bad --memory entry '{m}': want camera, display, heap, heap:NAME (NAME of [A-Za-z0-9._,@+-]) or auto")
        tool = memory_tool(m)
        if tool in tools:
            if tools[tool] == m:
                raise UsageError(f"--memory lists {m} twice")
            raise UsageError(f"--memory lists {m} and {tools[tool]}, which would both be tool {tool}")
        tools[tool] = m
    return entries


def parse_loops(text):
    """The checked event loops of --loops, in order (space- or comma-separated)."""
    loops = text.replace(",", " ").split()
    if not loops:
        raise UsageError("--loops is empty")
    for loop in loops:
        if loop == "dispatch-rt":
            raise UsageError("bad --loops entry 'dispatch-rt': --realtime raises the waiter thread's priority, "
                             "which only the thread loop has")
        if loop not in LOOP_WORDS:
            raise UsageError(f"bad --loops entry '{loop}': want {', '.join(LOOP_WORDS)}")
        if loops.count(loop) > 1:
            raise UsageError(f"--loops lists {loop} twice")
    return loops


def check(options):
    """The Settings of a benchmark run (not --analyse), in the order the shell
    script checked them, so that the first problem is the one reported."""
    for name, value in (("--rounds", options.rounds), ("--short", options.short), ("--long", options.long)):
        if not positive_integer(value):
            raise UsageError(f"{name} wants a positive integer, got: {value}")
    if not positive_integer(options.run_timeout):
        raise UsageError(f"--run-timeout wants a positive number of seconds, got: {options.run_timeout}")
    if int(options.long) <= int(options.short):
        raise UsageError(f"--long ({options.long}) must be larger than --short ({options.short})")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", options.fps) or not float(options.fps) > 0:
        raise UsageError(f"--fps wants a positive number, got: {options.fps}")
    sizes = options.sizes.split()
    if not sizes:
        raise UsageError("--sizes is empty")
    for spec in sizes:
        check_size(spec)
    memory = parse_memory(options.memory)
    loops = parse_loops(options.loops)
    if not re.fullmatch(r"0|[1-9][0-9]{0,2}", options.load):
        raise UsageError(f"--load wants a number of busy processes (0 to 999), got: {options.load}")
    return Settings(rounds=int(options.rounds), short=int(options.short), long=int(options.long),
                    fps=options.fps, run_timeout=int(options.run_timeout), sizes=sizes, memory=memory,
                    loops=loops, load=int(options.load), probe=options.probe, probe_dir=options.probe_dir,
                    out=options.out, release=options.release, framepipe=options.framepipe,
                    syscalls=options.syscalls, copy=options.copy)
