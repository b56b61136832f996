"""The guest half (guest.py) outside the lab: its command line, and single
runs of a stand-in framepipe (a shell script) with their runs.tsv lines."""

import io
import json
import os
import shutil
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from benchcompare import guest as G  # noqa: E402
from benchcompare import plan as P  # noqa: E402
from benchcompare import timed  # noqa: E402
from benchcompare.load import Load  # noqa: E402
from benchcompare.analyse import parse_tsv  # noqa: E402

# A framepipe bench stand-in: writes report.json (with "memory" unless
# FAKE_NO_MEMORY), prints --explain's chosen line, exits FAKE_STATUS.
FAKE_FRAMEPIPE = """#!/bin/sh
echo "$@" > "${FAKE_ARGS:-/dev/null}"
out=""
while [ $# -gt 0 ]; do
  case $1 in --out) out=$2; shift ;; esac
  shift
done
echo "2. chosen: ${FAKE_CHOSEN:-camera memory}, XR24 640x480" >&2
if [ -n "$FAKE_COUNT_LOAD" ]; then
  n=0
  for c in /proc/[0-9]*/cmdline; do
    [ "$(tr '\\0' ' ' < "$c" 2>/dev/null)" = "sh -c while :; do :; done " ] && n=$((n+1))
  done
  echo $n > "$FAKE_COUNT_LOAD"
fi
if [ -n "$out" ] && [ -z "$FAKE_NO_REPORT" ]; then
  mkdir -p "$out"
  if [ -n "$FAKE_NO_MEMORY" ]; then
    printf '{\\n  "frames" : { "shown" : 20 }\\n}\\n' > "$out/report.json"
  else
    printf '{\\n  "frames" : { "shown" : 20 },\\n  "memory" : "%s"\\n}\\n' "${FAKE_MEMORY:-camera memory}" > "$out/report.json"
  fi
fi
exit ${FAKE_STATUS:-0}
"""


# The probe's trace-latency.sh stand-in: a trace of one line, the command,
# then a second of its own (the real one copies its trace), the command's status.
FAKE_PROBE = """#!/bin/sh
OUT=$1; shift; [ "$1" = "--" ] && shift
echo "# tracer: nop" > "$OUT"
"$@"; rc=$?
sleep 1
exit $rc
"""


