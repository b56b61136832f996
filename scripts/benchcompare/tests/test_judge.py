"""Which event loop is faster (judge.decide, loop_comparison_of) and the
probe's figures of a tool (add_probe_figures)."""

import os
import sys
import unittest
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from benchcompare import judge  # noqa: E402


def loop(share=None, wake90=None, lat50=None, own=None, own_lat=None, frames=200):
    """A loop row's summary with the decision's figures."""
    return {"probeEarliestVblankShare": share, "wakeupP90Ms": wake90, "probeLatencyP50Ms": lat50,
            "earliestVblankShare": own, "latency_p50": own_lat, "probeFrames": frames, "long": {"frames": frames}}


class DecideTests(unittest.TestCase):
    def test_more_frames_on_the_earliest_vblank_wins(self):
        # 0.99 against 0.98 over 200 frames: 2 frames, more than the tolerance of one
        self.assertEqual(judge.decide([("a", loop(0.98, 0.4)), ("b", loop(0.99, 2.0))]), ("b", "probeEarliestVblankShare", []))

    def test_within_one_frame_the_wakeup_decides(self):
        # 0.990 against 0.995 over 200 frames: one frame, a tie; then 0.4 ms against 2.0 ms
        self.assertEqual(judge.decide([("a", loop(0.990, 0.4)), ("b", loop(0.995, 2.0))]), ("a", "wakeupP90Ms", []))

    def test_the_tolerance_follows_the_frames(self):
        # the same 0.5 points are three frames of 600: decided by the share
        self.assertEqual(judge.decide([("a", loop(0.990, 0.4, frames=600)), ("b", loop(0.995, 2.0, frames=600))])[:2],
                         ("b", "probeEarliestVblankShare"))

    def test_times_within_ten_percent_tie(self):
        self.assertEqual(judge.decide([("a", loop(1.0, 1.00, 20.0)), ("b", loop(1.0, 1.05, 16.0))]), ("b", "probeLatencyP50Ms", []))

    def test_nothing_decides(self):
        self.assertEqual(judge.decide([("a", loop(1.0, 1.0, 20.0, 1.0, 15.0)), ("b", loop(1.0, 1.0, 20.0, 1.0, 15.0))]),
                         (None, None, ["a", "b"]))

    def test_a_criterion_some_loop_lacks_is_passed_over(self):
        # no probe figures for b: framepipe's own share decides
        self.assertEqual(judge.decide([("a", loop(0.5, 9.0, own=0.90)), ("b", loop(own=0.99))]), ("b", "earliestVblankShare", []))

    def test_three_loops_narrow_down(self):
        # a is out on the share; b and c tie there, c wakes up sooner
        self.assertEqual(judge.decide([("a", loop(0.90, 0.1)), ("b", loop(0.99, 1.0)), ("c", loop(0.995, 0.5))]),
                         ("c", "wakeupP90Ms", []))


class ComparisonTests(unittest.TestCase):
    def test_loop_rows_only(self):
        tools = SimpleNamespace(fp_tools=["framepipe-thread", "framepipe-dispatch", "framepipe-display"],
                                loop_of={"framepipe-thread": "thread", "framepipe-dispatch": "dispatch", "framepipe-display": "thread"},
                                asked={"framepipe-thread": "camera", "framepipe-dispatch": "camera", "framepipe-display": "display"})
        summary = {("s", "framepipe-thread"): loop(0.99), ("s", "framepipe-dispatch"): loop(0.95),
                   ("s", "framepipe-display"): loop(1.0), ("s", "gst-skip"): loop(0.997),
                   ("t", "framepipe-thread"): loop(0.99)}
        (c,) = judge.loop_comparison_of(["s", "t"], summary, tools)  # t has one loop: no comparison
        self.assertEqual((c["size"], c["loops"], c["winner"], c["decidedBy"]),
                         ("s", ["framepipe-thread", "framepipe-dispatch"], "framepipe-thread", "probeEarliestVblankShare"))
        self.assertEqual(list(c["figures"]), ["framepipe-thread", "framepipe-dispatch", "gst-skip"])
        self.assertEqual(c["figures"]["gst-skip"]["probeEarliestVblankShare"], 0.997)


class ProbeFiguresTests(unittest.TestCase):
    def probe(self, share, wake90, frames=60):
        return {"figures": {"frames": frames, "share": share, "p50": 20.0, "p90": 30.0, "p99": 40.0},
                "wakeups": frames, "wakeupP50Ms": wake90 / 2, "wakeupP90Ms": wake90, "wakeupP99Ms": wake90 * 2}

    def test_medians_over_rounds(self):
        m = {}
        judge.add_probe_figures(m, [{"probe": self.probe(0.9, 1.0)}, {"probe": self.probe(1.0, 3.0)}, {"probe": self.probe(0.95, 0.5)}])
        self.assertEqual((m["probeRuns"], m["probeFrames"], m["probeEarliestVblankShare"], m["wakeupP90Ms"], m["probeLatencyP90Ms"]),
                         (3, 60, 0.95, 1.0, 30.0))
        self.assertEqual(m["probeProblems"], [])

    def test_a_run_without_figures(self):
        m = {}
        judge.add_probe_figures(m, [{"probe": self.probe(0.9, 1.0)},
                                    {"probe": {"figures": None, "problem": "latency.py: no frames paired", "wakeups": 0,
                                               "wakeupP50Ms": None, "wakeupP90Ms": None, "wakeupP99Ms": None}}])
        self.assertEqual((m["probeRuns"], m["probeEarliestVblankShare"], m["wakeupP90Ms"], m["probeProblems"]),
                         (1, 0.9, 1.0, ["latency.py: no frames paired"]))

    def test_nothing_probed(self):
        m = {}
        judge.add_probe_figures(m, [{"status": "ok"}])
        self.assertEqual(m, {})


if __name__ == "__main__":
    unittest.main()
