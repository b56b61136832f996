"""The parts of table.md about event loops, load and the probe (report.py
puts them in): header lines, the probe's table per tool and which event
loop is faster. Folders of before --loops, --load and the probe have none
of them."""

from .judge import CRITERIA
from .plan import LOAD_COMMAND, loop_flags


def f(v, fmt, unit=""):
    """v formatted, with unit; an em dash for None."""
    return "—" if v is None else format(v, fmt) + unit


def percent(share):
    """A share (0..1) as '99.5 %', an em dash for None."""
    return "—" if share is None else f"{100 * share:.1f} %"


def load_of(a):
    """The folder's load (busy processes), None before --load."""
    load = a.folder.meta.get("load")
    return load if isinstance(load, int) else None


def load_words(a):
    """'load: 2 busy processes', 'no load' (for captions)."""
    load = load_of(a)
    if not load:
        return "no load"
    return f"load: {load} busy process" + ("" if load == 1 else "es")


def probed(a):
    """Whether some tool has the probe's figures."""
    return any("probeRuns" in m for m in a.summary.values())


def header_lines(a):
    """The lines about loops, load and the probe above the main table."""
    meta, info = a.folder.meta, a.folder.info
    if "loops" not in meta:
        return []
    L = []
    loop_rows = [(t, a.tools.loop_of.get(t)) for t in a.tools.fp_tools if a.tools.loop_of.get(t) and a.tools.asked.get(t) == "camera"]
    if loop_rows:
        others = [t for t in a.tools.fp_tools if a.tools.asked.get(t) not in (None, "camera")]
        L.append("- framepipe's event loops (`--loops`), camera memory: "
                 + "; ".join(f"`{t}` = `{' '.join(loop_flags(loop))}`" for t, loop in loop_rows)
                 + (f"; the other allocators ({', '.join(f'`{t}`' for t in others)}) with `{' '.join(loop_flags(a.tools.loop_of.get(others[0], '')))}`"
                    if others else ""))
    else:
        L.append(f"- framepipe's event loops: asked for ({' '.join(meta.get('loops') or [])}), but this framepipe has no "
                 "`--event-loop`: one camera-memory row, `framepipe`, with its own loop")
    load = load_of(a) or 0
    cpus = info.get("guestCPUs") or "?"
    if load:
        L.append(f"- **load: {load} busy process{'' if load == 1 else 'es'}** (`{LOAD_COMMAND[0]} {LOAD_COMMAND[1]} '{LOAD_COMMAND[2]}'`, "
                 f"pure CPU) on the guest's {cpus} CPUs during every timed run, every tool alike: started before the run, "
                 "killed after it; the untimed warm-ups run without")
    else:
        L.append(f"- load: none (`--load 0`; the guest has {cpus} CPUs)")
    if info.get("probe"):
        L.append(f"- probe: the kernel-tracepoint probe (`{info['probe']}` around every timed run, short and long, so that "
                 "its tracepoints cost the same per frame in both and CPU per frame carries them once; the tool's wall and CPU "
                 "are timed inside it, without the probe's set-up and trace copy; `latency.py` with its 1 ms margin, on the host): "
                 "on earliest vblank = shown on the first vblank at least 1 ms after `vb2_buf_done`; latency = buffer timestamp → vblank; "
                 "wake-up = `vb2:vb2_buf_done` of a buffer index → the `v4l2:v4l2_dqbuf` of that index (this program reads the trace); "
                 "long runs, medians over rounds")
    elif info.get("probeProblem"):
        L.append(f"- probe: **not run**: {info['probeProblem']}")
    else:
        L.append("- probe: not run (`--no-probe`, or no probe on the host)")
    return L


