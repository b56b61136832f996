"""Reading the tools' outputs (parse.py)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from benchcompare import parse  # noqa: E402

PERF = """# started on Mon Dec  1 10:00:00 2026

4711,,raw_syscalls:sys_enter,1234567,100.00,,
812,,context-switches,1234567,100.00,,
"""
PERF_NOT_COUNTED = """<not counted>,,raw_syscalls:sys_enter,0,0.00,,
<not supported>,,context-switches,0,100.00,,
"""
REPORT = """{
  "frames" : {
    "shown" : 248
  },
  "memory" : "display memory",
  "shownPerSecond" : 24.9
}
"""
EXPLAIN = """framepipe: planning /dev/video0 -> /dev/dri/card0
1. camera memory, XR24 640x480: rejected (TEST_ONLY failed)
2. chosen: heap linux,cma, XR24 640x480 on plane 31 at 0,0
3. chosen: display memory, XR24
"""


class PerfTests(unittest.TestCase):
    def test_counts(self):
        self.assertEqual(parse.perf_count(PERF, "raw_syscalls:sys_enter"), "4711")
        self.assertEqual(parse.perf_count(PERF, "context-switches"), "812")

    def test_not_counted(self):
        self.assertIsNone(parse.perf_count(PERF_NOT_COUNTED, "raw_syscalls:sys_enter"))
        self.assertIsNone(parse.perf_count(PERF_NOT_COUNTED, "context-switches"))
        self.assertIsNone(parse.perf_count(None, "context-switches"))
        self.assertIsNone(parse.perf_count(PERF, "cycles"))


class MemoryTests(unittest.TestCase):
    def test_report(self):
        self.assertEqual(parse.report_memory(REPORT), "display memory")
        self.assertEqual(parse.report_memory('{"memory":"heap system"}'), "heap system")
        self.assertEqual(parse.report_memory('{"frames": {"shown": 5}}'), "")
        self.assertEqual(parse.report_memory(None), "")

    def test_report_first_line_only(self):
        # grep -m1 -o: every match of the first line that has one
        self.assertEqual(parse.report_memory('{"a": {"memory": "x"}, "memory": "y"}\n"memory": "z"'), "x\ny")

    def test_chosen_line(self):
        self.assertEqual(parse.chosen_memory(EXPLAIN), "heap linux,cma")
        self.assertEqual(parse.chosen_memory("4. chosen: copy from YUYV (libyuv), XRGB8888 640x480\n"), "copy from YUYV (libyuv)")
        self.assertEqual(parse.chosen_memory("2. chosen: camera memory (exported), XR24\n"), "camera memory")
        self.assertEqual(parse.chosen_memory("12. chosen: display memory, XR24\n"), "display memory")
        self.assertEqual(parse.chosen_memory("chosen: camera memory\n 2. chosen: camera memory\n"), "")
        self.assertEqual(parse.chosen_memory(None), "")

    def test_report_before_chosen_line(self):
        self.assertEqual(parse.memory_used(REPORT, EXPLAIN), "display memory")
        self.assertEqual(parse.memory_used(None, EXPLAIN), "heap linux,cma")
        self.assertEqual(parse.memory_used("{}", None), "")

    def test_matches(self):
        cases = [("camera", "camera memory", True), ("camera", "display memory", False),
                 ("display", "display memory", True), ("heap", "heap system", True), ("heap", "heap ", False),
                 ("heap", "camera memory", False), ("heap:system", "heap system", True),
                 ("heap:linux,cma", "heap linux,cma", True), ("heap:system", "heap linux,cma", False),
                 ("copy", "copy from YUYV (libyuv)", True), ("copy", "camera memory", False),
                 ("auto", "display memory", True), ("auto", "", False)]
        for asked, used, expected in cases:
            with self.subTest(asked=asked, used=used):
                self.assertEqual(parse.memory_matches(asked, used), expected)


class ExplainTests(unittest.TestCase):
    def test_timeout(self):
        for rc in (124, 137):
            self.assertEqual(parse.explain("gst-skip", rc, "ERROR: x", "120"), "timed out after 120 s (killed)")

    def test_gstreamer(self):
        busy = "Setting pipeline to PAUSED ...\nERROR: from element /GstPipeline:pipeline0/GstKMSSink:kmssink0: Device or resource busy\n"
        self.assertEqual(parse.explain("gst-default", 1, busy, "120"),
                         "display busy/held: kmssink could not take /dev/dri/card0 (another DRM master or client holds it): "
                         "ERROR: from element /GstPipeline:pipeline0/GstKMSSink:kmssink0: Device or resource busy")
        self.assertEqual(parse.explain("gst-copy", 1, "WARNING: erroneous pipeline: not-negotiated\n", "120"),
                         "caps not negotiated (vivid does not offer this size/rate in YUY2?): WARNING: erroneous pipeline: not-negotiated")
        self.assertEqual(parse.explain("gst-skip", 1, "x\nnot-negotiated\n", "120"),
                         "caps not negotiated (vivid does not offer this size/rate in BGRx?): x")
        self.assertEqual(parse.explain("gst-skip", 1, "Setting\ndrmModeSetPlane failed: Invalid argument\n", "120"),
                         "kmssink: drmModeSetPlane failed: Invalid argument (vkms without an overlay plane rejects a plane smaller than the mode)")
        self.assertEqual(parse.explain("gst-skip", 1, "", "120"), "exit 1: no message")
        self.assertEqual(parse.explain("gst-skip", 134, "first\nsecond\n", "120"), "exit 134: first")

    def test_framepipe(self):
        self.assertEqual(parse.explain("framepipe", 1, "framepipe: /dev/dri/card0: DRM master held\n", "120"),
                         "display or camera busy/held by another program (exit 1): framepipe: /dev/dri/card0: DRM master held")
        self.assertEqual(parse.explain("framepipe-display", 69, "framepipe: unsuitable\n", "120"),
                         "device busy or unsuitable (exit 69): framepipe: unsuitable")
        self.assertEqual(parse.explain("framepipe", 77, None, "120"),
                         "permission denied or DRM master held by another client (exit 77): no message")
        self.assertEqual(parse.explain("framepipe", 70, "noise\nan Error here\n", "120"), "exit 70: an Error here")


class SmallTests(unittest.TestCase):
    def test_tsv_line(self):
        self.assertEqual(parse.tsv_line("a\tb", "c\nd", 3, ""), "a b\tc d\t3\t\n")

    def test_has_bench(self):
        self.assertTrue(parse.has_bench("SUBCOMMANDS:\n  preview\n  bench                   Measures\n"))
        self.assertTrue(parse.has_bench("  bench\n"))
        self.assertFalse(parse.has_bench("  benchmark\nbench\n"))

    def test_gstreamer_version(self):
        self.assertEqual(parse.gstreamer_version("gst-launch-1.0 version 1.22.0\nGStreamer 1.22.0\nhttps://x\n"), "1.22.0")
        self.assertEqual(parse.gstreamer_version(""), "")

    def test_elapsed_label(self):
        self.assertEqual(parse.elapsed_label(12_345_678), "[  12.3 s]")
        self.assertEqual(parse.elapsed_label(99_999), "[   0.0 s]")
        self.assertEqual(parse.elapsed_label(12345_678_901), "[12345.6 s]")


if __name__ == "__main__":
    unittest.main()
