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
                       "--release", "--debug", "--framepipe", "--syscalls", "--copy", "--analyse",
                       "--loops", "--load", "--probe", "--no-probe", "--probe-dir"):
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
                                   "--framepipe", "/fp", "--memory", "camera heap:a,b", "--run-timeout", "120",
                                   "--loops", "thread dispatch", "--load", "0", "--copy",
                                   "--", "640x480", "320x180@60"])

    def test_guest_reads_the_guest_command(self):
        from benchcompare import guest
        from benchcompare.options import check, parse_args
        s = check(parse_args(["--loops", "thread-rt,dispatch", "--load", "2", "--memory", "camera"]))
        opts, sizes = guest.parse_guest_args(cli.guest_command(s, "/o", "/fp", "/probe")[4:])
        self.assertEqual((opts["--loops"], opts["--load"], opts["--probe"], opts["--probe-dir"], sizes),
                         ("thread-rt dispatch", "2", "auto", "/probe", ["640x480", "1280x720"]))
        s = check(parse_args(["--probe"]))
        opts, _ = guest.parse_guest_args(cli.guest_command(s, "/o", "/fp", "/probe")[4:])
        self.assertEqual(opts["--probe"], "on")
        opts, _ = guest.parse_guest_args(cli.guest_command(s, "/o", "/fp", None)[4:])
        self.assertEqual(opts["--probe"], "off")

    def test_probe_dir(self):
        from benchcompare.options import check, parse_args
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(cli.probe_dir_of(check(parse_args(["--no-probe", "--probe-dir", d]))), None)
            with self.assertRaises(cli.UsageError) as caught:
                cli.probe_dir_of(check(parse_args(["--probe", "--probe-dir", d])))
            self.assertEqual(str(caught.exception), f"--probe: no trace-latency.sh, latency.py in {os.path.realpath(d)} (see --probe-dir)")
            with redirect_stderr(io.StringIO()) as err:
                self.assertIsNone(cli.probe_dir_of(check(parse_args(["--probe-dir", d]))))
            self.assertIn("warning: no probe (trace-latency.sh, latency.py missing in", err.getvalue())
            for name in cli.PROBE_FILES:
                open(os.path.join(d, name), "w").close()
            self.assertEqual(cli.probe_dir_of(check(parse_args(["--probe", "--probe-dir", d]))), os.path.realpath(d))

    def test_default_probe_is_beside_the_repository(self):
        self.assertEqual(cli.PROBE_DIR, os.path.join(os.path.dirname(cli.REPO), "shared", "tools", "probe"))

    def test_script(self):
        result = subprocess.run([sys.executable, SCRIPT, "--sizes", "640"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, b"bench-compare: error: bad size '640': want WIDTHxHEIGHT[@FPS][:SHORT:LONG]\n")


if __name__ == "__main__":
    unittest.main()
