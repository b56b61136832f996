"""The analysis (analyse.py): medians, long − short, per-frame CPU and
counts, ratios, allocators against camera memory, the copy path."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from benchcompare import analyse as A  # noqa: E402


def run(size="640x480@25", tool="framepipe", rnd=1, kind="short", frames=50, status="ok", wall="2.800",
        user="0.300", system="0.100", shown=None, report=None, **extra):
    """A runs.tsv row as load() leaves it."""
    row = dict(size=size, rate="25", tool=tool, round=str(rnd), kind=kind, frames=str(frames), status=status,
               exitStatus="0", wallSeconds=wall, userSeconds=user, systemSeconds=system, dir="/x", note="")
    row.update(extra)
    row["shown"] = (frames if shown is None else shown) if status == "ok" else None
    row["report"] = report
    return row


def tools(runs, meta=None, info=None):
    return A.tools_of(meta or {}, info or {}, runs)


class HelpersTests(unittest.TestCase):
    def test_flatten_report_lifts_the_first_camera_of_schema_2(self):
        rep = {"schemaVersion": 2, "card": "/dev/dri/card0", "cpu": {"perShownFrameMilliseconds": 2.5},
               "cameras": [{"camera": "/dev/video0", "setup": {"memory": "camera memory", "plane": 33},
                            "frames": {"shown": 240}, "latencyMilliseconds": {"total": {"p50": 11.5}},
                            "copy": {"path": "YUYV 640x480 → XRGB8888 (libyuv)", "statistics": {"converted": 240, "refused": 1}}},
                           {"camera": "/dev/video4"}]}
        flat = A.flatten_report(rep)
        self.assertEqual(flat["camera"], "/dev/video0")
        self.assertEqual(flat["memory"], "camera memory")
        self.assertEqual(flat["cpu"], {"perShownFrameMilliseconds": 2.5}, "the run's own fields stay")
        self.assertEqual(A.dig(flat, "latencyMilliseconds", "total", "p50"), 11.5)
        self.assertEqual(flat["copyPath"], "YUYV 640x480 → XRGB8888 (libyuv)")
        self.assertEqual(A.dig(flat, "copy", "refused"), 1)
        self.assertEqual(A.shown({"frames": "300"}, flat), 240)
        self.assertNotIn("cameras", flat)

    def test_flatten_report_leaves_schema_1_and_preview_sources(self):
        old = {"schemaVersion": 1, "memory": "display memory", "frames": {"shown": 10}}
        self.assertEqual(A.flatten_report(old), old)
        preview = {"stopReason": "frameCount", "sources": [{"camera": "/dev/video0", "statistics": {"shown": 12}, "memory": "camera memory"}]}
        self.assertEqual(A.shown({"frames": "300"}, A.flatten_report(preview)), 12)

    def test_median(self):
        self.assertEqual(A.median([3, None, 1, 2]), 2)
        self.assertEqual(A.median([1, 2]), 1.5)
        self.assertIsNone(A.median([None, "x"]))

    def test_num_dig_diff(self):
        self.assertEqual(A.num("2.5"), 2.5)
        self.assertIsNone(A.num(""))
        self.assertEqual(A.dig({"a": {"b": 3}}, "a", "b"), 3)
        self.assertIsNone(A.dig({"a": {"b": "3"}}, "a", "b"))
        self.assertIsNone(A.dig({"a": 1}, "a", "b"))
        self.assertEqual(A.diff(3, 1), 2)
        self.assertIsNone(A.diff(None, 1))

    def test_cpu(self):
        self.assertAlmostEqual(A.cpu_of(run(user="0.250", system="0.125")), 0.375)
        self.assertEqual(A.cpu_of(run(user="", system="0.5")), 0.5)

    def test_parse_tsv(self):
        self.assertEqual(A.parse_tsv("a\tb\n1\t2\n\n3\n"), [{"a": "1", "b": "2"}, {"a": "3"}])
        self.assertEqual(A.parse_tsv(""), [])

    def test_shown(self):
        row = {"frames": "250"}
        self.assertEqual(A.shown(row, {"frames": {"shown": 248}}), 248)
        self.assertEqual(A.shown(row, {"statistics": {"shown": 247}}), 247)
        self.assertEqual(A.shown(row, {"frames": {}}), 250)
        self.assertEqual(A.shown(row, None), 250)

    def test_tools_of_loops(self):
        meta = {"memory": ["camera", "display"], "loops": ["thread", "dispatch"]}
        t = A.tools_of(meta, {"framepipeLoops": "thread dispatch"}, [])
        self.assertEqual(t.fp_tools, ["framepipe-thread", "framepipe-dispatch", "framepipe-display"])
        self.assertEqual((t.camera_tool, t.loop_of["framepipe-display"], t.asked["framepipe-dispatch"]), ("framepipe-thread", "thread", "camera"))
        # a framepipe without --event-loop: the guest ran one camera row
        t = A.tools_of(meta, {"framepipeLoops": ""}, [])
        self.assertEqual((t.fp_tools, t.camera_tool), (["framepipe", "framepipe-display"], "framepipe"))
        # before --loops
        t = A.tools_of({"memory": ["camera", "heap:linux,cma"]}, {}, [])
        self.assertEqual((t.fp_tools, t.camera_tool, t.loop_of), (["framepipe", "framepipe-heap-linux-cma"], "framepipe", {"framepipe": "", "framepipe-heap-linux-cma": ""}))


class LongMinusShortTests(unittest.TestCase):
    def test_fps(self):
        self.assertAlmostEqual(A.long_minus_short(50, 250, 2.8, 10.8), 25.0)
        self.assertIsNone(A.long_minus_short(50, 50, 2.8, 10.8))
        self.assertIsNone(A.long_minus_short(50, 250, 10.8, 2.8))
        self.assertIsNone(A.long_minus_short(None, 250, 2.8, 10.8))

    def test_per_frame(self):
        self.assertAlmostEqual(A.per_frame(1000, 4720, 50, 250), 18.6)
        self.assertIsNone(A.per_frame(None, 4720, 50, 250))

    def test_round_entry(self):
        s, l = run(frames=50, wall="2.800", user="0.300"), run(kind="long", frames=250, wall="10.800", user="1.100")
        e = A.round_entry("640x480@25", "framepipe", 1, {"short": s, "long": l}, False)
        self.assertTrue(e["ok"])
        self.assertAlmostEqual(e["fps"], 25.0)
        self.assertAlmostEqual(e["cpuMsPerFrame"], 4.0)  # (1.2 − 0.4) s / 200 frames
        self.assertNotIn("syscallsPerFrame", e)
        failed = A.round_entry("s", "t", 1, {"short": s}, False)
        self.assertEqual((failed["ok"], failed["reason"]), (False, "the short or the long run failed"))
        flat = A.round_entry("s", "t", 1, {"short": s, "long": run(kind="long", frames=250, wall="2.000")}, False)
        self.assertEqual(flat["reason"], "no usable difference (frames 50->250, wall 2.8->2.0 s)")

    def test_round_entry_counts(self):
        s = run(frames=50, syscalls="1000", contextSwitches="200")
        l = run(kind="long", frames=250, wall="10.8", syscalls="4720", contextSwitches="")
        e = A.round_entry("s", "t", 1, {"short": s, "long": l}, True)
        self.assertAlmostEqual(e["syscallsPerFrame"], 18.6)
        self.assertIsNone(e["contextSwitchesPerFrame"])

    def test_rounds_sorted_by_size_tool_round(self):
        runs = [run(rnd=10), run(rnd=10, kind="long"), run(rnd=2), run(rnd=2, kind="long"), run(kind="warmup", rnd=0)]
        self.assertEqual([e["round"] for e in A.rounds_of(runs, False)], [2, 10])

    def test_disturbed(self):
        # more than max(0.3 s, 20 % of the median) above the median
        self.assertTrue(A.disturbed(3.5, 2.8))      # 0.7 s above; the bound is 0.56 s
        self.assertFalse(A.disturbed(3.3, 2.8))     # 0.5 s above
        self.assertTrue(A.disturbed(0.6, 0.2))      # 0.4 s above; the bound is 0.3 s
        self.assertFalse(A.disturbed(0.45, 0.2))
        self.assertFalse(A.disturbed(2.0, 2.8))     # below is never disturbed


class SummaryTests(unittest.TestCase):
    def three_rounds(self, tool="framepipe", cpu_long=("1.100", "1.100", "1.900"), wall_short=("2.800", "2.900", "2.700"), **extra):
        runs = []
        for i, rnd in enumerate((1, 2, 3)):
            runs.append(run(tool=tool, rnd=rnd, frames=50, wall=wall_short[i], user="0.300", **extra))
            runs.append(run(tool=tool, rnd=rnd, kind="long", frames=250, wall="10.800", user=cpu_long[i], **extra))
        return runs

    def test_medians_over_rounds(self):
        runs = self.three_rounds()
        t = tools(runs)
        m, found = A.summarise("640x480@25", "framepipe", runs, A.rounds_of(runs, False), t)
        self.assertEqual((m["shortRunsOk"], m["longRunsOk"], m["runs"]), (3, 3, 6))
        self.assertEqual(m["short"], {"frames": 50, "wallSeconds": 2.8, "cpuSeconds": 0.4})
        self.assertAlmostEqual(m["long"]["cpuSeconds"], 1.2)
        self.assertAlmostEqual(m["fps"], 25.0)
        self.assertAlmostEqual(m["cpuMsPerFrame"], 4.0)
        self.assertAlmostEqual(m["fixedSeconds"], 0.8)  # 2.8 s − 50 / 25 fps
        self.assertEqual(m["perRoundMedian"]["rounds"], 3)
        # the third long run took 0.8 s more CPU: disturbed, and left out by the median
        self.assertEqual(found, ["640x480@25 framepipe long r3: wall 10.80 s (median 10.80), CPU 2.00 s (median 1.20)"])
        self.assertIsNone(m["latency_p50"])
        self.assertFalse(m["allocationsMeasured"])

    def test_no_runs(self):
        self.assertEqual(A.summarise("640x480@25", "gst-skip", [], [], tools([])), (None, []))

    def test_failed_runs_are_left_out(self):
        runs = self.three_rounds()
        runs[1]["status"], runs[1]["shown"] = "failed", None
        m, _ = A.summarise("640x480@25", "framepipe", runs, A.rounds_of(runs, False), tools(runs))
        self.assertEqual((m["shortRunsOk"], m["longRunsOk"]), (3, 2))
        self.assertEqual(m["perRoundMedian"]["rounds"], 2)

    def test_report_figures_and_earliest_vblank(self):
        reports = [{"latencyMilliseconds": {"total": {"p50": p, "p90": 20, "p99": 25, "max": 30}},
                    "earliestVblank": {"share": share}, "shownPerSecond": 24.9,
                    "cpu": {"perShownFrameMilliseconds": 2.5}} for p, share in ((14, 0.8), (16, 0.9), (15, 0.85))]
        runs = self.three_rounds()
        for r, rep in zip([r for r in runs if r["kind"] == "long"], reports):
            r["report"] = rep
        runs.append(run(rnd=0, kind="warmup", frames=60, report={"allocations": {"measured": True, "perFrameSteadyState": 0.02}}))
        m, _ = A.summarise("640x480@25", "framepipe", runs, A.rounds_of(runs, False), tools(runs))
        self.assertEqual((m["latency_p50"], m["latency_max"], m["earliestVblankShare"]), (15, 30, 0.85))
        self.assertEqual((m["allocationsPerFrame"], m["allocationsMeasured"]), (0.02, True))

    def test_counts_per_frame(self):
        runs = self.three_rounds(syscalls="", contextSwitches="")
        for r in runs:
            r["syscalls"] = "1300" if r["kind"] == "short" else "5020"
            r["contextSwitches"] = "200" if r["kind"] == "short" else "820"
        t = tools(runs)
        self.assertTrue(t.syscalls_measured)
        m, _ = A.summarise("640x480@25", "framepipe", runs, A.rounds_of(runs, True), t)
        self.assertAlmostEqual(m["syscallsPerFrame"], 18.6)
        self.assertAlmostEqual(m["contextSwitchesPerFrame"], 3.1)
        self.assertAlmostEqual(m["perRoundMedian"]["syscallsPerFrame"], 18.6)


class ToolsTests(unittest.TestCase):
    def test_before_memory(self):
        t = tools([run(), run(tool="gst-default")])
        self.assertEqual(t.fp_tools, ["framepipe"])
        self.assertEqual([r[0] for r in t.rows], ["framepipe", "gst-default", "gst-skip"])
        self.assertFalse(t.memory_recorded or t.syscalls_measured or t.copy_tools)

    def test_memory_order_and_copy(self):
        runs = [run(tool="framepipe-display", memory="display"), run(memory="camera"), run(tool="framepipe-copy", memory="copy"),
                run(tool="gst-copy")]
        t = tools(runs, meta={"memory": ["camera", "heap:x", "display"], "copy": True}, info={"copyFormat": "YUYV"})
        self.assertEqual(t.fp_tools, ["framepipe", "framepipe-heap-x", "framepipe-display"])
        self.assertEqual(t.own_tools, t.fp_tools + ["framepipe-copy"])
        self.assertEqual(t.asked["framepipe-copy"], "copy")
        self.assertEqual(t.label["gst-copy"], "GStreamer YUY2 videoconvert, kmssink sync=false skip-vsync=true")
        self.assertTrue(t.memory_recorded)


def summary(fps, cpu, **more):
    m = {"fps": fps, "cpuMsPerFrame": cpu, "fixedSeconds": 0.8, "latency_p50": 15.0, "latency_p99": 25.0,
         "earliestVblankShare": 0.85}
    m.update(more)
    return m


class ComparisonTests(unittest.TestCase):
    def test_ratios(self):
        s = {("640x480@25", "framepipe"): summary(25.0, 4.4), ("640x480@25", "gst-default"): summary(25.0, 2.0),
             ("640x480@25", "gst-skip"): summary(None, 0.0)}
        t = tools([run()])
        r = A.ratios_of(["640x480@25"], s, t)
        self.assertEqual([(x["versus"], x["fpsRatio"]) for x in r], [("gst-default", 1.0), ("gst-skip", None)])
        self.assertAlmostEqual(r[0]["cpuPerFrameRatio"], 2.2)
        self.assertIsNone(r[1]["cpuPerFrameRatio"])

    def test_allocator_missing_at_a_size(self):
        s = {("640x480@25", "framepipe"): summary(25.0, 4.4), ("640x480@25", "gst-default"): summary(25.0, 2.0)}
        t = tools([run(), run(tool="framepipe-display")])
        r = A.ratios_of(["640x480@25"], s, t)
        self.assertEqual([(x["framepipe"], x["versus"]) for x in r], [("framepipe", "gst-default"), ("framepipe", "gst-skip")])

    def test_memory_comparison(self):
        s = {("640x480@25", "framepipe"): summary(25.0, 4.0),
             ("640x480@25", "framepipe-display"): summary(24.0, 5.0, fixedSeconds=0.9, latency_p50=14.0, earliestVblankShare=0.9)}
        (c,) = A.memory_comparison_of(["640x480@25"], s, ["framepipe", "framepipe-display"])
        self.assertEqual((c["tool"], c["versus"]), ("framepipe-display", "framepipe"))
        self.assertAlmostEqual(c["fpsRatio"], 0.96)
        self.assertAlmostEqual(c["cpuPerFrameRatio"], 1.25)
        self.assertAlmostEqual(c["fixedSecondsDifference"], 0.1)
        self.assertAlmostEqual(c["latencyP50Difference"], -1.0)
        self.assertAlmostEqual(c["earliestVblankPointsDifference"], 5.0)  # percentage points
        self.assertEqual(A.memory_comparison_of(["640x480@25"], s, ["framepipe-display"])[0]["tool"], "framepipe-display")
        self.assertEqual(A.memory_comparison_of(["640x480@25"], {}, ["framepipe", "framepipe-display"]), [])

    def test_copy_comparison(self):
        s = {("640x480@25", "framepipe-copy"): summary(24.0, 18.0, conversion_p50=14.0, conversion_p90=16.0,
                                                       framesConverted=250, framesShown=250, copyPath="copy from YUYV (libyuv)",
                                                       conversionCpuMsPerConvertedFrame=13.5, syscallsPerFrame=20.0),
             ("640x480@25", "gst-copy"): summary(25.0, 27.0, syscallsPerFrame=10.0)}
        (c,) = A.copy_comparison_of(["640x480@25", "320x180@60"], s, True)
        self.assertAlmostEqual(c["fpsRatio"], 0.96)
        self.assertAlmostEqual(c["cpuPerFrameRatio"], 18 / 27)
        self.assertEqual((c["conversionP50Ms"], c["framesConverted"], c["syscallsPerFrameRatio"]), (14.0, 250, 2.0))
        self.assertIsNone(c["contextSwitchesPerFrameRatio"])

    def test_copy_status(self):
        self.assertEqual(A.copy_status_of(tools([run(tool="gst-copy")])), "run")
        self.assertEqual(A.copy_status_of(tools([], meta={"copy": True})), "asked for (--copy), but no copy run was recorded")
        self.assertEqual(A.copy_status_of(tools([])), "not run (--copy)")


if __name__ == "__main__":
    unittest.main()