def load_processes():
    """Processes running the busy loop (plan.LOAD_COMMAND), by /proc."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f.read().split(b"\0")[:3] == [w.encode() for w in P.LOAD_COMMAND]:
                    found.append(int(pid))
        except OSError:
            continue
    return found


class ArgsTests(unittest.TestCase):
    def test_parse(self):
        opts, sizes = G.parse_guest_args(["--out", "/o", "--rounds", "1", "--fps", "25", "--short", "20", "--long", "60",
                                          "--framepipe", "/fp", "--memory", "camera heap:a,b", "--syscalls", "--",
                                          "640x480", "320x180@60"])
        self.assertEqual((opts["--out"], opts["--memory"], opts["--run-timeout"], opts["--syscalls"], opts["--copy"]),
                         ("/o", "camera heap:a,b", "120", True, False))
        self.assertEqual(sizes, ["640x480", "320x180@60"])

    def test_errors(self):
        full = ["--out", "/o", "--rounds", "1", "--fps", "25", "--short", "20", "--long", "60", "--framepipe", "/fp"]
        for argv, message in ((full[:-1], "--framepipe needs a value"), (full[:-2], "missing options"),
                              (full + ["--"], "no sizes"), (full + ["--bogus"], "unknown argument: --bogus")):
            with self.subTest(argv=argv):
                with self.assertRaises(G.GuestError) as caught:
                    G.parse_guest_args(argv)
                self.assertEqual(str(caught.exception), message)

    def test_outside_the_lab(self):
        env = os.environ.pop("FRAMEPIPE_LAB", None)
        try:
            with tempfile.TemporaryDirectory() as out, redirect_stderr(io.StringIO()) as err:
                self.assertEqual(G.main(["--out", out, "--rounds", "1", "--fps", "25", "--short", "20", "--long", "60",
                                         "--framepipe", "/fp", "--", "640x480"]), 2)
            self.assertEqual(err.getvalue(), "bench-compare guest: error: this runs inside the device lab (scripts/bench-compare boots it)\n")
        finally:
            if env is not None:
                os.environ["FRAMEPIPE_LAB"] = env


class RunTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.out = self.tmp.name
        self.fp = os.path.join(self.out, "framepipe")
        with open(self.fp, "w") as f:
            f.write(FAKE_FRAMEPIPE)
        os.chmod(self.fp, 0o755)
        for d in ("configs", "runs"):
            os.makedirs(os.path.join(self.out, d))
        opts, sizes = G.parse_guest_args(["--out", self.out, "--rounds", "1", "--fps", "25", "--short", "20",
                                          "--long", "60", "--framepipe", self.fp, "--run-timeout", "20", "--", "640x480"])
        g = G.Guest(opts, sizes)
        g.mode, g.fp_memory, g.fp_explain, g.fp_allocations = "bench", True, True, True
        g.memory_of = {"framepipe": "camera", "framepipe-display": "display"}
        g.plans["640x480@25"] = dict(width="640", height="480", rate="25", fraction="25/1", short=20, long=60, copy=False)
        g.holders = lambda: ""  # the host's own processes may hold devices; the lab's check is not under test
        with open(os.path.join(self.out, "runs.tsv"), "w") as f:
            f.write(G.tsv_line(*G.RUNS_COLUMNS))
        self.guest = g
        quiet = redirect_stdout(io.StringIO())  # progress lines
        quiet.__enter__()
        self.addCleanup(quiet.__exit__, None, None, None)
        self.saved = {k: os.environ.get(k) for k in ("FAKE_STATUS", "FAKE_MEMORY", "FAKE_NO_MEMORY", "FAKE_CHOSEN", "FAKE_NO_REPORT",
                                                     "FAKE_ARGS", "FAKE_COUNT_LOAD", "PYTHONPATH")}
        self.addCleanup(self.restore)

    def restore(self):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def rows(self):
        with open(os.path.join(self.out, "runs.tsv")) as f:
            return parse_tsv(f.read())

    def test_ok_run(self):
        self.guest.run("640x480@25", "framepipe", 1, "short", 20)
        (row,) = self.rows()
        self.assertEqual(list(row), list(G.RUNS_COLUMNS))
        self.assertEqual((row["size"], row["rate"], row["tool"], row["round"], row["kind"], row["frames"], row["status"],
                          row["exitStatus"], row["memory"], row["memoryUsed"], row["note"], row["syscalls"]),
                         ("640x480@25", "25", "framepipe", "1", "short", "20", "ok", "0", "camera", "camera memory", "", ""))
        for key in ("wallSeconds", "userSeconds", "systemSeconds"):
            self.assertRegex(row[key], r"^[0-9]+\.[0-9]{3}$")
        d = os.path.join(self.out, "runs", "640x480@25", "framepipe-r1-short")
        self.assertEqual(row["dir"], d)
        with open(os.path.join(d, "command")) as f:
            self.assertEqual(f.read(), f"{self.fp} bench --config {self.out}/configs/640x480@25.json --frames 20 "
                                       f"--out {d}/report --explain \n")
        with open(os.path.join(d, "time")) as f:
            self.assertEqual(f.read().split(), [row["wallSeconds"], row["userSeconds"], row["systemSeconds"]])
        with open(os.path.join(d, "stderr")) as f:
            self.assertIn("chosen: camera memory", f.read())
        with open(os.path.join(self.out, "progress.log")) as f:
            self.assertRegex(f.read(), r"\] 640x480@25 framepipe round 1 short \(20 frames\) \[camera memory\]: ok, wall ")
        self.assertEqual(self.guest.failures, 0)

    def test_loop_row(self):
        os.environ["FAKE_ARGS"] = os.path.join(self.out, "args")
        self.guest.memory_of["framepipe-thread-rt"] = "camera"
        self.guest.loop_of["framepipe-thread-rt"] = "thread-rt"
        self.guest.run("640x480@25", "framepipe-thread-rt", 1, "long", 60)
        (row,) = self.rows()
        self.assertEqual((row["status"], row["loop"], row["load"], row["probed"]), ("ok", "thread-rt", "0", "0"))
        with open(os.environ["FAKE_ARGS"]) as f:
            self.assertTrue(f.read().rstrip("\n").endswith("--explain --event-loop thread --realtime"))

    def test_load_during_the_run_and_gone_after(self):
        self.assertEqual(load_processes(), [])
        os.environ["FAKE_COUNT_LOAD"] = os.path.join(self.out, "load")
        self.guest.load = 2
        self.guest.run("640x480@25", "framepipe", 1, "short", 20)
        with open(os.environ["FAKE_COUNT_LOAD"]) as f:
            self.assertEqual(f.read().strip(), "2")
        self.assertEqual(load_processes(), [])
        self.guest.run("640x480@25", "framepipe", 0, "warmup", 10)  # the warm-ups run without
        with open(os.environ["FAKE_COUNT_LOAD"]) as f:
            self.assertEqual(f.read().strip(), "0")
        self.assertEqual([(r["kind"], r["load"]) for r in self.rows()], [("short", "2"), ("warmup", "0")])

    def test_probed_run_times_itself_inside_the_probe(self):
        probe = os.path.join(self.out, "trace-latency.sh")
        with open(probe, "w") as f:
            f.write(FAKE_PROBE)
        scripts = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        os.environ["PYTHONPATH"] = scripts  # as scripts/lab's --env gives the guest
        self.guest.probe_script = probe
        self.guest.run("640x480@25", "framepipe", 1, "long", 60)
        self.guest.run("640x480@25", "framepipe", 0, "warmup", 10)  # never probed
        long, warmup = self.rows()
        d = long["dir"]
        self.assertEqual((long["status"], long["probed"], warmup["probed"]), ("ok", "1", "0"))
        with open(os.path.join(d, "trace.txt")) as f:
            self.assertEqual(f.read(), "# tracer: nop\n")
        with open(os.path.join(d, "time")) as f:
            inner = f.read().split()
        with open(os.path.join(d, "probe-time")) as f:
            outer = f.read().split()
        self.assertEqual([long["wallSeconds"], long["userSeconds"], long["systemSeconds"]], inner)
        self.assertGreater(float(outer[0]), float(inner[0]))  # the probe's second is not the run's
        with open(os.path.join(d, "command")) as f:
            self.assertIn(f"# run as: sh {probe} {d}/trace.txt -- ", f.read())
        self.assertFalse(os.path.exists(os.path.join(warmup["dir"], "trace.txt")))

    def test_probed_run_keeps_the_status(self):
        probe = os.path.join(self.out, "trace-latency.sh")
        with open(probe, "w") as f:
            f.write(FAKE_PROBE)
        os.environ["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        os.environ["FAKE_STATUS"] = "69"
        self.guest.probe_script = probe
        self.guest.run("640x480@25", "framepipe", 1, "short", 20)
        (row,) = self.rows()
        self.assertEqual((row["status"], row["exitStatus"]), ("failed", "69"))

    def test_warmup_counts_allocations(self):
        self.guest.run("640x480@25", "framepipe", 0, "warmup", 60)
        with open(os.path.join(self.out, "runs", "640x480@25", "framepipe-r0-warmup", "command")) as f:
            self.assertIn("--count-allocations --warmup 10 --explain", f.read())

    def test_other_memory_fails(self):
        os.environ["FAKE_MEMORY"] = "camera memory"
        self.guest.run("640x480@25", "framepipe-display", 1, "long", 60)
        (row,) = self.rows()
        self.assertEqual((row["status"], row["memory"], row["memoryUsed"]), ("failed", "display", "camera memory"))
        self.assertEqual(row["note"], "memory display asked for, but the run used camera memory")
        self.assertEqual(self.guest.failures, 1)

    def test_chosen_line_when_report_has_no_memory(self):
        os.environ.update(FAKE_NO_MEMORY="1", FAKE_CHOSEN="display memory")
        self.guest.run("640x480@25", "framepipe-display", 1, "short", 20)
        (row,) = self.rows()
        self.assertEqual((row["status"], row["memoryUsed"]), ("ok", "display memory"))

    def test_no_report(self):
        os.environ["FAKE_NO_REPORT"] = "1"
        self.guest.run("640x480@25", "framepipe", 1, "short", 20)
        (row,) = self.rows()
        self.assertEqual(row["status"], "failed")
        self.assertTrue(row["note"].startswith("framepipe bench exited 0 but wrote no "))

    def test_exit_status(self):
        os.environ["FAKE_STATUS"] = "69"
        self.guest.run("640x480@25", "framepipe", 1, "short", 20)
        (row,) = self.rows()
        self.assertEqual((row["status"], row["exitStatus"]), ("failed", "69"))
        self.assertEqual(row["note"], "device busy or unsuitable (exit 69): 2. chosen: camera memory, XR24 640x480")

    @unittest.skipUnless(shutil.which("timeout"), "no timeout(1)")
    def test_timeout(self):
        with open(self.fp, "w") as f:
            f.write("#!/bin/sh\nsleep 30\n")
        self.guest.run_timeout = "1"
        self.guest.run("640x480@25", "framepipe", 1, "short", 20)
        (row,) = self.rows()
        self.assertEqual((row["status"], row["exitStatus"], row["note"]), ("timeout", "124", "timed out after 1 s (killed)"))

    def test_signal_is_128_plus(self):
        with open(self.fp, "w") as f:
            f.write("#!/bin/sh\nkill -SEGV $$\n")
        self.guest.run("640x480@25", "framepipe", 1, "short", 20)
        (row,) = self.rows()
        self.assertEqual((row["status"], row["exitStatus"]), ("failed", "139"))

    def test_cpu_time_of_children(self):
        with open(self.fp, "w") as f:
            f.write("#!/bin/sh\ni=0; while [ $i -lt 200000 ]; do i=$((i+1)); done\n")
        self.guest.fp_memory = False
        self.guest.run("640x480@25", "framepipe", 1, "short", 20)
        (row,) = self.rows()
        self.assertGreater(float(row["userSeconds"]) + float(row["systemSeconds"]), 0.01)
        self.assertEqual(row["memoryUsed"], "")


class TimedTests(unittest.TestCase):
    """benchcompare.timed: the tool's status and times, inside the probe."""

    def timed(self, *cmd):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "time")
            with redirect_stderr(io.StringIO()) as err:
                rc = timed.main([path, "--"] + list(cmd))
            text = open(path).read() if os.path.exists(path) else None
        return rc, text, err.getvalue()

    def test_status_and_times(self):
        rc, text, _ = self.timed("sh", "-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; exit 3")
        self.assertEqual(rc, 3)
        wall, user, system = text.split()
        self.assertRegex(wall, r"^[0-9]+\.[0-9]{3}$")
        self.assertGreater(float(user) + float(system), 0.01)

    def test_signal_is_128_plus(self):
        self.assertEqual(self.timed("sh", "-c", "kill -TERM $$")[0], 143)

    def test_cannot_start(self):
        rc, text, err = self.timed("/nonexistent/tool")
        self.assertEqual((rc, text), (127, None))
        self.assertIn("/nonexistent/tool", err)

    def test_usage(self):
        with redirect_stderr(io.StringIO()):
            self.assertEqual(timed.main(["/t", "true"]), 2)


