"""The command line of scripts/bench-compare end to end, without the lab:
usage errors, --help, --analyse of a folder that is none."""

import io
import os
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))

from benchcompare import cli  # noqa: E402
from benchcompare.options import HELP  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "bench-compare")


def run_main(*argv):
    """(status, stdout, stderr) of cli.main, the working directory kept."""
    cwd = os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = cli.main(list(argv))
    finally:
        os.chdir(cwd)
    return status, out.getvalue(), err.getvalue()


class CliTests(unittest.TestCase):
    def test_help(self):
        status, out, _ = run_main("--help")
        self.assertEqual((status, out), (0, HELP))
        for option in ("--rounds", "--short", "--long", "--sizes", "--fps", "--memory", "--out", "--run-timeout",
                       "--release", "--debug", "--framepipe", "--syscalls", "--copy", "--analyse"):
            self.assertIn(f"  {option} ", HELP)

    def test_usage_errors_exit_2_before_any_work(self):
        for argv, message in ((["--bogus"], "unknown argument: --bogus (see --help)"),
                              (["--long", "10", "--short", "20"], "--long (10) must be larger than --short (20)"),
                              (["--memory", "camera,cma"], "bad --memory entry 'cma': want camera, display, heap, heap:NAME or auto")):
            with self.subTest(argv=argv):
                self.assertEqual(run_main(*argv), (2, "", f"bench-compare: error: {message}\n"))

    def test_analyse_needs_an_output_folder(self):
        with tempfile.TemporaryDirectory() as empty:
            status, out, err = run_main("--analyse", empty)
        self.assertEqual((status, out), (2, ""))
        self.assertEqual(err, f"bench-compare: error: {empty} has no runs.tsv: not a bench-compare output folder\n")

    def test_analyse_skips_the_other_checks(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "meta.json"), "w") as f:
                f.write("{}")
            status, out, _ = run_main("--rounds", "x", "--analyse", folder)
            self.assertEqual(status, 0)
            self.assertTrue(out.startswith("# framepipe vs GStreamer"))
            self.assertTrue(os.path.exists(os.path.join(folder, "results.json")))

    def test_guest_command(self):
        from benchcompare.options import check, parse_args
        s = check(parse_args(["--rounds", "1", "--sizes", "640x480 320x180@60", "--memory", "camera,heap:a,b", "--copy"]))
        cmd = cli.guest_command(s, "/o", "/fp")
        self.assertEqual(cmd[1:4], ["-B", "-m", "benchcompare.guest"])
        self.assertEqual(cmd[4:], ["--out", "/o", "--rounds", "1", "--fps", "25", "--short", "50", "--long", "250",
                                   "--framepipe", "/fp", "--memory", "camera heap:a,b", "--run-timeout", "120", "--copy",
                                   "--", "640x480", "320x180@60"])

    def test_script(self):
        result = subprocess.run([sys.executable, SCRIPT, "--sizes", "640"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, b"bench-compare: error: bad size '640': want WIDTHxHEIGHT[@FPS][:SHORT:LONG]\n")


if __name__ == "__main__":
    unittest.main()
