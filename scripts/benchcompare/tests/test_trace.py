"""The probe's outputs (trace.py, judge.read_probe): wake-ups read from a
trace with known ones, latency.py's line, and the probe's own latency.py on
the same synthetic trace (when the shared probe is beside the repository)."""

import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)

import fixtures  # noqa: E402
from benchcompare import cli, judge, trace  # noqa: E402

# Four frames (index, done s, wake-up ms, vblanks late): the third is shown
# a vblank after the earliest feasible one, so 3 of 4 are on it.
FRAMES = [(0, 100.005, 0.5, 0), (1, 100.045, 1.0, 0), (2, 100.085, 2.0, 1), (3, 100.125, 4.0, 0)]
# What the wake-up pairing must leave out: a dequeue of a buffer done before
# the trace began, an output queue's buffer done (vb2 type 2) between frame
# 1's done and its dequeue, an output queue's dequeue, and a buffer done but
# never dequeued (returned at STREAMOFF).
NOISE = [
    (100.001, "framepipe-wait", 70, "v4l2_dqbuf", "minor = 0, index = 3, type = VIDEO_CAPTURE, timestamp = 99990000000, sequence = 0"),
    (100.0455, "vivid-000-vid-o", 81, "vb2_buf_done", "owner = 00000000deadbeef, queued = 1, owned_by_drv = 1, index = 1, type = 2, bytesused = 0, timestamp = 0"),
    (100.1295, "other", 60, "v4l2_dqbuf", "minor = 1, index = 2, type = VIDEO_OUTPUT, timestamp = 0, sequence = 0"),
    (100.165, "vivid-000-vid-c", 80, "vb2_buf_done", "owner = 0000000096945984, queued = 1, owned_by_drv = 1, index = 0, type = 1, bytesused = 0, timestamp = 0"),
]
LATENCY_PY_LINE = ("frames=4 p50=25.00ms p90=45.00ms p99=45.00ms max=45.00ms mean=30.00ms | limit p50=25.00 p99=25.00 | "
                   "excess p50=0.00 p99=20.00 | on earliest vblank 75.0% | T=20.000ms\n")
PROBE = os.path.join(os.path.dirname(cli.REPO), "shared", "tools", "probe")


class TraceTests(unittest.TestCase):
    def test_events_skip_the_header(self):
        found = trace.events(fixtures.synthetic_trace(FRAMES[:1], vblanks=2))
        self.assertEqual([(e[1], e[2]) for e in found][:3], [(90, "drm_vblank_event"), (80, "vb2_buf_done"), (70, "v4l2_dqbuf")])
        self.assertEqual(found[3][2:], ("sys_ioctl", "(fd: 4, cmd: c03864bc, arg: 7ffe139038d8)"))
        self.assertEqual(found[4][2:], ("sys_ioctl", "-> 0x0"))
        self.assertAlmostEqual(found[1][0], 100.005)

    def test_wakeups_of_known_frames(self):
        text = fixtures.synthetic_trace(FRAMES, extra=NOISE)
        self.assertEqual(trace.wakeups_ms(text), [0.5, 1.0, 2.0, 4.0])

    def test_wakeup_percentiles_as_the_probe_takes_them(self):
        s = trace.wakeup_summary(fixtures.synthetic_trace(FRAMES, extra=NOISE))
        self.assertEqual((s["wakeups"], s["wakeupP50Ms"], s["wakeupP90Ms"], s["wakeupMaxMs"]), (4, 2.0, 4.0, 4.0))
        self.assertEqual(trace.wakeup_summary("# tracer: nop\n")["wakeupP50Ms"], None)

    def test_percentile(self):
        values = [5, 1, 4, 2, 3, 6, 8, 7, 10, 9]
        self.assertEqual((trace.percentile(values, 0.5), trace.percentile(values, 0.9), trace.percentile(values, 0.99)), (6, 10, 10))
        self.assertEqual(trace.percentile([7], 0.5), 7)
        self.assertIsNone(trace.percentile([], 0.5))

    def test_probe_line(self):
        fig = trace.probe_figures("something first\n" + LATENCY_PY_LINE)
        self.assertEqual((fig["frames"], fig["p50"], fig["p90"], fig["share"], fig["period"], fig["excessP99"]),
                         (4, 25.0, 45.0, 0.75, 20.0, 20.0))
        self.assertIsNone(trace.probe_figures("no frames paired\n"))
        self.assertIsNone(trace.probe_figures(None))
        self.assertEqual(trace.probe_problem("\nno frames paired\n"), "no frames paired")
        self.assertEqual(trace.probe_problem(""), "no output")

    def test_read_probe(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertIsNone(judge.read_probe(d))  # not probed: no trace
            with open(os.path.join(d, "trace.txt"), "w") as f:
                f.write(fixtures.synthetic_trace(FRAMES, extra=NOISE))
            p = judge.read_probe(d)
            self.assertEqual((p["figures"], p["problem"], p["wakeups"]), (None, "the probe's latency.py was not run on the trace", 4))
            with open(os.path.join(d, "probe.txt"), "w") as f:
                f.write("Traceback (most recent call last):\nZeroDivisionError\n")
            self.assertEqual(judge.read_probe(d)["problem"], "latency.py: Traceback (most recent call last):")
            with open(os.path.join(d, "probe.txt"), "w") as f:
                f.write(LATENCY_PY_LINE)
            p = judge.read_probe(d)
            self.assertNotIn("problem", p)
            self.assertEqual((p["figures"]["share"], p["wakeupP90Ms"]), (0.75, 4.0))


@unittest.skipUnless(os.path.isfile(os.path.join(PROBE, "latency.py")), f"no shared probe at {PROBE}")
class SharedProbeTests(unittest.TestCase):
    """cli.run_latency_py: the shared probe's latency.py on the synthetic
    trace finds the share it was made with, and the wake-ups agree."""

    def test_latency_py_on_the_synthetic_trace(self):
        with tempfile.TemporaryDirectory() as out:
            run = os.path.join(out, "runs", "640x480@25", "framepipe-thread-r1-long")
            os.makedirs(run)
            with open(os.path.join(run, "trace.txt"), "w") as f:
                f.write(fixtures.synthetic_trace(FRAMES, extra=NOISE))
            self.assertEqual(cli.run_latency_py(out, PROBE), 1)
            self.assertEqual(cli.run_latency_py(out, PROBE), 0)  # done once
            p = judge.read_probe(run)
        self.assertEqual((p["figures"]["frames"], p["figures"]["share"], p["figures"]["p50"], p["figures"]["p90"]), (4, 0.75, 25.0, 45.0))
        self.assertEqual((p["wakeupP50Ms"], p["wakeupP90Ms"]), (2.0, 4.0))

    def test_all_on_time(self):
        frames = [(i % 4, 100.005 + i * 0.040, 0.3, 0) for i in range(20)]
        with tempfile.TemporaryDirectory() as out:
            run = os.path.join(out, "runs", "s", "t")
            os.makedirs(run)
            with open(os.path.join(run, "trace.txt"), "w") as f:
                f.write(fixtures.synthetic_trace(frames))
            cli.run_latency_py(out, PROBE)
            self.assertEqual(judge.read_probe(run)["figures"]["share"], 1.0)


if __name__ == "__main__":
    unittest.main()
