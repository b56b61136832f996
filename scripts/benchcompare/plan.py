"""The runs to make: rates, frame counts, configs and commands (pure).

The guest (guest.py) asks v4l2-ctl which rates vivid offers and runs the
commands built here; the host (cli.py) estimates the duration from the same
size specifications.
"""

import math
import re
from dataclasses import dataclass

CAMERA = "/dev/video0"
CARD = "/dev/dri/card0"
FOURCC = "XR24"            # V4L2 'XR24' = DRM XRGB8888 = GStreamer BGRx
# --copy: a camera format vkms cannot show (it has no YUV plane), converted per
# frame by framepipe (libyuv) and by GStreamer (videoconvert).
COPY_FOURCC = "YUYV"       # V4L2 'YUYV' = GStreamer YUY2
COPY_GST_FORMAT = "YUY2"
PERF_EVENTS = "raw_syscalls:sys_enter,context-switches"
EPSILON = 0.0005           # rates closer than this are the same
FP_TOOL = "framepipe"
COPY_FP, COPY_GST = "framepipe-copy", "gst-copy"


# --load: one busy process, pure CPU (dash runs the loop itself: no child, no
# system call).
LOAD_COMMAND = ["sh", "-c", "while :; do :; done"]


def guest_tool(memory):
    """The tool of an allocator: "framepipe" for camera memory (the name of
    the earlier tables), framepipe-display, framepipe-heap,
    framepipe-heap-NAME (other characters than [A-Za-z0-9._-] become '-'),
    framepipe-auto."""
    if memory == "camera":
        return FP_TOOL
    return "framepipe-" + re.sub(r"[^A-Za-z0-9._-]", "-", memory.replace(":", "-"))


@dataclass
class FramepipeRow:
    """One framepipe row of the table: its tool name, the memory it pins
    and the event loop it runs ("" for framepipe's own default)."""
    tool: str
    memory: str
    loop: str


def framepipe_rows(memory, loops):
    """The framepipe rows of --memory and --loops: camera memory once per
    loop (framepipe-thread, framepipe-dispatch, framepipe-thread-rt), every
    other allocator once with the first loop, named as before
    (framepipe-display, ...). Without loops (a framepipe that has no
    --event-loop) camera memory is the one row "framepipe"."""
    rows = []
    for m in memory:
        if m == "camera" and loops:
            rows += [FramepipeRow(f"{FP_TOOL}-{loop}", m, loop) for loop in loops]
        else:
            rows.append(FramepipeRow(guest_tool(m), m, loops[0] if loops else ""))
    return rows


def loop_flags(loop):
    """framepipe's options for an entry of --loops: --event-loop thread|dispatch,
    and --realtime for thread-rt; none for "" (framepipe's default)."""
    if not loop:
        return []
    kind, _, rt = loop.partition("-")
    return ["--event-loop", kind] + (["--realtime"] if rt == "rt" else [])


# ---- sizes and rates --------------------------------------------------------------

@dataclass
class SizeSpec:
    """One entry of --sizes: WxH[@FPS][:SHORT:LONG]."""
    size: str          # "640x480"
    width: str
    height: str
    want: str          # the rate asked for: @FPS, else --fps (as written)
    short: str = ""    # the size's own frame counts, "" if none
    long: str = ""


def parse_spec(spec, fps):
    """The SizeSpec of a checked size specification; fps is --fps."""
    size = re.split(r"[:@]", spec, maxsplit=1)[0]
    width, height = size.split("x", 1)
    want = fps
    if "@" in spec:
        want = spec.split("@", 1)[1].split(":", 1)[0]
    short = long = ""
    parts = spec.split(":")
    if len(parts) >= 3:
        short, long = parts[1], ":".join(parts[2:])
    return SizeSpec(size, width, height, want, short, long)


def frame_rates(v4l2_output):
    """The rates (as printed, "25.000") in v4l2-ctl --list-frameintervals output."""
    rates = []
    for line in v4l2_output.splitlines():
        match = re.match(r".*\(([0-9]+\.[0-9]+) fps\)", line)
        if match:
            rates.append(match.group(1))
    return rates


