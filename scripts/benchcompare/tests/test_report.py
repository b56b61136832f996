"""table.md and results.json (report.py), against the output of the shell
script the program replaced.

golden/<scenario>/ holds table.md and results.json as the shell version of
scripts/bench-compare (main at 6a886ef) wrote them for `--analyse` of the
fixtures.py scenario, with the folder's path written $OUT. The program
must write the same bytes. After an intended change of the tables, rewrite
them with BENCHCOMPARE_UPDATE_GOLDEN=1 and read the diff."""

import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)

import fixtures  # noqa: E402
from benchcompare import analyse as A, report as R  # noqa: E402
from benchcompare.cli import main  # noqa: E402

GOLDEN = os.path.join(HERE, "golden")
SCENARIOS = sorted(fixtures.SCENARIOS) + ["empty"]


def build(out, name):
    if name == "empty":
        fixtures.build_empty(out)
    else:
        fixtures.build(out, name)


class FormatTests(unittest.TestCase):
    def test_f(self):
        self.assertEqual(R.f(None, ".2f"), "—")
        self.assertEqual(R.f(1.234, ".2f", "×"), "1.23×")
        self.assertEqual(R.f(-0.05, "+.1f", " pt"), "-0.1 pt")  # rounds half to even, as format() does
        self.assertEqual(R.f(250, "g"), "250")

    def test_used_summary(self):
        from collections import Counter
        self.assertEqual(R.used_summary(Counter({"camera memory": 6, "not said": 1})), "camera memory (6 runs), not said (1 run)")
        self.assertEqual(R.used_summary(Counter()), "no run")

    def test_main_row(self):
        m = {"shortRunsOk": 3, "longRunsOk": 2, "runs": 6, "fps": 24.71, "cpuMsPerFrame": 4.419, "fixedSeconds": 0.8,
             "latency_p50": 15.34, "latency_p90": 22.3, "latency_p99": None, "latency_max": 31.0, "earliestVblankShare": 0.8512,
             "syscallsPerFrame": 18.64, "contextSwitchesPerFrame": 3.181}
        self.assertEqual(R.main_row("640x480@25", "framepipe", "framepipe", m, False),
                         "| 640x480@25 | framepipe | 5/6 | 24.7 | 4.42 | 0.80 | 15.3 | 22.3 | — | 31.0 | 85.1 % |")
        self.assertEqual(R.main_row("640x480@25", "gst-skip", "GStreamer", m, True),
                         "| 640x480@25 | GStreamer | 5/6 | 24.7 | 4.42 | 18.6 | 3.18 | 0.80 | n/m | n/m | n/m | n/m | n/m |")

    def test_method_line_names_the_clock(self):
        self.assertIn("(bash `time`, ms resolution)", R.method_line({}))
        self.assertIn("(wait4's rusage of the run, ms resolution)", R.method_line({"cpuTimes": "wait4"}))


class GoldenTests(unittest.TestCase):
    """--analyse of each scenario gives the shell script's table.md and results.json."""

    def check(self, name):
        with tempfile.TemporaryDirectory() as out:
            build(out, name)
            stdout = io.StringIO()
            with redirect_stdout(stdout):
                self.assertEqual(main(["--analyse", out]), 0)
            with open(os.path.join(out, "table.md")) as f:
                table = f.read()
            with open(os.path.join(out, "results.json")) as f:
                results = f.read().replace(out, "$OUT")
            self.assertEqual(stdout.getvalue(), table)
        folder = os.path.join(GOLDEN, name)
        if os.environ.get("BENCHCOMPARE_UPDATE_GOLDEN") == "1":
            os.makedirs(folder, exist_ok=True)
            for file, text in (("table.md", table), ("results.json", results)):
                with open(os.path.join(folder, file), "w") as f:
                    f.write(text)
        with open(os.path.join(folder, "table.md")) as f:
            self.assertEqual(table, f.read())
        with open(os.path.join(folder, "results.json")) as f:
            self.assertEqual(results, f.read())

    def test_scenarios(self):
        for name in SCENARIOS:
            with self.subTest(scenario=name):
                self.check(name)