def probe_table(a):
    """Every tool as the probe judged it, beside framepipe's own figure."""
    if not probed(a):
        return []
    L = ["", f"Judged by the kernel-tracepoint probe ({load_words(a)}; long runs, medians over rounds). "
         "framepipe's own: its report.json's `earliestVblank.share`, to check against the probe's:", "",
         "| size@fps | tool | probed runs | frames | on earliest feasible vblank | framepipe's own | latency p50 / p90 ms | wake-up p50 / p90 ms | wake-ups |",
         "|---|---|---|---|---|---|---|---|---|"]
    for size in a.planned:
        for tool, label in a.tools.rows:
            m = a.summary.get((size, tool))
            if not m or "probeRuns" not in m:
                continue
            own = percent(m.get("earliestVblankShare")) if tool.startswith("framepipe") else "n/m"
            L.append(f"| {size} | {label} | {m['probeRuns']}/{m['longRunsOk']} | {f(m['probeFrames'], 'g')} | "
                     f"{percent(m['probeEarliestVblankShare'])} | {own} | "
                     f"{f(m['probeLatencyP50Ms'], '.2f')} / {f(m['probeLatencyP90Ms'], '.2f')} | "
                     f"{f(m['wakeupP50Ms'], '.2f')} / {f(m['wakeupP90Ms'], '.2f')} | {f(m['wakeups'], 'g')} |")
    problems = sorted({(size, tool, p) for (size, tool), m in a.summary.items() for p in m.get("probeProblems", [])})
    if problems:
        L.append("")
    for size, tool, problem in problems:
        L.append(f"- {size} {tool}: a probed run has no probe figures: {problem}")
    return L


def value_text(key, value):
    """A criterion's value as the table shows it."""
    if key.endswith("Share"):
        return percent(value)
    return f(value, ".2f", " ms")


def verdict_line(c):
    """Which loop is faster at a size, and by what."""
    labels = {key: label for key, label, _, _ in CRITERIA}
    if c["winner"] is None:
        return (f"- {c['size']}: **no loop is faster**: none is ahead of the others by more than one frame "
                f"(shares) or 10 % (times) on any criterion (tied: {', '.join(c['tied'])})")
    key = c["decidedBy"]
    figures = c["figures"]
    others = ", ".join(f"{value_text(key, figures[t][key])} ({t})" for t in c["loops"] if t != c["winner"])
    return (f"- {c['size']}: **{c['winner']} is faster**, by {labels[key]}: {value_text(key, figures[c['winner']][key])} "
            f"against {others}")


def loop_table(a):
    """The loops side by side per size, kmssink tuned beside them, and which is faster."""
    if not a.loop_comparison:
        return []
    syscalls = a.tools.syscalls_measured
    L = ["", f"Event loops (camera memory; {load_words(a)}): which is faster. The first of these on which one loop is ahead "
         "of the others by more than one frame (shares) or 10 % (times) decides: "
         + ", then ".join(label for _, label, _, _ in CRITERIA) + " (a criterion not measured for every loop is passed over):", "",
         "| size@fps | loop | on earliest feasible vblank (probe) | wake-up p50 / p90 ms | latency p50 / p90 ms (probe) | framepipe's own earliest vblank | CPU ms/frame |"
         + (" syscalls/frame | ctx sw/frame |" if syscalls else ""),
         "|---|---|---|---|---|---|---|" + ("---|---|" if syscalls else "")]
    for c in a.loop_comparison:
        for tool, fig in c["figures"].items():
            label = "kmssink tuned (gst-skip)" if tool == "gst-skip" else (f"**{tool}**" if tool == c["winner"] else tool)
            own = percent(fig["earliestVblankShare"]) if tool != "gst-skip" else "n/m"
            counts = f" {f(fig['syscallsPerFrame'], '.1f')} | {f(fig['contextSwitchesPerFrame'], '.2f')} |" if syscalls else ""
            L.append(f"| {c['size']} | {label} | {percent(fig['probeEarliestVblankShare'])} | "
                     f"{f(fig['wakeupP50Ms'], '.2f')} / {f(fig['wakeupP90Ms'], '.2f')} | "
                     f"{f(fig['probeLatencyP50Ms'], '.2f')} / {f(fig['probeLatencyP90Ms'], '.2f')} | {own} | "
                     f"{f(fig['cpuMsPerFrame'], '.2f')} |{counts}")
    L.append("")
    L += [verdict_line(c) for c in a.loop_comparison]
    rounds = a.folder.meta.get("rounds")
    if isinstance(rounds, int) and rounds < 3:
        L.append(f"- from {rounds} round{'' if rounds == 1 else 's'}: one disturbed run decides; "
                 "decide with `--rounds 3` or more (medians) on a quiet host")
    return L