def choose_rate(rates, want):
    """(RATE, "NUM/DEN") for the wanted rate: the highest offered at or below
    it, else the lowest offered; None if nothing is offered. RATE is printed
    as %g ("25", "12.5"), the fraction reduced from milli-fps."""
    if not rates:
        return None
    below = [float(r) for r in rates if float(r) <= float(want) + EPSILON and float(r) > 0]
    if below:
        best = "%.3f" % max(below)
    else:
        best = min(rates, key=float)
    milli = int(best.replace(".", ""))
    divisor = math.gcd(milli, 1000)
    return "%g" % float(best), f"{milli // divisor}/{1000 // divisor}"


def frame_counts(spec, rate, fps, short, long):
    """(SHORT, LONG, NOTE) of a size at rate: its own counts if it has them,
    else --short/--long, scaled by rate/fps when the size gets another rate
    than --fps, so each run lasts as long (at least 10, and long above short)."""
    if spec.short:
        return int(spec.short), int(spec.long), ""
    r, f = float(rate), float(fps)
    if r < f - EPSILON or r > f + EPSILON:
        s = int(short * r / f + 0.5)
        s = 10 if s < 10 else s
        n = int(long * r / f + 0.5)
        return s, (s * 2 if n <= s else n), f"frame counts scaled by {rate}/{fps}"
    return short, long, ""


def join_note(note, more):
    """note; more (either may be empty)."""
    return f"{note}; {more}" if note else more


# ---- configs ------------------------------------------------------------------------

def config_text(width, height, rate, frames, memory=None):
    """framepipe's config for camera FOURCC at a size; memory pins source.memory."""
    memory_key = f',\n    "memory": "{memory}"' if memory else ""
    return f"""{{
  "source": {{
    "device": "{CAMERA}",
    "format": "{FOURCC}",
    "width": {width},
    "height": {height},
    "frameRate": {rate},
    "buffers": 4,
    "controls": {{ "timestamp_source": 1 }}{memory_key}
  }},
  "sink": {{ "card": "{CARD}", "plane": "auto" }},
  "policy": "mailbox",
  "frames": {frames}
}}
"""


def copy_config_text(width, height, rate, frames):
    """framepipe-copy's config: the camera in COPY_FOURCC, copy allowed, no
    source.memory (the planner finds no zero-copy path and picks the copy)."""
    return f"""{{
  "source": {{
    "device": "{CAMERA}",
    "format": "{COPY_FOURCC}",
    "width": {width},
    "height": {height},
    "frameRate": {rate},
    "buffers": 4,
    "controls": {{ "timestamp_source": 1 }}
  }},
  "sink": {{ "card": "{CARD}", "plane": "auto" }},
  "policy": "mailbox",
  "copy": "allowed",
  "frames": {frames}
}}
"""


def config_name(key, tool):
    """configs/<size><tool minus "framepipe">.json: 640x480@25.json for camera
    memory, 640x480@25-display.json, 640x480@25-copy.json, ..."""
    return f"{key}{tool[len(FP_TOOL):]}.json"


# ---- commands ------------------------------------------------------------------------

def framepipe_command(framepipe, mode, config, frames, report_dir, warmup_counts=False, explain=False, loop=""):
    """framepipe bench (or preview --json, for builds without bench). Heap
    allocations are counted in the untimed warm-up only (warmup_counts): the
    counting re-executes bench with the malloc interposer, which would add to
    the timed runs' start-up and CPU. --explain prints the plan (with the
    memory used) on stderr, before streaming. loop: an entry of --loops
    (loop_flags)."""
    if mode == "bench":
        cmd = [framepipe, "bench", "--config", config, "--frames", str(frames), "--out", report_dir]
        if warmup_counts:
            cmd += ["--count-allocations", "--warmup", "10"]
    else:
        cmd = [framepipe, "preview", "--config", config, "--frames", str(frames), "--json"]
    if explain:
        cmd.append("--explain")
    return cmd + loop_flags(loop)


def gstreamer_command(tool, frames, width, height, fraction):
    """gst-default, gst-skip (kmssink sync=false skip-vsync=true) or gst-copy
    (the camera's own buffers, MMAP, read by videoconvert, which writes BGRx:
    the copy; kmssink tuned as gst-skip)."""
    if tool == COPY_GST:
        return ["gst-launch-1.0", "-q", "v4l2src", f"device={CAMERA}", "io-mode=mmap", f"num-buffers={frames}",
                "!", f"video/x-raw,format={COPY_GST_FORMAT},width={width},height={height},framerate={fraction}",
                "!", "videoconvert", "!", "video/x-raw,format=BGRx",
                "!", "kmssink", "driver-name=vkms", "sync=false", "skip-vsync=true"]
    cmd = ["gst-launch-1.0", "-q", "v4l2src", f"device={CAMERA}", "io-mode=dmabuf", f"num-buffers={frames}",
           "!", f"video/x-raw,format=BGRx,width={width},height={height},framerate={fraction}",
           "!", "kmssink", "driver-name=vkms"]
    if tool == "gst-skip":
        cmd += ["sync=false", "skip-vsync=true"]
    return cmd


