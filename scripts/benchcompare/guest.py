"""The guest half of scripts/bench-compare: runs inside the device lab
(scripts/lab), never on its own, as

    python3 -B -m benchcompare.guest --out DIR --rounds N --fps F --short N --long N
        --framepipe BIN [--memory "camera display heap:NAME ..."] [--loops "thread dispatch ..."]
        [--load N] [--probe on|off|auto --probe-dir DIR] [--run-timeout S]
        [--syscalls] [--copy] -- WxH[@FPS][:SHORT:LONG]...

(with scripts/ on PYTHONPATH). For each size it runs framepipe once per
row of --memory and --loops (plan.framepipe_rows: camera memory once per
event loop, framepipe-thread, framepipe-dispatch, framepipe-thread-rt; the
other allocators, source.memory pinned in the generated config, as
framepipe-display, framepipe-heap, ... with the first loop), GStreamer (kmssink default) and GStreamer (kmssink sync=false
skip-vsync=true), round after round, each with a short and a long frame
count. It records wall time and CPU time (user + sys, from wait4) of every
run, and for framepipe the memory asked for and the memory the run says it
used, in OUT/runs.tsv; a framepipe run that used other memory than asked
for is failed. With --syscalls every run (every tool alike) runs under perf
stat, which counts its system calls (raw_syscalls:sys_enter) and context
switches, all threads and children, into the run's perf.txt and the
syscalls and contextSwitches columns of runs.tsv. With --copy two more tools
run on the camera in 'YUYV' (GStreamer YUY2), which vkms cannot show:
framepipe-copy (framepipe bench, "copy": "allowed", no source.memory: the
planner picks the copy path; a run whose memory is not "copy from YUYV ..."
is failed) and gst-copy (v4l2src io-mode=mmap ! YUY2 ! videoconvert ! BGRx !
kmssink sync=false skip-vsync=true). With --load N, N busy processes
(load.py) run during every timed run. With the probe, every timed run goes
under the kernel-tracepoint probe's trace-latency.sh (RUN/trace.txt), its
times taken inside it (benchcompare.timed). The host reads runs.tsv and
works out the table. Progress goes to stdout and to OUT/progress.log.
"""

import os
import shutil
import stat
import subprocess
import sys
import time

from . import parse
from . import plan as P
from .load import Load
from .parse import tsv_line

RUNS_COLUMNS = ("size", "rate", "tool", "round", "kind", "frames", "status", "exitStatus", "wallSeconds",
                "userSeconds", "systemSeconds", "dir", "note", "memory", "memoryUsed", "syscalls", "contextSwitches",
                "loop", "load", "probed")
PLAN_COLUMNS = ("size", "width", "height", "rate", "rateFraction", "short", "long", "note")
GUEST_VALUE_OPTIONS = ("--out", "--rounds", "--fps", "--short", "--long", "--framepipe", "--run-timeout", "--memory",
                       "--loops", "--load", "--probe", "--probe-dir")
# The probe's events that must be in the guest's tracefs (trace-latency.sh).
PROBE_EVENTS = ("vb2/vb2_buf_done", "v4l2/v4l2_dqbuf", "drm/drm_vblank_event", "drm/drm_vblank_event_delivered",
                "syscalls/sys_enter_ioctl", "syscalls/sys_exit_ioctl")
TRACING = "/sys/kernel/tracing"


class GuestError(Exception):
    """A reason to stop: printed as 'bench-compare guest: error: MESSAGE', exit status 2."""


def parse_guest_args(argv):
    """(options dict, sizes) of the guest's command line."""
    opts = {"--run-timeout": "120", "--memory": "camera", "--loops": "", "--load": "0", "--probe": "off",
            "--probe-dir": "", "--syscalls": False, "--copy": False}
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in GUEST_VALUE_OPTIONS:
            if not args:
                raise GuestError(f"{arg} needs a value")
            opts[arg] = args.pop(0)
        elif arg in ("--syscalls", "--copy"):
            opts[arg] = True
        elif arg == "--":
            break
        else:
            raise GuestError(f"unknown argument: {arg}")
    if not all(opts.get(k) for k in ("--out", "--rounds", "--fps", "--short", "--long", "--framepipe")):
        raise GuestError("missing options")
    if not args:
        raise GuestError("no sizes")
    if opts["--probe"] not in ("on", "off", "auto"):
        raise GuestError(f"--probe wants on, off or auto, got: {opts['--probe']}")
    if opts["--probe"] != "off" and not opts["--probe-dir"]:
        raise GuestError("--probe needs --probe-dir")
    if not opts["--load"].isdigit():
        raise GuestError(f"--load wants a number, got: {opts['--load']}")
    return opts, args


