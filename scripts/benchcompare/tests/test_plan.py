"""The runs to make (plan.py): rates, frame counts, configs, commands, quoting, the estimate."""

import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from benchcompare import plan as P  # noqa: E402

# v4l2-ctl --list-frameintervals output (vivid at 1280x720 offers 12.5 fps at most).
INTERVALS_720P = """ioctl: VIDIOC_ENUM_FRAMEINTERVALS
\tInterval: Discrete 0.080s (12.500 fps)
\tInterval: Discrete 0.100s (10.000 fps)
\tInterval: Discrete 0.200s (5.000 fps)
"""
INTERVALS_VGA = """ioctl: VIDIOC_ENUM_FRAMEINTERVALS
\tInterval: Discrete 0.017s (60.000 fps)
\tInterval: Discrete 0.020s (50.000 fps)
\tInterval: Discrete 0.033s (30.000 fps)
\tInterval: Discrete 0.040s (25.000 fps)
\tInterval: Discrete 0.067s (15.000 fps)
"""


class SpecTests(unittest.TestCase):
    def test_parse(self):
        s = P.parse_spec("640x480", "25")
        self.assertEqual((s.size, s.width, s.height, s.want, s.short, s.long), ("640x480", "640", "480", "25", "", ""))
        s = P.parse_spec("320x180@60:20:80", "25")
        self.assertEqual((s.size, s.want, s.short, s.long), ("320x180", "60", "20", "80"))
        s = P.parse_spec("1280x720:10:30", "12.5")
        self.assertEqual((s.size, s.want, s.short, s.long), ("1280x720", "12.5", "10", "30"))


class RateTests(unittest.TestCase):
    def test_frame_rates(self):
        self.assertEqual(P.frame_rates(INTERVALS_720P), ["12.500", "10.000", "5.000"])
        self.assertEqual(P.frame_rates("no such size\n"), [])

    def test_wanted_rate_offered(self):
        self.assertEqual(P.choose_rate(P.frame_rates(INTERVALS_VGA), "25"), ("25", "25/1"))
        self.assertEqual(P.choose_rate(P.frame_rates(INTERVALS_VGA), "60"), ("60", "60/1"))

    def test_highest_below(self):
        self.assertEqual(P.choose_rate(P.frame_rates(INTERVALS_720P), "25"), ("12.5", "25/2"))
        self.assertEqual(P.choose_rate(P.frame_rates(INTERVALS_VGA), "40"), ("30", "30/1"))
        self.assertEqual(P.choose_rate(["29.970"], "30"), ("29.97", "2997/100"))

    def test_lowest_when_all_above(self):
        self.assertEqual(P.choose_rate(P.frame_rates(INTERVALS_720P), "2"), ("5", "5/1"))

    def test_nothing_offered(self):
        self.assertIsNone(P.choose_rate([], "25"))

    def test_frame_counts(self):
        vga = P.parse_spec("640x480", "25")
        self.assertEqual(P.frame_counts(vga, "25", "25", 50, 250), (50, 250, ""))
        hd = P.parse_spec("1280x720", "25")
        self.assertEqual(P.frame_counts(hd, "12.5", "25", 50, 250), (25, 125, "frame counts scaled by 12.5/25"))
        # at least 10 frames, and the long run above the short one
        self.assertEqual(P.frame_counts(hd, "5", "25", 20, 30), (10, 20, "frame counts scaled by 5/25"))
        fast = P.parse_spec("320x180@60", "25")
        self.assertEqual(P.frame_counts(fast, "60", "25", 50, 250), (120, 600, "frame counts scaled by 60/25"))
        own = P.parse_spec("320x180@60:20:80", "25")
        self.assertEqual(P.frame_counts(own, "60", "25", 50, 250), (20, 80, ""))

    def test_join_note(self):
        self.assertEqual(P.join_note("", "b"), "b")
        self.assertEqual(P.join_note("a", "b"), "a; b")


