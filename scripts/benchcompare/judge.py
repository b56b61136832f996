"""The probe's figures per tool, and which event loop is faster (pure but
for read_probe, which reads a run's files).

Each probed run's folder has trace.txt (the probe's trace-latency.sh) and
probe.txt (the probe's latency.py on it, run on the host by cli.py). A long
run's figures are latency.py's (share of frames on the earliest feasible
vblank, latency percentiles) and the wake-up latencies read from the trace
(trace.py); a tool's are their medians over the rounds.

The faster loop at a size: among the camera-memory rows of --loops, the
first criterion of CRITERIA on which one loop is ahead of every other by
more than the tolerance decides; loops within the tolerance of the best go
on to the next criterion. A criterion some loop has no figure for is
passed over. When none decides, the loops are tied.
"""

import os
import statistics

from . import trace

# (summary key, what it is, whether higher is better, tolerance kind): a
# share is ahead by more than one frame of the runs (1 / frames); a time by
# more than 10 % of the larger.
CRITERIA = (
    ("probeEarliestVblankShare", "frames on the earliest feasible vblank (probe)", True, "frame"),
    ("wakeupP90Ms", "wake-up p90 (buffer done → DQBUF)", False, "relative"),
    ("probeLatencyP50Ms", "latency p50 (probe)", False, "relative"),
    ("earliestVblankShare", "frames on the earliest vblank (framepipe's own report)", True, "frame"),
    ("latency_p50", "latency p50 (framepipe's own report)", False, "relative"),
)
RELATIVE_TOLERANCE = 0.10


def read_text(path):
    """A file's text, None if it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def read_probe(directory):
    """A probed run's figures: {"figures": latency.py's (None with
    "problem" saying why), "wakeups", "wakeupP50Ms", ...}; None when the run
    has no trace.txt (not probed)."""
    trace_text = read_text(os.path.join(directory, "trace.txt"))
    if trace_text is None:
        return None
    probe_text = read_text(os.path.join(directory, "probe.txt"))
    result = {"figures": trace.probe_figures(probe_text)}
    if result["figures"] is None:
        result["problem"] = ("the probe's latency.py was not run on the trace" if probe_text is None
                             else "latency.py: " + trace.probe_problem(probe_text))
    result.update(trace.wakeup_summary(trace_text))
    return result


def median_of(values):
    """The median of the numbers among values, None if there are none."""
    values = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(values) if values else None


def add_probe_figures(m, ok_long):
    """The probe's figures of a tool's long runs into its summary m, medians
    over the rounds (nothing when no long run was probed): probeRuns (runs
    with latency.py figures), probeFrames, probeEarliestVblankShare,
    probeLatencyP50Ms/P90Ms/P99Ms, wakeups, wakeupP50Ms/P90Ms/P99Ms, and
    probeProblems (why a probed run has no latency.py figures)."""
    probes = [r["probe"] for r in ok_long if r.get("probe")]
    if not probes:
        return
    figures = [p["figures"] for p in probes if p.get("figures")]
    m["probeRuns"] = len(figures)
    m["probeFrames"] = median_of([f["frames"] for f in figures])
    m["probeEarliestVblankShare"] = median_of([f["share"] for f in figures])
    for key in ("p50", "p90", "p99"):
        m[f"probeLatency{key.upper()}Ms"] = median_of([f[key] for f in figures])
    m["wakeups"] = median_of([p["wakeups"] for p in probes])
    for key in ("P50", "P90", "P99"):
        m[f"wakeup{key}Ms"] = median_of([p[f"wakeup{key}Ms"] for p in probes])
    m["probeProblems"] = [p["problem"] for p in probes if p.get("problem")]


def frames_of(m, key):
    """The frames a share of m was counted over: the probe's frames for its
    share, the long runs' shown frames for framepipe's own."""
    if key.startswith("probe"):
        return m.get("probeFrames")
    return (m.get("long") or {}).get("frames")


def within(value, best, higher, tolerance):
    """Whether value is within tolerance of the best one (a share exactly one
    frame behind is, whatever the float rounding: 0.995 − 0.990 > 1/200)."""
    return (best - value if higher else value - best) <= tolerance * (1 + 1e-9)


def tolerance_of(kind, candidates, key, best):
    """The tolerance of a criterion: one frame of the fewest frames counted
    (a share), or 10 % of the best value (a time)."""
    if kind == "frame":
        frames = [frames_of(m, key) for _, m in candidates]
        frames = [n for n in frames if n]
        return 1 / min(frames) if frames else 0.01
    return RELATIVE_TOLERANCE * abs(best)


def decide(candidates):
    """(winner tool or None, the key that decided or None, the tools still
    tied) among candidates, [(tool, summary)], by CRITERIA."""
    remaining = list(candidates)
    for key, _, higher, kind in CRITERIA:
        values = [m.get(key) for _, m in remaining]
        if len(remaining) < 2 or any(v is None for v in values):
            continue
        best = max(values) if higher else min(values)
        tolerance = tolerance_of(kind, remaining, key, best)
        kept = [(t, m) for t, m in remaining if within(m[key], best, higher, tolerance)]
        if len(kept) == 1:
            return kept[0][0], key, []
        remaining = kept
    return None, None, [t for t, _ in remaining]


FIGURES = ("probeEarliestVblankShare", "probeLatencyP50Ms", "probeLatencyP90Ms", "wakeupP50Ms", "wakeupP90Ms",
           "earliestVblankShare", "latency_p50", "fps", "cpuMsPerFrame", "syscallsPerFrame", "contextSwitchesPerFrame")


def loop_comparison_of(planned, summary, tools):
    """Per size with two or more loop rows (camera memory, one per entry of
    --loops): the loops' figures, the faster one and why, and kmssink
    tuned's (gst-skip) figures beside them."""
    loop_tools = [t for t in tools.fp_tools if tools.loop_of.get(t) and tools.asked.get(t) == "camera"]
    comparison = []
    for size in planned:
        candidates = [(t, summary[(size, t)]) for t in loop_tools if (size, t) in summary]
        if len(candidates) < 2:
            continue
        winner, key, tied = decide(candidates)
        entry = {"size": size, "loops": [t for t, _ in candidates], "winner": winner, "decidedBy": key, "tied": tied,
                 "figures": {t: {k: m.get(k) for k in FIGURES} for t, m in candidates}}
        g = summary.get((size, "gst-skip"))
        if g:
            entry["figures"]["gst-skip"] = {k: g.get(k) for k in FIGURES}
        comparison.append(entry)
    return comparison
