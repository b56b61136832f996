"""Output folders made up for the tests: meta.json, guest-info.tsv, plan.tsv,
runs.tsv and framepipe's reports, as the guest writes them, for several
kinds of run (before --memory, allocators, --syscalls with --copy, preview
mode, nothing recorded, nothing working, event loops under load and the
probe). The numbers come from a seeded generator, so a scenario is the same
folder every time. synthetic_trace() writes a probe trace in the kernel's
format with known wake-ups and vblanks."""

import json
import os
import random

RUNS_COLUMNS = ["size", "rate", "tool", "round", "kind", "frames", "status", "exitStatus", "wallSeconds",
                "userSeconds", "systemSeconds", "dir", "note", "memory", "memoryUsed", "syscalls", "contextSwitches"]
# runs.tsv of before --memory and --syscalls.
OLD_COLUMNS = RUNS_COLUMNS[:13]
# runs.tsv since --loops, --load and the probe.
LOOP_COLUMNS = RUNS_COLUMNS + ["loop", "load", "probed"]


def trace_line(task, pid, seconds, event, body, cpu=0, flags="....."):
    """One line of the probe's trace (ftrace's text format)."""
    sep = "" if body.startswith("(") else " " if body.startswith("->") else ": "
    return f"{task:>20}-{pid:<6} [{cpu:03d}] {flags} {seconds:12.6f}: {event}{sep}{body}"