class ConfigTests(unittest.TestCase):
    def test_camera_config(self):
        text = P.config_text("640", "480", "25", 250, "display")
        config = json.loads(text)
        self.assertEqual(config["source"], {"device": "/dev/video0", "format": "XR24", "width": 640, "height": 480,
                                            "frameRate": 25, "buffers": 4, "controls": {"timestamp_source": 1},
                                            "memory": "display"})
        self.assertEqual(config["sink"], {"card": "/dev/dri/card0", "plane": "auto"})
        self.assertEqual((config["policy"], config["frames"]), ("mailbox", 250))
        self.assertIn('"controls": { "timestamp_source": 1 },\n    "memory": "display"\n  },', text)

    def test_unpinned_config(self):
        config = json.loads(P.config_text("1280", "720", "12.5", 125))
        self.assertNotIn("memory", config["source"])
        self.assertEqual(config["source"]["frameRate"], 12.5)

    def test_copy_config(self):
        config = json.loads(P.copy_config_text("640", "480", "25", 130))
        self.assertEqual(config["source"]["format"], "YUYV")
        self.assertEqual(config["copy"], "allowed")
        self.assertNotIn("memory", config["source"])

    def test_config_names(self):
        self.assertEqual(P.config_name("640x480@25", "framepipe"), "640x480@25.json")
        self.assertEqual(P.config_name("640x480@25", "framepipe-heap-linux-cma"), "640x480@25-heap-linux-cma.json")
        self.assertEqual(P.config_name("640x480@25", "framepipe-copy"), "640x480@25-copy.json")

    def test_guest_tool(self):
        self.assertEqual(P.guest_tool("camera"), "framepipe")
        self.assertEqual(P.guest_tool("heap:linux,cma"), "framepipe-heap-linux-cma")
        self.assertEqual(P.guest_tool("auto"), "framepipe-auto")


class RowTests(unittest.TestCase):
    """The framepipe rows of --memory and --loops."""

    def rows(self, memory, loops):
        return [(r.tool, r.memory, r.loop) for r in P.framepipe_rows(memory, loops)]

    def test_camera_once_per_loop(self):
        self.assertEqual(self.rows(["camera", "display"], ["thread", "dispatch", "thread-rt"]), [
            ("framepipe-thread", "camera", "thread"), ("framepipe-dispatch", "camera", "dispatch"),
            ("framepipe-thread-rt", "camera", "thread-rt"), ("framepipe-display", "display", "thread")])

    def test_other_allocators_take_the_first_loop(self):
        self.assertEqual(self.rows(["heap:linux,cma", "camera"], ["dispatch", "thread"]), [
            ("framepipe-heap-linux-cma", "heap:linux,cma", "dispatch"),
            ("framepipe-dispatch", "camera", "dispatch"), ("framepipe-thread", "camera", "thread")])

    def test_without_loops_as_before(self):
        self.assertEqual(self.rows(["camera", "display"], []), [("framepipe", "camera", ""), ("framepipe-display", "display", "")])
        self.assertEqual(self.rows(["display"], ["thread", "dispatch"]), [("framepipe-display", "display", "thread")])

    def test_loop_flags(self):
        self.assertEqual(P.loop_flags("thread"), ["--event-loop", "thread"])
        self.assertEqual(P.loop_flags("dispatch"), ["--event-loop", "dispatch"])
        self.assertEqual(P.loop_flags("thread-rt"), ["--event-loop", "thread", "--realtime"])
        self.assertEqual(P.loop_flags(""), [])

    def test_config_per_row(self):
        self.assertEqual(P.config_name("640x480@25", "framepipe-thread-rt"), "640x480@25-thread-rt.json")


class CommandTests(unittest.TestCase):
    def test_framepipe_bench(self):
        self.assertEqual(P.framepipe_command("/fp", "bench", "/o/c.json", 60, "/o/r", warmup_counts=True, explain=True),
                         ["/fp", "bench", "--config", "/o/c.json", "--frames", "60", "--out", "/o/r",
                          "--count-allocations", "--warmup", "10", "--explain"])
        self.assertEqual(P.framepipe_command("/fp", "bench", "/o/c.json", 250, "/o/r"),
                         ["/fp", "bench", "--config", "/o/c.json", "--frames", "250", "--out", "/o/r"])
        self.assertEqual(P.framepipe_command("/fp", "bench", "/c", 20, "/r", explain=True, loop="thread-rt")[-4:],
                         ["--explain", "--event-loop", "thread", "--realtime"])

    def test_framepipe_preview(self):
        self.assertEqual(P.framepipe_command("/fp", "preview", "/c.json", 50, "/r", warmup_counts=True, explain=True),
                         ["/fp", "preview", "--config", "/c.json", "--frames", "50", "--json", "--explain"])

    def test_gstreamer(self):
        default = P.gstreamer_command("gst-default", 50, "640", "480", "25/1")
        self.assertEqual(" ".join(default), "gst-launch-1.0 -q v4l2src device=/dev/video0 io-mode=dmabuf num-buffers=50 ! "
                         "video/x-raw,format=BGRx,width=640,height=480,framerate=25/1 ! kmssink driver-name=vkms")
        self.assertEqual(P.gstreamer_command("gst-skip", 50, "640", "480", "25/1"), default + ["sync=false", "skip-vsync=true"])
        self.assertEqual(" ".join(P.gstreamer_command("gst-copy", 10, "640", "480", "25/1")),
                         "gst-launch-1.0 -q v4l2src device=/dev/video0 io-mode=mmap num-buffers=10 ! "
                         "video/x-raw,format=YUY2,width=640,height=480,framerate=25/1 ! videoconvert ! "
                         "video/x-raw,format=BGRx ! kmssink driver-name=vkms sync=false skip-vsync=true")

    def test_wrap(self):
        self.assertEqual(P.wrap(["tool", "a"], "120"), ["timeout", "-k", "5", "120", "tool", "a"])
        self.assertEqual(P.wrap(["tool"], 9, "/r/perf.txt"),
                         ["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter,context-switches", "-o", "/r/perf.txt",
                          "--", "sh", "-c", '"$@"; exit $?', "sh", "timeout", "-k", "5", "9", "tool"])