class ContentTests(unittest.TestCase):
    """What the tables say, beyond being as before."""

    def analysed(self, name):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        build(self.tmp.name, name)
        return A.analyse(self.tmp.name)

    def test_classic_tables(self):
        a = self.analysed("classic")
        text = R.render(a)
        self.assertIn("| size@fps | versus | fps ratio | CPU/frame ratio |\n", text)
        self.assertIn("1920x1080@25 fps: skipped (vivid offers no XR24 at 1920x1080)", text)
        self.assertIn("Disturbed runs (far off the median of their kind; the medians leave them out):", text)
        self.assertIn("- 1280x720@12.5 GStreamer kmssink (default): failed (r2 long): exit 1:", text)
        self.assertIn("**1 other qemu guest(s) were running: noisy numbers**", text)
        self.assertNotIn("Allocators against camera memory", text)
        self.assertNotIn("syscalls/frame", text)

    def test_memory_tables(self):
        text = R.render(self.analysed("memory"))
        self.assertIn("| size@fps | framepipe | versus | fps ratio | CPU/frame ratio |\n", text)
        self.assertIn("`framepipe-heap-linux-cma` = heap:linux,cma → heap linux,cma (2 runs)", text)
        self.assertIn("| 640x480@25 | framepipe-heap-linux-cma | ", text)
        self.assertIn("(with uncommitted changes)", text)

    def test_loops_under_load_and_the_probe(self):
        a = self.analysed("loops-probe")
        m = a.summary[("640x480@25", "framepipe-thread")]
        # fixtures.PROBE_SHARE and PROBE_WAKEUP_MS: rounds 0.95 and 0.97; 0.4 and 0.6 ms
        self.assertEqual((m["probeRuns"], m["probeFrames"], m["wakeups"]), (2, 60, 60))
        self.assertAlmostEqual(m["probeEarliestVblankShare"], 0.96)
        self.assertAlmostEqual(m["wakeupP90Ms"], 0.5)
        d = a.summary[("640x480@25", "framepipe-dispatch")]
        self.assertEqual((d["probeRuns"], d["probeEarliestVblankShare"], d["probeProblems"]), (1, 0.9, ["latency.py: no frames paired"]))
        (c,) = a.loop_comparison
        self.assertEqual((c["loops"], c["winner"], c["decidedBy"]),
                         (["framepipe-thread", "framepipe-dispatch", "framepipe-thread-rt"], "framepipe-thread-rt", "probeEarliestVblankShare"))
        self.assertEqual([r["versus"] for r in a.memory_comparison], ["framepipe-thread"])
        text = R.render(a)
        self.assertIn("- **load: 2 busy processes** (`sh -c 'while :; do :; done'`, pure CPU) on the guest's 2 CPUs", text)
        self.assertIn("`framepipe-thread-rt` = `--event-loop thread --realtime`", text)
        self.assertIn("| 640x480@25 | framepipe-thread | 2/2 | 60 | 96.0 % | 85.1 % | 25.00 / 45.00 | 0.50 / 0.50 | 60 |", text)
        self.assertIn("- 640x480@25: **framepipe-thread-rt is faster**, by frames on the earliest feasible vblank (probe): "
                      "99.5 % against 96.0 % (framepipe-thread), 90.0 % (framepipe-dispatch)", text)
        self.assertIn("| 640x480@25 | kmssink tuned (gst-skip) | 99.0 % |", text)
        self.assertIn("- from 2 rounds: one disturbed run decides; decide with `--rounds 3` or more", text)
        self.assertIn("Allocators against camera memory (`framepipe-thread`)", text)
        self.assertEqual(R.results(a)["loopComparison"], a.loop_comparison)

    def test_no_loop_section_before_loops(self):
        text = R.render(self.analysed("memory"))
        for absent in ("load:", "probe", "Event loops"):
            self.assertNotIn(absent, text)

    def test_results_keys(self):
        raw = R.results(self.analysed("syscalls-copy"))
        self.assertEqual(list(raw), ["meta", "guest", "plan", "runs", "rounds", "disturbedRuns", "summary", "ratios",
                                     "memoryComparison", "copy", "copyComparison"])
        self.assertEqual(raw["copy"], "run")
        self.assertIn("syscallsPerFrameRatio", raw["ratios"][0])
        self.assertIn("conversionP50Ms", raw["copyComparison"][0])
        json.dumps(raw)

    def test_nothing_recorded(self):
        text = R.render(self.analysed("empty"))
        self.assertIn("640x480, 1280x720 (no plan: the guest part did not start)", text)
        self.assertTrue(text.endswith("**No run was recorded** (see progress.log, guest-stderr.log and .lab/ in the output folder).\n"))

    def test_nothing_worked(self):
        text = R.render(self.analysed("all-failed"))
        self.assertIn("asked for (`--syscalls`), but **no run was counted**", text)
        self.assertIn("Copy path (framepipe --allow-copy on YUYV beside GStreamer videoconvert): asked for (--copy), but no copy run was recorded.", text)
        self.assertTrue(text.endswith("**No round produced numbers.**\n"))


if __name__ == "__main__":
    unittest.main()