def wrap(cmd, run_timeout, perf_file=None):
    """cmd under timeout(1) and, with perf_file, under perf stat. perf stat is
    outside timeout: timeout signals its own process group (itself and the
    tool), never perf, which then writes its counts. sh in between turns a
    timeout(1) killed by a signal (the -k KILL reaches it too; a tool's crash
    it re-raises on itself) into exit status 128+N, which perf stat would
    report as 0. sh and timeout add a few system calls per run, the same in
    the short and the long run: they cancel in the difference."""
    wrapped = ["timeout", "-k", "5", str(run_timeout)] + cmd
    if perf_file:
        wrapped = ["perf", "stat", "-x,", "-e", PERF_EVENTS, "-o", perf_file, "--",
                   "sh", "-c", '"$@"; exit $?', "sh"] + wrapped
    return wrapped


def probe_wrap(wrapped, script, trace_file, time_file, python):
    """wrapped under the kernel-tracepoint probe (sh trace-latency.sh
    TRACE -- ...), with benchcompare.timed between them: it runs wrapped and
    writes its wall and CPU times to time_file, so that the probe's set-up
    (tracefs, its 64 MB per CPU buffer) and the copy of its trace after the
    tool stay out of the run's times. The probe exits with the tool's status."""
    return ["sh", script, trace_file, "--", python, "-S", "-B", "-m", "benchcompare.timed", time_file, "--"] + wrapped


# Characters bash's printf %q escapes with a backslash anywhere in a word.
_BASH_SPECIAL = set(" '\"\\|&;()<>!{}*[]?^$`,")


def bash_quote(word):
    """word as bash's printf %q writes it (a backslash before special
    characters; '' for the empty word; $'...' for control characters)."""
    if word == "":
        return "''"
    if any(ord(c) < 32 or ord(c) == 127 for c in word):
        escapes = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r",
                   "\x1b": "\\E", "'": "\\'", "\\": "\\\\"}
        return "$'" + "".join(escapes.get(c, f"\\{ord(c):03o}" if ord(c) < 32 or ord(c) == 127 else c)
                              for c in word) + "'"
    out = []
    for i, c in enumerate(word):
        if c in _BASH_SPECIAL:
            out.append("\\")
        elif c == "#" and i == 0:
            out.append("\\")
        elif c == "~" and (i == 0 or word[i - 1] in ":="):
            out.append("\\")
        out.append(c)
    return "".join(out)


def command_file(cmd, wrapped=None):
    """A run's command file: the command as `printf '%q '` wrote it, and
    with --syscalls a '# run as:' line with the wrapping."""
    text = "".join(bash_quote(w) + " " for w in cmd) + "\n"
    if wrapped is not None:
        text += "# run as: " + "".join(bash_quote(w) + " " for w in wrapped) + "\n"
    return text


# ---- the host's estimate ------------------------------------------------------------------

def estimate_seconds(specs, fps, rounds, short, long, tools, extra_per_run=0):
    """Rough duration of the whole benchmark: per run ≈ 2 s to start and stop
    plus N / rate, where vivid under TCG fills ≈ 25 fps at 640x480 and
    proportionally less above, plus extra_per_run seconds per timed run (the
    probe's set-up and trace); plus 20 s."""
    total = 0.0
    f = float(fps)
    for spec in specs:
        s = parse_spec(spec, fps)
        rate = 25 * 640 * 480 / (int(s.width) * int(s.height))
        if rate > float(s.want):
            rate = float(s.want)
        ns = int(s.short) if s.short and int(s.short) else short * rate / f
        nl = int(s.long) if s.long and int(s.long) else long * rate / f
        total += tools * (2 + 10 / rate) + rounds * tools * (4 + 2 * extra_per_run + (ns + nl) / rate)
    return int(total + 20)