WORDS = ["video/x-raw,format=BGRx,width=640,height=480,framerate=25/1", "!", "a b", "it's", "", "~x", "a=~b", "a:~",
         "#a", "a#b", "x=y", "/dev/video0", '"$@"; exit $?', "-x,", "a%b", "a@b+c", "{a}", "é", "a\tb", "new\nline",
         "*?[]^`|&;<>()"]


class QuoteTests(unittest.TestCase):
    def test_examples(self):
        self.assertEqual(P.bash_quote("video/x-raw,format=BGRx"), "video/x-raw\\,format=BGRx")
        self.assertEqual(P.bash_quote("!"), "\\!")
        self.assertEqual(P.bash_quote(""), "''")
        self.assertEqual(P.bash_quote('"$@"; exit $?'), '\\"\\$@\\"\\;\\ exit\\ \\$\\?')
        self.assertEqual(P.bash_quote("a\tb"), "$'a\\tb'")

    @unittest.skipUnless(shutil.which("bash"), "no bash to compare with")
    def test_as_bash_printf_q(self):
        bash = subprocess.run(["bash", "-c", 'printf "%q\\0" "$@"', "bash"] + WORDS, stdout=subprocess.PIPE,
                              check=True, env={"LC_ALL": "C.UTF-8"}).stdout.decode().split("\0")[:-1]
        self.assertEqual([P.bash_quote(w) for w in WORDS], bash)

    def test_command_file(self):
        self.assertEqual(P.command_file(["a b", "c"]), "a\\ b c \n")
        self.assertEqual(P.command_file(["c"], ["timeout", "c"]), "c \n# run as: timeout c \n")


    def test_probe_wrap(self):
        inner = P.wrap(["tool"], 9)
        self.assertEqual(P.probe_wrap(inner, "/p/trace-latency.sh", "/r/trace.txt", "/r/time", "/py"),
                         ["sh", "/p/trace-latency.sh", "/r/trace.txt", "--", "/py", "-S", "-B", "-m", "benchcompare.timed", "/r/time", "--",
                          "timeout", "-k", "5", "9", "tool"])


class EstimateTests(unittest.TestCase):
    def test_one_size(self):
        # 640x480 at 25 fps: 4 tools × (2 + 10/25) + 3 rounds × 4 tools × (4 + 300/25) + 20
        self.assertEqual(P.estimate_seconds(["640x480"], "25", 3, 50, 250, 4), int(4 * 2.4 + 12 * 16 + 20))
        # the probe's 4 s per timed run: 24 more runs
        self.assertEqual(P.estimate_seconds(["640x480"], "25", 3, 50, 250, 4, 4), int(4 * 2.4 + 12 * 24 + 20))

    def test_sizes_rates_and_counts(self):
        # 1280x720: vivid ≈ 25 × 640×480 / (1280×720) = 8.33 fps; 320x180@60:20:80 own counts at 60 fps
        hd = 25 * 640 * 480 / (1280 * 720)
        expected = (2 * (2 + 10 / hd) + 1 * 2 * (4 + (10 * hd / 25 + 30 * hd / 25) / hd)
                    + 2 * (2 + 10 / 60) + 1 * 2 * (4 + 100 / 60))
        self.assertEqual(P.estimate_seconds(["1280x720", "320x180@60:20:80"], "25", 1, 10, 30, 2), int(expected + 20))


if __name__ == "__main__":
    unittest.main()
