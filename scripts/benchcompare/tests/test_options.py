"""Option parsing and checking (options.py)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from benchcompare.options import (Options, UsageError, check, memory_tool, parse_args,  # noqa: E402
                                  parse_memory, split_memory)


def settings(*argv):
    """The checked Settings of a command line."""
    return check(parse_args(list(argv)))


class ParseArgsTests(unittest.TestCase):
    def test_defaults(self):
        o = parse_args([])
        self.assertEqual(o, Options())
        s = check(o)
        self.assertEqual((s.rounds, s.short, s.long, s.fps, s.run_timeout), (3, 50, 250, "25", 120))
        self.assertEqual(s.sizes, ["640x480", "1280x720"])
        self.assertEqual(s.memory, ["camera", "display"])
        self.assertEqual((s.loops, s.load, s.probe, s.probe_dir), (["thread", "dispatch"], 0, "auto", ""))
        self.assertTrue(s.release)
        self.assertFalse(s.syscalls or s.copy)
        self.assertEqual((s.out, s.framepipe), ("", ""))

    def test_every_value_option(self):
        o = parse_args(["--rounds", "1", "--short", "20", "--long", "60", "--sizes", "640x480 320x180@60",
                        "--fps", "30", "--memory", "camera heap", "--out", "x", "--run-timeout", "9",
                        "--framepipe", "/bin/fp", "--analyse", "dir"])
        self.assertEqual((o.rounds, o.short, o.long, o.sizes, o.fps, o.memory, o.out, o.run_timeout, o.framepipe, o.analyse),
                         ("1", "20", "60", "640x480 320x180@60", "30", "camera heap", "x", "9", "/bin/fp", "dir"))

    def test_loops_load_probe(self):
        o = parse_args(["--loops", "thread-rt,dispatch", "--load=2", "--probe-dir", "/p", "--no-probe"])
        self.assertEqual((o.loops, o.load, o.probe_dir, o.probe), ("thread-rt,dispatch", "2", "/p", "off"))
        self.assertEqual(parse_args(["--no-probe", "--probe"]).probe, "on")
        s = check(o)
        self.assertEqual((s.loops, s.load, s.probe, s.probe_dir), (["thread-rt", "dispatch"], 2, "off", "/p"))

    def test_equals_form(self):
        o = parse_args(["--rounds=2", "--sizes=640x480:10:30", "--memory=camera,display"])
        self.assertEqual((o.rounds, o.sizes, o.memory), ("2", "640x480:10:30", "camera,display"))

    def test_flags(self):
        o = parse_args(["--debug", "--syscalls", "--copy"])
        self.assertEqual((o.release, o.syscalls, o.copy), (False, True, True))
        self.assertTrue(parse_args(["--debug", "--release"]).release)

    def test_help_stops_parsing(self):
        self.assertTrue(parse_args(["--help", "--bogus"]).help)
        self.assertTrue(parse_args(["-h"]).help)

    def test_errors(self):
        for argv, message in ((["--rounds"], "--rounds needs a value"),
                              (["--bogus"], "unknown argument: --bogus (see --help)"),
                              (["extra"], "unknown argument: extra (see --help)"),
                              (["--copy=1"], "unknown argument: 1 (see --help)")):
            with self.subTest(argv=argv):
                with self.assertRaises(UsageError) as caught:
                    parse_args(argv)
                self.assertEqual(str(caught.exception), message)


class CheckTests(unittest.TestCase):
    def assertUsage(self, argv, message):
        with self.assertRaises(UsageError) as caught:
            settings(*argv)
        self.assertEqual(str(caught.exception), message)

    def test_numbers(self):
        self.assertUsage(["--rounds", "0"], "--rounds wants a positive integer, got: 0")
        self.assertUsage(["--short", "05"], "--short wants a positive integer, got: 05")
        self.assertUsage(["--long", "1e3"], "--long wants a positive integer, got: 1e3")
        self.assertUsage(["--run-timeout", "2.5"], "--run-timeout wants a positive number of seconds, got: 2.5")
        self.assertUsage(["--short", "60", "--long", "60"], "--long (60) must be larger than --short (60)")
        self.assertUsage(["--fps", "0"], "--fps wants a positive number, got: 0")
        self.assertUsage(["--fps", "-5"], "--fps wants a positive number, got: -5")
        self.assertUsage(["--fps", "25\n"], "--fps wants a positive number, got: 25\n")
        self.assertEqual(settings("--fps", "12.5").fps, "12.5")

    def test_first_problem_wins(self):
        self.assertUsage(["--rounds", "x", "--short", "y"], "--rounds wants a positive integer, got: x")

    def test_sizes(self):
        self.assertEqual(settings("--sizes", " 640x480\t320x180@60:20:60 ").sizes, ["640x480", "320x180@60:20:60"])
        self.assertEqual(settings("--sizes", "1280x720@12.5").sizes, ["1280x720@12.5"])
        self.assertUsage(["--sizes", " "], "--sizes is empty")
        for bad in ("640*480", "0x480", "640x480@", "640x480:20", "640x480@25:20:30:40", "640x480@-1"):
            self.assertUsage(["--sizes", bad], f"bad size '{bad}': want WIDTHxHEIGHT[@FPS][:SHORT:LONG]")
        self.assertUsage(["--sizes", "640x480:60:60"], "size '640x480:60:60': the long count must be larger than the short one")

    def test_memory(self):
        self.assertEqual(settings("--memory", "camera, display,heap:system auto").memory,
                         ["camera", "display", "heap:system", "auto"])
        self.assertUsage(["--memory", ""], "--memory is empty")
        self.assertUsage(["--memory", " , "], "--memory is empty")
        self.assertUsage(["--memory", "dumb"], "bad --memory entry 'dumb': want camera, display, heap, heap:NAME or auto")
        self.assertUsage(["--memory", "heap:"], "bad --memory entry 'heap:': want camera, display, heap, heap:NAME (NAME of [A-Za-z0-9._,@+-]) or auto")
        self.assertUsage(["--memory", "heap:a/b"], "bad --memory entry 'heap:a/b': want camera, display, heap, heap:NAME (NAME of [A-Za-z0-9._,@+-]) or auto")
        self.assertUsage(["--memory", "camera camera"], "--memory lists camera twice")
        self.assertUsage(["--memory", "heap:a,b heap:a@b"], "--memory lists heap:a@b and heap:a,b, which would both be tool framepipe-heap-a-b")


    def test_loops(self):
        self.assertEqual(settings("--loops", " dispatch, thread thread-rt ").loops, ["dispatch", "thread", "thread-rt"])
        self.assertEqual(settings("--loops", "thread").loops, ["thread"])
        self.assertUsage(["--loops", " , "], "--loops is empty")
        self.assertUsage(["--loops", "epoll"], "bad --loops entry 'epoll': want thread, dispatch, thread-rt")
        self.assertUsage(["--loops", "thread,THREAD"], "bad --loops entry 'THREAD': want thread, dispatch, thread-rt")
        self.assertUsage(["--loops", "thread thread"], "--loops lists thread twice")
        self.assertUsage(["--loops", "thread dispatch-rt"], "bad --loops entry 'dispatch-rt': --realtime raises the waiter "
                         "thread's priority, which only the thread loop has")

    def test_load(self):
        self.assertEqual(settings("--load", "0").load, 0)
        self.assertEqual(settings("--load", "12").load, 12)
        for bad in ("-1", "x", "02", "1.5", "", "1000"):
            self.assertUsage(["--load", bad], f"--load wants a number of busy processes (0 to 999), got: {bad}")


class MemoryTests(unittest.TestCase):
    def test_split_keeps_commas_of_heap_names(self):
        self.assertEqual(split_memory("camera,heap:linux,cma"), ["camera", "heap:linux,cma"])
        self.assertEqual(split_memory("camera,heap:linux,cma,display"), ["camera", "heap:linux,cma", "display"])
        self.assertEqual(split_memory("heap:a,,b"), ["heap:a,b"])
        self.assertEqual(split_memory("heap:system, camera"), ["heap:system", "camera"])
        self.assertEqual(split_memory("heap:x,"), ["heap:x"])
        self.assertEqual(split_memory(""), [])

    def test_split_rejects_a_stray_word(self):
        with self.assertRaises(UsageError):
            split_memory("camera,cma")

    def test_parse(self):
        self.assertEqual(parse_memory("heap:linux,cma"), ["heap:linux,cma"])

    def test_tool_names(self):
        self.assertEqual([memory_tool(m) for m in ("camera", "display", "heap", "heap:system", "heap:linux,cma", "heap:a@b+c", "auto")],
                         ["framepipe", "framepipe-display", "framepipe-heap", "framepipe-heap-system",
                          "framepipe-heap-linux-cma", "framepipe-heap-a-b-c", "framepipe-auto"])


if __name__ == "__main__":
    unittest.main()