def synthetic_trace(frames, vblank_ms=20.0, start=100.0, vblanks=None, extra=()):
    """A trace as trace-latency.sh writes it: a header, a vblank every
    vblank_ms from start (sequence 1000 on), and per frame (index, done
    seconds, wake-up ms, vblanks after the earliest feasible one): the
    driver's vb2_buf_done, the program's v4l2_dqbuf wake-up ms later (buffer
    timestamp 10 ms before done), its ATOMIC ioctl 0.2 ms after that, and
    the flip event delivered at the earliest vblank at least 1 ms after
    done, plus the frame's lateness; and the extra events (seconds, task,
    pid, event, body). Lines come in time order."""
    period = vblank_ms / 1000
    count = vblanks or int(((frames[-1][1] if frames else start) - start) / period) + 4
    events = [(start + k * period, "sh", 90, "drm_vblank_event",
               f"crtc=0, seq={1000 + k}, time={round((start + k * period) * 1e9)}, high-prec=true") for k in range(count)]
    for index, done, wake_ms, late in frames:
        dq = done + wake_ms / 1000
        earliest = -(-round((done + 0.001 - start) * 1e6) // round(period * 1e6))  # ceil, in whole microseconds
        shown = earliest + late
        events += [
            (done, "vivid-000-vid-c", 80, "vb2_buf_done",
             f"owner = 0000000096945984, queued = 3, owned_by_drv = 2, index = {index}, type = 1, bytesused = 1228800, timestamp = 0"),
            (dq, "framepipe-wait", 70, "v4l2_dqbuf",
             f"minor = 0, index = {index}, type = VIDEO_CAPTURE, bytesused = 1228800, flags = MAPPED, field = NONE, "
             f"timestamp = {round((done - 0.010) * 1e9)}, timecode = {{ type = 0x0, flags = , frames = 0 }}, sequence = 0"),
            (dq + 0.0002, "framepipe-wait", 70, "sys_ioctl", "(fd: 4, cmd: c03864bc, arg: 7ffe139038d8)"),
            (dq + 0.0003, "framepipe-wait", 70, "sys_ioctl", "-> 0x0"),
            (start + shown * period + 0.00001, "sh", 90, "drm_vblank_event_delivered", f"file=000000002985afda, crtc=0, seq={1000 + shown}"),
        ]
    events += list(extra)
    events.sort(key=lambda e: e[0])
    head = ["# tracer: nop", "#", f"# entries-in-buffer/entries-written: {len(events)}/{len(events)}   #P:2", "#"]
    return "\n".join(head + [trace_line(task, pid, t, name, body) for t, task, pid, name, body in events]) + "\n"


def probe_line(frames, share, p50=25.0, p90=45.0):
    """A line as the probe's latency.py prints it."""
    return (f"frames={frames} p50={p50:.2f}ms p90={p90:.2f}ms p99={p90 + 5:.2f}ms max={p90 + 9:.2f}ms mean={p50 + 2:.2f}ms"
            f" | limit p50=13.32 p99=36.26 | excess p50=0.00 p99=20.00 | on earliest vblank {share * 100:.1f}% | T=16.666ms\n")


def write_tsv(path, columns, rows):
    """A TSV file with a header."""
    with open(path, "w") as f:
        f.write("\t".join(columns) + "\n")
        for row in rows:
            f.write("\t".join(str(row.get(c, "")) for c in columns) + "\n")


def report(rng, shown, memory=None, copy=False, syscalls=False, allocations=None):
    """A framepipe bench report.json."""
    rep = {
        "frames": {"shown": shown, "dropped": rng.randint(0, 3)},
        "shownPerSecond": round(rng.uniform(24, 25.2), 3),
        "cpu": {"perShownFrameMilliseconds": round(rng.uniform(2, 5), 3)},
        "latencyMilliseconds": {"total": {k: round(v + rng.uniform(0, 2), 3) for k, v in
                                          (("p50", 14), ("p90", 21), ("p99", 25), ("max", 31))}},
        "earliestVblank": {"share": round(rng.uniform(0.8, 0.95), 4)},
    }
    if memory:
        rep["memory"] = memory
    if allocations is not None:
        rep["allocations"] = {"measured": True, "perFrameSteadyState": allocations}
    if syscalls:
        rep["eventLoop"] = {"systemCallsPerShownFrame": round(rng.uniform(17, 19), 2),
                            "contextSwitchesPerShownFrame": round(rng.uniform(2.5, 3.2), 3)}
    if copy:
        rep["latencyMilliseconds"]["conversion"] = {"p50": round(rng.uniform(13, 15), 3), "p90": 16.5, "p99": 18.25}
        rep["copy"] = {"converted": shown, "refused": 0, "superseded": rng.randint(0, 2),
                       "cpuNanoseconds": shown * rng.randint(13_000_000, 15_000_000)}
        rep["copyPath"] = "copy from YUYV (libyuv)"
    return rep


SCENARIOS = {
    # Before --memory, --syscalls and --copy: three tools, 13 columns, 3 rounds.
    "classic": dict(sizes=[("640x480@25", "640", "480", "25", "25/1", 50, 250, ""),
                           ("1280x720@12.5", "1280", "720", "12.5", "25/2", 25, 125,
                            "vivid offers at most 12.5 fps at 1280x720; frame counts scaled by 12.5/25")],
                    skipped=[("1920x1080@25", "1920", "1080", "vivid offers no XR24 at 1920x1080")],
                    memory=None, rounds=3, columns=OLD_COLUMNS, outlier=True, fail=("1280x720@12.5", "gst-default", 2, "long")),
    # Three allocators, one round, a run that used other memory than asked for.
    "memory": dict(sizes=[("640x480@25", "640", "480", "25", "25/1", 20, 60, "")],
                   memory=["camera", "display", "heap:linux,cma"], rounds=1, columns=RUNS_COLUMNS,
                   wrong_memory=("framepipe-display", 1, "short"), allocations=True),
    # --syscalls and --copy, two rounds, two sizes (the second without copy rows).
    "syscalls-copy": dict(sizes=[("640x480@25", "640", "480", "25", "25/1", 30, 130, ""),
                                 ("320x180@60", "320", "180", "60", "60/1", 20, 80,
                                  "copy rows skipped: vivid offers YUYV at 30 fps here, XR24 at 60")],
                          memory=["camera"], rounds=2, columns=RUNS_COLUMNS, syscalls=True, copy=True),
    # framepipe without bench: preview --json, its statistics on stdout.
    "preview": dict(sizes=[("640x480@25", "640", "480", "25", "25/1", 50, 250, "")],
                    memory=None, rounds=2, columns=OLD_COLUMNS, preview=True,
                    gst_problem="GStreamer element kmssink is missing"),
    # Every run failed; --syscalls and --copy asked for but nothing counted or copied.
    "all-failed": dict(sizes=[("640x480@25", "640", "480", "25", "25/1", 50, 250, "")],
                       memory=["camera", "display"], rounds=1, columns=RUNS_COLUMNS, all_fail=True,
                       meta_syscalls=True, meta_copy=True),
    # Three event loops (camera memory) and display memory, under --load 2 and
    # the probe, two rounds; the second round of framepipe-dispatch's long
    # run has a trace latency.py paired nothing in.
    "loops-probe": dict(sizes=[("640x480@25", "640", "480", "25", "25/1", 20, 60, "")],
                        memory=["camera", "display"], loops=["thread", "dispatch", "thread-rt"], load=2,
                        rounds=2, columns=LOOP_COLUMNS, syscalls=True, probe=True),
}

# loops-probe: each tool's wake-up (ms) and latency.py share per round.
PROBE_WAKEUP_MS = {"framepipe-thread": 0.4, "framepipe-dispatch": 0.9, "framepipe-thread-rt": 0.2,
                   "framepipe-display": 0.5, "gst-default": 0.6, "gst-skip": 0.5}
PROBE_SHARE = {"framepipe-thread": (0.95, 0.97), "framepipe-dispatch": (0.90, None), "framepipe-thread-rt": (0.99, 1.0),
               "framepipe-display": (0.96, 0.96), "gst-default": (0.5, 0.6), "gst-skip": (0.99, 0.99)}


def write_probe(d, tool, rnd, n):
    """A probed run's trace.txt (n frames, each woken PROBE_WAKEUP_MS after
    done, all on time) and probe.txt (PROBE_SHARE's share of the round)."""
    wake = PROBE_WAKEUP_MS[tool] * (1 + 0.5 * (rnd - 1))  # round 2 wakes half as late again
    frames = [(i % 4, 100.005 + i * 0.040, wake, 0) for i in range(n)]
    with open(os.path.join(d, "trace.txt"), "w") as f:
        f.write(synthetic_trace(frames))
    share = PROBE_SHARE[tool][rnd - 1]
    with open(os.path.join(d, "probe.txt"), "w") as f:
        f.write(probe_line(n, share) if share is not None else "no frames paired\n")


def build(out, name):
    """Writes scenario name into the folder out (which exists)."""
    sc = SCENARIOS[name]
    rng = random.Random(name)
    preview = sc.get("preview", False)
    memory = sc.get("memory")
    meta = {"commit": "abc1234", "dirty": name == "memory", "date": "2026-12-01 10:00:00 UTC",
            "rounds": sc["rounds"], "short": 50, "long": 250, "fps": 25.0, "runTimeout": 120,
            "build": "release", "framepipe": "/repo/.build/release/framepipe", "hostCPUs": 2,
            "hostLoadAtStart": "0.31 0.40 0.52", "otherGuestsAtStart": 1 if name == "classic" else 0,
            "sizes": [s[0].split("@")[0] for s in sc["sizes"]]}
    if memory:
        meta.update(memory=memory, syscalls=sc.get("syscalls", sc.get("meta_syscalls", False)),
                    copy=sc.get("copy", sc.get("meta_copy", False)))
    loops = sc.get("loops")
    if loops:
        meta.update(loops=loops, load=sc["load"], probe="auto", probeDir="/shared/tools/probe")
    if name != "preview":
        meta["hostLoadAtEnd"] = "0.90 0.60 0.55"
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    info = [("kernel", "6.1.0-28-amd64"), ("gstreamer", "" if sc.get("gst_problem") else "1.22.0"),
            ("gstreamerProblem", sc.get("gst_problem", "")),
            ("framepipeMode", "preview" if preview else "bench"), ("framepipe", meta["framepipe"]),
            ("syscallsCounted", "1" if sc.get("syscalls") else "0")]
    loop_of = {}
    if loops:
        tools, memory_of = [], []
        for m in memory:
            for loop in (loops if m == "camera" else loops[:1]):
                tool = f"framepipe-{loop}" if m == "camera" else "framepipe-" + m
                tools.append(tool)
                memory_of.append(m)
                loop_of[tool] = loop
        info += [("framepipeMemory", " ".join(memory)), ("framepipeTools", " ".join(tools)),
                 ("framepipeLoops", " ".join(loops)), ("framepipeMemorySupported", "1"),
                 ("probe", "/shared/tools/probe/trace-latency.sh"), ("load", str(sc["load"])), ("guestCPUs", "2")]
    elif memory:
        tools = ["framepipe" if m == "camera" else "framepipe-" + m.replace(":", "-").replace(",", "-") for m in memory]
        memory_of = memory
        info += [("framepipeMemory", " ".join(memory)), ("framepipeTools", " ".join(tools)),
                 ("framepipeMemorySupported", "1")]
    else:
        tools = ["framepipe"]
        memory_of = None
    if sc.get("copy"):
        info += [("copyFormat", "YUYV"), ("copyTools", "framepipe-copy gst-copy")]
    info.append(("timestampSource", "timestamp_source: 1"))
    write_tsv(os.path.join(out, "guest-info.tsv"), ["key", "value"], [dict(key=k, value=v) for k, v in info])
    plan = [dict(size=k, width=w, height=h, rate=r, rateFraction=fr, short=s, long=l, note=n)
            for k, w, h, r, fr, s, l, n in sc["sizes"]]
    plan += [dict(size=k, width=w, height=h, note=n) for k, w, h, n in sc.get("skipped", [])]
    write_tsv(os.path.join(out, "plan.tsv"), ["size", "width", "height", "rate", "rateFraction", "short", "long", "note"], plan)
    asked = dict(zip(tools, memory_of or ["camera"]))
    used_name = {"camera": "camera memory", "display": "display memory"}
    runs = []
    for key, _, _, rate, _, short, long, note in sc["sizes"]:
        all_tools = list(tools) + ([] if sc.get("gst_problem") else ["gst-default", "gst-skip"])
        if sc.get("copy") and "copy rows skipped" not in note:
            all_tools += ["framepipe-copy", "gst-copy"]
        for rnd in range(0, sc["rounds"] + 1):
            for tool in all_tools:
                for kind, n in ([("warmup", 60 if tool.startswith("framepipe") else 10)] if rnd == 0
                                else [("short", short), ("long", long)]):
                    d = os.path.join(out, "runs", key, f"{tool}-r{rnd}-{kind}")
                    os.makedirs(os.path.join(d, "report"), exist_ok=True)
                    fr = float(rate)
                    cost = {"framepipe-copy": 0.018, "gst-copy": 0.026}.get(tool, 0.002 if tool.startswith("gst") else 0.004)
                    wall = 0.8 + n / fr + rng.uniform(-0.05, 0.05)
                    user = 0.15 + n * cost * 0.6 + rng.uniform(0, 0.02)
                    system = 0.05 + n * cost * 0.4 + rng.uniform(0, 0.02)
                    if sc.get("outlier") and rnd == 2 and kind == "short" and tool == "gst-skip" and key == "640x480@25":
                        wall += 2.5
                    shown = n - (rng.randint(0, 2) if tool.startswith("framepipe") and kind == "long" else 0)
                    row = dict(size=key, rate=rate, tool=tool, round=rnd, kind=kind, frames=n, status="ok", exitStatus=0,
                               wallSeconds=f"{wall:.3f}", userSeconds=f"{user:.3f}", systemSeconds=f"{system:.3f}",
                               dir=d, note="")
                    if tool.startswith("framepipe"):
                        mem = "copy" if tool == "framepipe-copy" else asked.get(tool, "camera")
                        used = ("copy from YUYV (libyuv)" if mem == "copy" else used_name.get(mem, "heap " + mem[5:]))
                        if memory or tool == "framepipe-copy":
                            row.update(memory=mem, memoryUsed=used)
                        rep = report(rng, shown, memory=used if tool != "framepipe-display" else None,
                                     copy=tool == "framepipe-copy", syscalls=sc.get("syscalls", False),
                                     allocations=(0.0 if kind == "warmup" else None) if sc.get("allocations") else None)
                        if preview:
                            with open(os.path.join(d, "stdout"), "w") as f:
                                json.dump({"statistics": {"shown": shown}}, f)
                        else:
                            with open(os.path.join(d, "report", "report.json"), "w") as f:
                                json.dump(rep, f, indent=2)
                    if sc.get("syscalls"):
                        per = {"gst-skip": 7, "gst-default": 16, "gst-copy": 9}.get(tool, 18.6)
                        row.update(syscalls=int(300 + n * per + rng.randint(0, 30)),
                                   contextSwitches=int(40 + n * 3.1 + rng.randint(0, 5)))
                    if sc.get("fail") == (key, tool, rnd, kind) or sc.get("all_fail"):
                        row.update(status="failed", exitStatus=1, note="exit 1: ERROR: from element /GstPipeline:pipeline0")
                    if sc.get("wrong_memory") == (tool, rnd, kind):
                        row.update(status="failed", memoryUsed="camera memory",
                                   note="memory display asked for, but the run used camera memory")
                    if loops:
                        timed = kind != "warmup"
                        row.update(loop=loop_of.get(tool, ""), load=sc["load"] if timed else 0,
                                   probed=1 if timed and sc.get("probe") else 0)
                        if timed and sc.get("probe"):
                            write_probe(d, tool, rnd, n)
                    runs.append(row)
    write_tsv(os.path.join(out, "runs.tsv"), sc["columns"], runs)


def build_empty(out):
    """A folder where the guest never started: meta.json alone."""
    meta = {"commit": "abc1234", "dirty": False, "date": "2026-12-01 10:00:00 UTC", "rounds": 3, "short": 50,
            "long": 250, "fps": 25.0, "runTimeout": 120, "build": "release", "framepipe": "/x/framepipe",
            "hostCPUs": 2, "hostLoadAtStart": "0.10 0.20 0.30", "otherGuestsAtStart": 0,
            "memory": ["camera", "display"], "syscalls": False, "copy": False, "sizes": ["640x480", "1280x720"]}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