def now_us():
    """Microseconds since the epoch."""
    return time.time_ns() // 1000


def read_text(path):
    """A file's text, None if it is missing or empty."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    return text or None


def output_of(cmd):
    """stdout and stderr of a command together (its status ignored), "" if it cannot start."""
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              check=False).stdout.decode("utf-8", "replace")
    except OSError:
        return ""


def succeeds(cmd):
    """Whether a command exits 0 (its output discarded)."""
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False).returncode == 0
    except OSError:
        return False


def is_char_device(path):
    """Whether path is a character device."""
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


class Guest:
    """One benchmark in the lab: the environment, the plan and the runs."""

    def __init__(self, opts, specs):
        self.out = opts["--out"]
        self.rounds = int(opts["--rounds"])
        self.fps = opts["--fps"]
        self.short = int(opts["--short"])
        self.long = int(opts["--long"])
        self.framepipe = opts["--framepipe"]
        self.run_timeout = opts["--run-timeout"]
        self.memory = opts["--memory"].split()  # space-separated (heap names may have commas)
        self.loops = opts["--loops"].split()
        self.load = int(opts["--load"])
        self.probe_mode = opts["--probe"]
        self.probe_script = None  # trace-latency.sh when the probe runs (probe_tracing)
        self.probe_dir = opts["--probe-dir"]
        self.syscalls = opts["--syscalls"]
        self.copy = opts["--copy"]
        self.specs = specs
        self.start = now_us()
        self.failures = 0
        self.sizes = []        # the planned keys ("640x480@25")
        self.plans = {}        # key → dict(width, height, rate, fraction, short, long, copy)
        self.memory_of = {}    # tool → the memory it asks for
        self.loop_of = {}      # tool → its entry of --loops ("" framepipe's default)
        self.fp_tools = []
        self.copy_tools = []

    # ---- output ----

    def log(self, message):
        """A line of progress on stdout and in progress.log."""
        line = f"{parse.elapsed_label(now_us() - self.start)} {message}\n"
        sys.stdout.write(line)
        sys.stdout.flush()
        with open(os.path.join(self.out, "progress.log"), "a") as f:
            f.write(line)

    def append(self, name, *fields):
        """One TSV line appended to OUT/name."""
        with open(os.path.join(self.out, name), "a") as f:
            f.write(tsv_line(*fields))

    def info(self, key, value):
        """A line of guest-info.tsv."""
        self.append("guest-info.tsv", key, value)

    # ---- the environment ----

    def check_environment(self):
        """The camera, the display, v4l2-ctl and framepipe must be there."""
        if not is_char_device(P.CAMERA):
            raise GuestError(f"no {P.CAMERA} in the lab (vivid not loaded?)")
        if not is_char_device(P.CARD):
            raise GuestError(f"no {P.CARD} in the lab (vkms not loaded?)")
        if not shutil.which("v4l2-ctl"):
            raise GuestError("v4l2-ctl is missing: run scripts/deps (v4l-utils)")
        if not (os.path.isfile(self.framepipe) and os.access(self.framepipe, os.X_OK)):
            raise GuestError(f"framepipe binary {self.framepipe} is missing or not executable")

    def probe_gstreamer(self):
        """Whether GStreamer can run (v4l2src, kmssink) and, with --copy,
        whether gst-copy can (videoconvert). Its plugin registry is warmed
        once here (else ≈ 8 s per run)."""
        gst_ok, problem = True, ""
        if not shutil.which("gst-launch-1.0") or not shutil.which("gst-inspect-1.0"):
            gst_ok, problem = False, "gst-launch-1.0 is not installed (run scripts/deps)"
        else:
            self.log(f"warming GStreamer's plugin registry ({os.environ['GST_REGISTRY']})")
            succeeds(["gst-inspect-1.0"])
            for element in ("v4l2src", "kmssink"):
                if not succeeds(["gst-inspect-1.0", element]):
                    gst_ok = False
                    problem = (f"GStreamer element {element} is missing (run scripts/deps: "
                               "gstreamer1.0-plugins-good has v4l2src, -bad has kmssink)")
            self.info("gstreamer", parse.gstreamer_version(output_of(["gst-launch-1.0", "--version"])))
        if not gst_ok:
            self.log(f"GStreamer runs skipped: {problem}")
        self.info("gstreamerProblem", problem)
        copy_ok = gst_ok
        if self.copy and gst_ok and not succeeds(["gst-inspect-1.0", "videoconvert"]):
            copy_ok = False
            self.log("gst-copy skipped: GStreamer element videoconvert is missing (run scripts/deps: gstreamer1.0-plugins-base has it)")
        return gst_ok, copy_ok

    def probe_perf(self):
        """--syscalls: perf stat must count the events here. The lab mounts
        debugfs (where perf also finds the tracepoint); tracefs is mounted
        as well. A perf that cannot count stops the benchmark before the
        first run: the counts were asked for."""
        if not shutil.which("perf"):
            raise GuestError("--syscalls: perf is not installed (linux-perf)")
        tracing = "/sys/kernel/tracing"
        if os.path.isdir(tracing) and not os.path.ismount(tracing):
            if not succeeds(["mount", "-t", "tracefs", "nodev", tracing]):
                self.log(f"warning: cannot mount tracefs at {tracing} (perf may still find it under debugfs)")
        probe = "/tmp/framepipe-bench/perf-probe.txt"
        result = subprocess.run(["perf", "stat", "-x,", "-e", P.PERF_EVENTS, "-o", probe, "--", "true"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        if result.returncode != 0:
            head = " ".join(result.stdout.decode("utf-8", "replace").splitlines()[:3])
            raise GuestError(f"--syscalls: perf stat -e {P.PERF_EVENTS} does not work in the lab: {head} ")
        text = read_text(probe)
        if not parse.perf_count(text, "raw_syscalls:sys_enter") or not parse.perf_count(text, "context-switches"):
            counted = " ".join(line for line in (text or "").splitlines() if not line.startswith("#"))
            raise GuestError(f"--syscalls: perf stat counted nothing for {P.PERF_EVENTS}: {counted}")
        self.info("perf", output_of(["perf", "--version"]).rstrip("\n"))
        self.log(f"counting system calls and context switches of every run: perf stat -e {P.PERF_EVENTS} "
                 "(the run's CPU time includes perf's overhead)")

    def probe_tracing(self):
        """The probe (--probe on or auto): its trace-latency.sh, tracefs and
        the events the probe records. Without them: no probe (auto, said in
        progress.log and guest-info.tsv) or an error (on)."""
        if self.probe_mode == "off":
            self.info("probe", "")
            return
        script = os.path.join(self.probe_dir, "trace-latency.sh")
        problem = ""
        if not os.path.isfile(script):
            problem = f"no {script}"
        else:
            if not os.path.ismount(TRACING):
                succeeds(["mount", "-t", "tracefs", "nodev", TRACING])
            missing = [e for e in PROBE_EVENTS if not os.path.isdir(os.path.join(TRACING, "events", e))]
            if not os.path.ismount(TRACING):
                problem = f"cannot mount tracefs at {TRACING}"
            elif missing:
                problem = f"the guest's tracefs has no event {', '.join(missing)}"
        if problem:
            if self.probe_mode == "on":
                raise GuestError(f"--probe: {problem}")
            self.log(f"no probe: {problem}")
            self.info("probe", "")
            self.info("probeProblem", problem)
            return
        self.probe_script = script
        self.info("probe", script)
        self.log(f"every timed run under the probe: sh {script} RUN/trace.txt -- ...")

    def probe_framepipe(self):
        """What this framepipe has: bench (else preview --json), source.memory,
        --explain, --count-allocations, the copy path."""
        if parse.has_bench(output_of([self.framepipe, "--help"])):
            self.mode = "bench"
        else:
            self.mode = "preview"
            self.log("framepipe has no 'bench' subcommand: using 'framepipe preview --json' (fps and CPU only, no latency)")
        self.info("framepipeMode", self.mode)
        self.info("framepipe", self.framepipe)

    def probe_framepipe_options(self, copy_ok):
        """Pinning the allocator needs source.memory (and --explain to see
        what was used when the report does not say); a framepipe without
        them only has camera memory, unchecked."""
        sub_help = output_of([self.framepipe, self.mode, "--help"])
        self.fp_memory = "--memory" in sub_help
        self.fp_explain = "--explain" in sub_help
        self.fp_allocations = "--count-allocations" in sub_help
        fp_copy = "--allow-copy" in sub_help
        loops = self.loops
        if loops and "--event-loop" not in sub_help:
            self.log(f"this framepipe has no --event-loop: camera memory runs once, as \"framepipe\" "
                     f"(framepipe's own loop), instead of once per loop ({' '.join(loops)})")
            loops = []
        elif "--realtime" not in sub_help and any(loop.endswith("-rt") for loop in loops):
            self.log("this framepipe has no --realtime: the -rt loops are skipped")
            loops = [loop for loop in loops if not loop.endswith("-rt")] or ["thread"]
        memory = []
        for m in self.memory:
            if not self.fp_memory and m != "camera":
                self.log(f"framepipe memory '{m}' skipped: this framepipe has no source.memory (--memory)")
                continue
            memory.append(m)
        for row in P.framepipe_rows(memory, loops):
            self.fp_tools.append(row.tool)
            self.memory_of[row.tool] = row.memory
            self.loop_of[row.tool] = row.loop
        if not self.fp_memory:
            self.log("warning: this framepipe has no source.memory: its camera-memory runs are not pinned nor checked")
        if self.copy:
            if fp_copy:
                self.copy_tools.append(P.COPY_FP)
                self.memory_of[P.COPY_FP] = "copy"
            else:
                self.log(f"framepipe-copy skipped: this framepipe has no copy path (no --allow-copy in '{self.mode} --help')")
            if copy_ok:
                self.copy_tools.append(P.COPY_GST)
        self.info("framepipeMemory", " ".join(self.memory))
        self.info("framepipeTools", " ".join(self.fp_tools))
        self.info("framepipeLoops", " ".join(loops))
        self.info("framepipeMemorySupported", "1" if self.fp_memory else "0")
        if self.copy:
            self.info("copyFormat", P.COPY_FOURCC)
            self.info("copyTools", " ".join(self.copy_tools))

    def set_timestamps(self):
        """Same camera settings for every tool: timestamps at start of
        exposure. The control keeps its value across opens; framepipe's
        config sets it too."""
        if not succeeds(["v4l2-ctl", "-d", P.CAMERA, "-c", "timestamp_source=1"]):
            raise GuestError(f"cannot set timestamp_source=1 on {P.CAMERA}")
        self.info("timestampSource", output_of(["v4l2-ctl", "-d", P.CAMERA, "-C", "timestamp_source"]).rstrip("\n"))

    # ---- the plan ----

    def rate_for(self, width, height, want, fourcc=P.FOURCC):
        """(RATE, NUM/DEN) vivid offers at a size for the wanted rate, None if it offers nothing."""
        listing = output_of(["v4l2-ctl", "-d", P.CAMERA,
                             f"--list-frameintervals=width={width},height={height},pixelformat={fourcc}"])
        return P.choose_rate(P.frame_rates(listing), want)

    def plan_size(self, spec_text):
        """One size: its rate, frame counts and configs (plan.tsv, configs/)."""
        spec = P.parse_spec(spec_text, self.fps)
        w, h, want, size = spec.width, spec.height, spec.want, spec.size
        chosen = self.rate_for(w, h, want)
        if chosen is None:
            self.log(f"{size}: vivid offers no {P.FOURCC} at this size: skipped")
            self.append("plan.tsv", f"{size}@{want}", w, h, "", "", "", "", f"vivid offers no {P.FOURCC} at {size}")
            return
        rate, frac = chosen
        note = ""
        if float(rate) < float(want) - P.EPSILON:
            note = f"vivid offers at most {rate} fps at {size}"
        s, l, scaled = P.frame_counts(spec, rate, self.fps, self.short, self.long)
        if scaled:
            note = P.join_note(note, scaled)
        # --copy: the copy rows run at this size when vivid offers YUYV at the
        # same rate (it offers every format at the same rates).
        copy_here = False
        if self.copy_tools:
            copy_rate = self.rate_for(w, h, want, P.COPY_FOURCC)
            if copy_rate is None:
                note = P.join_note(note, f"copy rows skipped: vivid offers no {P.COPY_FOURCC} at {size}")
            elif copy_rate[0] != rate:
                note = P.join_note(note, f"copy rows skipped: vivid offers {P.COPY_FOURCC} at {copy_rate[0]} fps here, {P.FOURCC} at {rate}")
            else:
                copy_here = True
        key = f"{size}@{rate}"
        self.log(f"{key}: {rate} fps ({frac}), {s} and {l} frames" + (f" ({note})" if note else ""))
        self.append("plan.tsv", key, w, h, rate, frac, s, l, note)
        self.sizes.append(key)
        self.plans[key] = dict(width=w, height=h, rate=rate, fraction=frac, short=s, long=l, copy=copy_here)
        for tool in self.fp_tools:
            memory = self.memory_of[tool] if self.fp_memory else None
            self.write_config(P.config_name(key, tool), P.config_text(w, h, rate, l, memory))
        if copy_here and P.COPY_FP in self.copy_tools:
            self.write_config(P.config_name(key, P.COPY_FP), P.copy_config_text(w, h, rate, l))

    def write_config(self, name, text):
        """OUT/configs/name."""
        with open(os.path.join(self.out, "configs", name), "w") as f:
            f.write(text)

    # ---- one run ----

    def holders(self):
        """Processes ('pid (command) ' each) that have the camera or the display open."""
        me = os.getpid()
        pids = set()
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == me:
                continue
            fd_dir = f"/proc/{pid}/fd"
            try:
                fds = os.listdir(fd_dir)
            except OSError:
                continue
            for fd in fds:
                try:
                    target = os.readlink(f"{fd_dir}/{fd}")
                except OSError:
                    continue
                if target in (P.CARD, P.CAMERA):
                    pids.add(pid)
                    break
        text = ""
        for pid in sorted(pids):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read().replace(b"\0", b" ")[:60].decode("utf-8", "replace")
            except OSError:
                cmdline = ""
            text += f"{pid} ({cmdline}) "
        return text

    def wait_idle(self):
        """kmssink holds DRM master while it runs: the next run starts only
        when nothing has the display or the camera open (up to 10 s). "" when
        idle, else who holds them."""
        held = ""
        for _ in range(100):
            held = self.holders()
            if not held:
                return ""
            time.sleep(0.1)
        return held

    def command(self, size, tool, kind, n, directory):
        """The command of a run."""
        p = self.plans[size]
        if tool.startswith(P.FP_TOOL):
            config = os.path.join(self.out, "configs", P.config_name(size, tool))
            return P.framepipe_command(self.framepipe, self.mode, config, n, os.path.join(directory, "report"),
                                       warmup_counts=kind == "warmup" and self.fp_allocations, explain=self.fp_explain,
                                       loop=self.loop_of.get(tool, ""))
        return P.gstreamer_command(tool, n, p["width"], p["height"], p["fraction"])

    def loaded_execute(self, wrapped, directory, probed, load, notes):
        """execute() under load busy processes (started before, killed and
        reaped after), its times from benchcompare.timed inside the probe
        when probed (the whole run's in probe-time). A problem goes to notes."""
        busy = Load(load)
        if load:
            busy.start()
        try:
            rc, real, user, sys_time = self.execute(wrapped, directory, "probe-time" if probed else "time")
        finally:
            left = busy.stop() if load else []
        if left:
            notes.append(f"warning: busy processes {' '.join(map(str, left))} still there after SIGKILL")
            self.log(notes[-1])
        if probed:
            inner = (read_text(os.path.join(directory, "time")) or "").split()
            if len(inner) == 3:
                real, user, sys_time = inner
            else:
                notes.append("warning: the probe's run wrote no times of its own: wall and CPU include the probe")
        return rc, real, user, sys_time

    def execute(self, wrapped, directory, time_name="time"):
        """Runs wrapped with stdin /dev/null, stdout and stderr into the run's
        folder; (exit status, wall, user, sys seconds as '%.3f'), also in the
        run's file time_name. The CPU
        times are wait4's rusage of the child: it and every descendant it
        waited for (timeout(1) and the tool; with --syscalls perf and sh too)."""
        with open(os.path.join(directory, "stdout"), "wb") as out, open(os.path.join(directory, "stderr"), "wb") as err:
            t0 = time.monotonic()
            try:
                proc = subprocess.Popen(wrapped, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            except OSError as error:
                err.write(f"{wrapped[0]}: {error}\n".encode())
                return 127, "%.3f" % (time.monotonic() - t0), "0.000", "0.000"
            _, status, usage = os.wait4(proc.pid, 0)
            t1 = time.monotonic()
            proc.returncode = os.waitstatus_to_exitcode(status)
        rc = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
        timing = ("%.3f" % (t1 - t0), "%.3f" % usage.ru_utime, "%.3f" % usage.ru_stime)
        with open(os.path.join(directory, time_name), "w") as f:
            f.write(" ".join(timing) + "\n")
        return (rc,) + timing

    def run(self, size, tool, rnd, kind, n):
        """One run: its folder, command, times, status and line of runs.tsv."""
        directory = os.path.join(self.out, "runs", size, f"{tool}-r{rnd}-{kind}")
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        notes = []
        held = self.wait_idle()
        if held:
            notes.append(f"camera or display still open before the run by: {held}")
            self.log(f"warning: {notes[-1]}")
        asked = self.memory_of.get(tool, "") if tool.startswith(P.FP_TOOL) else ""
        cmd = self.command(size, tool, kind, n, directory)
        perf_file = os.path.join(directory, "perf.txt") if self.syscalls else None
        wrapped = P.wrap(cmd, self.run_timeout, perf_file)
        timed = kind != "warmup"
        probed = timed and self.probe_script is not None
        if probed:
            wrapped = P.probe_wrap(wrapped, self.probe_script, os.path.join(directory, "trace.txt"),
                                   os.path.join(directory, "time"), sys.executable)
        with open(os.path.join(directory, "command"), "w") as f:
            f.write(P.command_file(cmd, wrapped if self.syscalls or probed else None))
        rc, real, user, sys_time = self.loaded_execute(wrapped, directory, probed, self.load if timed else 0, notes)
        stderr = read_text(os.path.join(directory, "stderr"))
        refused = parse.first_line(stderr or "", r"SCHED_FIFO.*refused")
        if refused:
            notes.append(f"warning: {refused}")
        report = os.path.join(directory, "report", "report.json")
        status = "ok"
        if rc != 0:
            status = "timeout" if rc in (124, 137) else "failed"
            notes.append(parse.explain(tool, rc, stderr, self.run_timeout))
        elif tool.startswith(P.FP_TOOL) and self.mode == "bench" and read_text(report) is None:
            status = "failed"
            notes.append(f"framepipe bench exited 0 but wrote no {report}")
        used = ""
        if tool == P.COPY_FP or (tool.startswith(P.FP_TOOL) and self.fp_memory):
            report_text = read_text(report if self.mode == "bench" else os.path.join(directory, "stdout"))
            used = parse.memory_used(report_text, stderr)
            if status == "ok" and not used:
                status = "failed"
                notes.append(f"memory {asked} asked for, but the run did not say which it used "
                             "(no \"memory\" in its report, no 'chosen:' line from --explain)")
            elif status == "ok" and not parse.memory_matches(asked, used):
                status = "failed"
                notes.append(f"memory {asked} asked for, but the run used {used}")
        nsys = ncs = ""
        if self.syscalls:
            counts = read_text(perf_file)
            nsys = parse.perf_count(counts, "raw_syscalls:sys_enter") or ""
            ncs = parse.perf_count(counts, "context-switches") or ""
            if status == "ok" and (not nsys or not ncs):
                notes.append(f"warning: perf stat wrote no counts to {perf_file}")
        if status != "ok":
            self.failures += 1
        note = "; ".join(notes)
        self.append("runs.tsv", size, self.plans[size]["rate"], tool, rnd, kind, n, status, rc, real, user, sys_time,
                    directory, note, asked, used, nsys, ncs, self.loop_of.get(tool, ""), self.load if timed else 0,
                    1 if probed else 0)
        self.log(f"{size} {tool} round {rnd} {kind} ({n} frames)" + (f" [{used}]" if used else "")
                 + (f" under load {self.load}" if timed and self.load else "")
                 + f": {status}, wall {real} s, cpu {user}+{sys_time} s"
                 + (f", {nsys} system calls" if nsys else "") + (f", {ncs} context switches" if ncs else "")
                 + (f" — {note}" if note else ""))

    # ---- the whole benchmark ----

    def main(self):
        """The environment, the plan, then every run."""
        if os.environ.get("FRAMEPIPE_LAB") != "1":
            raise GuestError("this runs inside the device lab (scripts/bench-compare boots it)")
        os.makedirs(os.path.join(self.out, "configs"), exist_ok=True)
        os.makedirs(os.path.join(self.out, "runs"), exist_ok=True)
        # The root is read-only in the lab: GStreamer's plugin registry and
        # font cache go to the guest's fresh /tmp.
        os.environ["GST_REGISTRY"] = "/tmp/framepipe-bench/gst-registry.bin"
        os.environ["XDG_CACHE_HOME"] = "/tmp/framepipe-bench/cache"
        os.makedirs(os.environ["XDG_CACHE_HOME"], exist_ok=True)
        self.check_environment()
        with open(os.path.join(self.out, "guest-info.tsv"), "w") as f:
            f.write(tsv_line("key", "value"))
        self.info("kernel", os.uname().release)
        gst_ok, copy_ok = self.probe_gstreamer()
        self.probe_framepipe()
        if self.syscalls:
            self.probe_perf()
        self.info("syscallsCounted", "1" if self.syscalls else "0")
        self.probe_tracing()
        self.info("load", str(self.load))
        self.info("guestCPUs", str(os.cpu_count() or ""))
        if self.load:
            self.log(f"load: {self.load} busy processes ({' '.join(P.LOAD_COMMAND)}) during every timed run, "
                     f"on {os.cpu_count()} CPUs")
        self.probe_framepipe_options(copy_ok)
        self.set_timestamps()
        with open(os.path.join(self.out, "plan.tsv"), "w") as f:
            f.write(tsv_line(*PLAN_COLUMNS))
        for spec in self.specs:
            self.plan_size(spec)
        with open(os.path.join(self.out, "runs.tsv"), "w") as f:
            f.write(tsv_line(*RUNS_COLUMNS))
        tools_all = self.fp_tools + (["gst-default", "gst-skip"] if gst_ok else [])
        for size in self.sizes:
            tools = tools_all + (self.copy_tools if self.plans[size]["copy"] else [])
            # One untimed short run per tool first: the first start of each
            # program reads its libraries over 9p and would inflate the first
            # short run. framepipe's warm-up also counts heap allocations
            # (--count-allocations): 10 frames of warm-up, then 50 counted.
            for tool in tools:
                counting = tool.startswith(P.FP_TOOL) and self.fp_allocations
                self.run(size, tool, 0, "warmup", 60 if counting else 10)
            for rnd in range(1, self.rounds + 1):
                for tool in tools:
                    self.run(size, tool, rnd, "short", self.plans[size]["short"])
                    self.run(size, tool, rnd, "long", self.plans[size]["long"])
        held = self.wait_idle()
        if held:
            self.log(f"warning: still open at the end: {held}")
        self.log(f"done: {self.failures} failed run(s)")


def main(argv):
    """Exit status: 0 when the runs were made (failed runs are in runs.tsv), 2 on a problem."""
    try:
        opts, specs = parse_guest_args(argv)
        Guest(opts, specs).main()
    except GuestError as error:
        sys.stderr.write(f"bench-compare guest: error: {error}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