class LoadTests(unittest.TestCase):
    def test_start_and_stop(self):
        busy = Load(3)
        pids = busy.start()
        try:
            self.assertEqual(sorted(load_processes()), sorted(pids))
            self.assertEqual(len(set(pids)), 3)
        finally:
            left = busy.stop()
        self.assertEqual(left, [])
        self.assertEqual(load_processes(), [])

    def test_none(self):
        busy = Load(0)
        self.assertEqual((busy.start(), busy.stop()), ([], []))


# What vivid offers (v4l2-ctl --list-frameintervals) per size and pixel format.
OFFERS = {("640", "480", "XR24"): ["60.000", "30.000", "25.000"], ("640", "480", "YUYV"): ["60.000", "30.000", "25.000"],
          ("1280", "720", "XR24"): ["12.500", "5.000"], ("1280", "720", "YUYV"): ["5.000"]}


class PlanTests(unittest.TestCase):
    """plan.tsv and the configs, with what vivid offers stubbed."""

    def plan(self, specs, memory=("camera", "display"), copy=False, fp_memory=True):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        out = self.tmp.name
        os.makedirs(os.path.join(out, "configs"))
        argv = ["--out", out, "--rounds", "1", "--fps", "25", "--short", "50", "--long", "250", "--framepipe", "/fp",
                "--memory", " ".join(memory)] + (["--copy"] if copy else []) + ["--"] + specs
        g = G.Guest(*G.parse_guest_args(argv))
        g.fp_memory = fp_memory
        g.fp_tools = [P.guest_tool(m) for m in memory]
        g.memory_of = dict(zip(g.fp_tools, memory))
        g.copy_tools = ["framepipe-copy", "gst-copy"] if copy else []
        g.rate_for = lambda w, h, want, fourcc="XR24": P.choose_rate(OFFERS.get((w, h, fourcc), []), want)
        with open(os.path.join(out, "plan.tsv"), "w") as f:
            f.write(G.tsv_line(*G.PLAN_COLUMNS))
        with redirect_stdout(io.StringIO()):
            for spec in specs:
                g.plan_size(spec)
        with open(os.path.join(out, "plan.tsv")) as f:
            rows = parse_tsv(f.read())
        return g, rows, sorted(os.listdir(os.path.join(out, "configs")))

    def config(self, g, name):
        with open(os.path.join(g.out, "configs", name)) as f:
            return json.load(f)

    def test_sizes(self):
        g, rows, configs = self.plan(["640x480", "1280x720", "320x180", "640x480@60:20:80"])
        self.assertEqual([(r["size"], r["rate"], r["rateFraction"], r["short"], r["long"], r["note"]) for r in rows], [
            ("640x480@25", "25", "25/1", "50", "250", ""),
            ("1280x720@12.5", "12.5", "25/2", "25", "125",
             "vivid offers at most 12.5 fps at 1280x720; frame counts scaled by 12.5/25"),
            ("320x180@25", "", "", "", "", "vivid offers no XR24 at 320x180"),
            ("640x480@60", "60", "60/1", "20", "80", "")])
        self.assertEqual(g.sizes, ["640x480@25", "1280x720@12.5", "640x480@60"])
        self.assertEqual(configs, ["1280x720@12.5-display.json", "1280x720@12.5.json", "640x480@25-display.json",
                                   "640x480@25.json", "640x480@60-display.json", "640x480@60.json"])
        self.assertEqual(self.config(g, "640x480@25.json")["source"]["memory"], "camera")
        self.assertEqual(self.config(g, "1280x720@12.5-display.json")["source"]["memory"], "display")
        self.assertEqual(self.config(g, "1280x720@12.5.json")["frames"], 125)

    def test_heap_names(self):
        g, _, configs = self.plan(["640x480"], memory=("heap:linux,cma", "auto"))
        self.assertEqual(configs, ["640x480@25-auto.json", "640x480@25-heap-linux-cma.json"])
        self.assertEqual(self.config(g, "640x480@25-heap-linux-cma.json")["source"]["memory"], "heap:linux,cma")

    def test_without_source_memory(self):
        g, _, configs = self.plan(["640x480"], memory=("camera",), fp_memory=False)
        self.assertNotIn("memory", self.config(g, "640x480@25.json")["source"])

    def test_copy(self):
        g, rows, configs = self.plan(["640x480", "1280x720"], memory=("camera",), copy=True)
        self.assertEqual(configs, ["1280x720@12.5.json", "640x480@25-copy.json", "640x480@25.json"])
        copy = self.config(g, "640x480@25-copy.json")
        self.assertEqual((copy["source"]["format"], copy["copy"]), ("YUYV", "allowed"))
        self.assertTrue(g.plans["640x480@25"]["copy"])
        self.assertFalse(g.plans["1280x720@12.5"]["copy"])
        self.assertTrue(rows[1]["note"].endswith("; copy rows skipped: vivid offers YUYV at 5 fps here, XR24 at 12.5"))


if __name__ == "__main__":
    unittest.main()
