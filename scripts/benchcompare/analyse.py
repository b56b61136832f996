"""The analysis (host side): from an output folder's raw files to the numbers.

load() reads meta.json, guest-info.tsv, plan.tsv, runs.tsv and framepipe's
reports; analyse() derives, per size and tool, the medians over the rounds,
fps and CPU per frame from the long and the short run (start-up cancels),
the ratios against GStreamer, each allocator against camera memory and the
copy path against videoconvert; with the probe its figures per tool and
which event loop is faster (judge.py). report.py renders them (table.md,
results.json). Output folders of earlier versions (before --memory,
--syscalls, --copy, --loops, --load, the probe) read as before.
"""

import json
import os
import statistics
from collections import Counter
from dataclasses import dataclass, field

from . import judge
from .plan import framepipe_rows

# --syscalls: perf stat's counts per run (runs.tsv columns) and their per-frame names.
COUNTS = (("syscalls", "syscallsPerFrame"), ("contextSwitches", "contextSwitchesPerFrame"))
# --copy's tools: framepipe's copy path and GStreamer's videoconvert, on the
# camera in YUYV. They are rows of their own, never in the zero-copy ratios.
COPY_FP, COPY_GST = "framepipe-copy", "gst-copy"
COPY_GST_FORMAT = {"YUYV": "YUY2"}  # V4L2 fourcc → GStreamer format
GSTREAMER_TOOLS = (
    ("gst-default", "GStreamer kmssink (default)"),
    ("gst-skip", "GStreamer kmssink sync=false skip-vsync=true"),
)


# ---- reading -------------------------------------------------------------------

def parse_tsv(text):
    """Rows of a TSV text with a header line, as dicts (a short row has fewer keys)."""
    lines = text.splitlines()
    if not lines:
        return []
    head = lines[0].split("\t")
    return [dict(zip(head, line.split("\t"))) for line in lines[1:] if line]


def read_tsv(path):
    """parse_tsv of a file; [] if it does not exist."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        return parse_tsv(f.read())


def num(x):
    """x as a float, None if it is none."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def median(values):
    """The median of the numbers among values, None if there are none."""
    values = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(values) if values else None


def dig(d, *keys):
    """The number at d[k1][k2]..., None if a level is missing or it is no number."""
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d if isinstance(d, (int, float)) else None


def diff(a, b):
    """a − b, None if either is None."""
    return None if a is None or b is None else a - b


def cpu_of(run):
    """User + system seconds of a run (a missing one counts 0)."""
    return (num(run["userSeconds"]) or 0) + (num(run["systemSeconds"]) or 0)


def shown(run, rep):
    """Frames a run showed: its report's frames.shown (statistics.shown for
    preview --json), else the frames it asked for."""
    if rep:
        frames = rep.get("frames") or rep.get("statistics") or {}
        if isinstance(frames.get("shown"), (int, float)):
            return frames["shown"]
    return int(run["frames"])


def report_path(run, mode):
    """Where a framepipe run's report is: report/report.json (bench) or stdout (preview --json)."""
    if mode == "bench":
        return os.path.join(run["dir"], "report", "report.json")
    return os.path.join(run["dir"], "stdout")


def read_report(run, mode):
    """A framepipe run's report as a dict, None for other tools or when unreadable."""
    if not run.get("tool", "").startswith("framepipe"):
        return None
    try:
        with open(report_path(run, mode)) as f:
            return flatten_report(json.load(f))
    except (OSError, ValueError):
        return None


def flatten_report(rep):
    """A report in the layout the analysis reads: one camera's fields at the
    top. framepipe's report.json schema 2 (and preview --json since the one
    runtime) keeps them per camera, in "cameras" (bench: memory under
    "setup", the copy path as {path, statistics}) or "sources" (preview);
    the first camera's are lifted, the run's own fields stay. Schema 1
    reports are returned as they are."""
    if not isinstance(rep, dict):
        return rep
    cameras = rep.get("cameras") or rep.get("sources")
    if not isinstance(cameras, list) or not cameras or not isinstance(cameras[0], dict):
        return rep
    first = dict(cameras[0])
    setup = first.pop("setup", None)
    if isinstance(setup, dict):
        first.update({k: v for k, v in setup.items() if k not in first})
    copy = first.get("copy") if "copy" in first else first.get("copyPath")
    if isinstance(copy, dict):
        first["copyPath"] = copy.get("path")
        first["copy"] = copy.get("statistics")
    flat = {k: v for k, v in rep.items() if k not in ("cameras", "sources")}
    flat.update({k: v for k, v in first.items() if k not in flat})
    return flat


@dataclass
class Folder:
    """What an output folder holds: meta.json, guest-info.tsv, plan.tsv and
    runs.tsv (each run with "shown" and, in bench mode, "report" added)."""
    out: str
    meta: dict
    info: dict
    plan: list
    runs: list
    mode: str


def load(out):
    """The Folder at out; missing files read as empty."""
    try:
        with open(os.path.join(out, "meta.json")) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        meta = {}
    info = {r.get("key"): r.get("value", "") for r in read_tsv(os.path.join(out, "guest-info.tsv"))}
    plan = read_tsv(os.path.join(out, "plan.tsv"))
    runs = read_tsv(os.path.join(out, "runs.tsv"))
    mode = info.get("framepipeMode", "bench")
    for run in runs:
        rep = read_report(run, mode)
        run["shown"] = shown(run, rep) if run.get("status") == "ok" else None
        run["report"] = rep if mode == "bench" else None
        if run.get("kind") == "long" and run.get("status") == "ok":
            probe = judge.read_probe(run.get("dir", ""))
            if probe is not None:
                run["probe"] = probe
    return Folder(out, meta, info, plan, runs, mode)


# ---- the tools -------------------------------------------------------------------

@dataclass
class Tools:
    """The rows of the tables and what the runs recorded."""
    fp_tools: list          # one framepipe tool per allocator, in --memory's order
    copy_tools: list        # framepipe-copy and gst-copy, those that ran
    own_tools: list         # framepipe rows with a report: the allocators, then the copy
    rows: list              # (tool, label) in table order
    asked: dict             # tool → the memory it asked for
    loop_of: dict           # tool → its event loop ("" framepipe's own; none before --loops)
    camera_tool: str        # the camera-memory row the other allocators are compared with
    memory_recorded: bool   # runs.tsv has the memory columns
    syscalls_measured: bool  # some run has perf's counts
    copy_asked: bool
    copy_format: str

    @property
    def label(self):
        """tool → its label in the tables."""
        return dict(self.rows)


def tools_of(meta, info, runs):
    """The Tools of a folder's meta.json, guest-info.tsv and runs. An output
    of before --memory has "framepipe" alone (camera memory, not pinned);
    since --loops, camera memory has a row per loop (plan.framepipe_rows),
    with the loops the guest ran (guest-info.tsv framepipeLoops: none for a
    framepipe without --event-loop)."""
    copy_tools = [t for t in (COPY_FP, COPY_GST) if any(r.get("tool") == t for r in runs)]
    copy_format = info.get("copyFormat") or "YUYV"
    loops = (info["framepipeLoops"] if "framepipeLoops" in info else " ".join(meta.get("loops") or [])).split()
    planned_rows = framepipe_rows(meta.get("memory") or [], loops)
    fp_tools = []
    for t in [row.tool for row in planned_rows] + [r.get("tool", "") for r in runs]:
        if t.startswith("framepipe") and t != COPY_FP and t not in fp_tools:
            fp_tools.append(t)
    fp_tools = fp_tools or ["framepipe"]
    own_tools = fp_tools + [t for t in copy_tools if t == COPY_FP]
    memory_recorded = any("memory" in r for r in runs)
    asked = {row.tool: row.memory for row in planned_rows}
    loop_of = {row.tool: row.loop for row in planned_rows}
    syscalls_measured = any(num(r.get(key)) is not None for r in runs for key, _ in COUNTS)
    for r in runs:
        if r.get("memory"):
            asked.setdefault(r["tool"], r["memory"])
    rows = [(t, t) for t in fp_tools] + list(GSTREAMER_TOOLS) + [t for t in [
        (COPY_FP, f"framepipe-copy ({copy_format}, libyuv)"),
        (COPY_GST, f"GStreamer {COPY_GST_FORMAT.get(copy_format, copy_format)} videoconvert, kmssink sync=false skip-vsync=true"),
    ] if t[0] in copy_tools]
    for r in runs:
        if r.get("loop"):
            loop_of.setdefault(r["tool"], r["loop"])
    camera_tool = next((row.tool for row in planned_rows if row.memory == "camera" and row.loop == (loops[0] if loops else "")),
                       "framepipe")
    return Tools(fp_tools=fp_tools, copy_tools=copy_tools, own_tools=own_tools, rows=rows, asked=asked,
                 loop_of=loop_of, camera_tool=camera_tool,
                 memory_recorded=memory_recorded, syscalls_measured=syscalls_measured,
                 copy_asked=bool(meta.get("copy")), copy_format=copy_format)


# ---- long minus short ----------------------------------------------------------------

def long_minus_short(frames_short, frames_long, wall_short, wall_long):
    """fps = (N_long − N_short) / (wall_long − wall_short), None when there is
    no usable difference (a value missing, fewer frames or less time in the long run)."""
    if None in (frames_short, frames_long, wall_short, wall_long):
        return None
    if frames_long <= frames_short or wall_long <= wall_short:
        return None
    return (frames_long - frames_short) / (wall_long - wall_short)


def per_frame(count_short, count_long, frames_short, frames_long):
    """(count_long − count_short) / (N_long − N_short), None if a count is missing."""
    if count_short is None or count_long is None:
        return None
    return (count_long - count_short) / (frames_long - frames_short)


def round_entry(size, tool, rnd, pair, syscalls_measured):
    """One round's own difference of a tool at a size (kept in results.json)."""
    entry = {"size": size, "tool": tool, "round": rnd, "ok": False}
    s, l = pair.get("short"), pair.get("long")
    if not s or not l or s["status"] != "ok" or l["status"] != "ok":
        entry["reason"] = "the short or the long run failed"
        return entry
    ns, nl = s["shown"], l["shown"]
    ws, wl = num(s["wallSeconds"]), num(l["wallSeconds"])
    if ws is None or wl is None or nl <= ns or wl <= ws:
        entry["reason"] = f"no usable difference (frames {ns}->{nl}, wall {ws}->{wl} s)"
        return entry
    fps = (nl - ns) / (wl - ws)
    entry.update(ok=True, fps=fps, cpuMsPerFrame=(cpu_of(l) - cpu_of(s)) / (nl - ns) * 1000)
    if syscalls_measured:
        for key, name in COUNTS:
            entry[name] = per_frame(num(s.get(key)), num(l.get(key)), ns, nl)
    return entry


def rounds_of(runs, syscalls_measured):
    """Each round's own difference, per size, tool and round (sorted)."""
    pairs = {}
    for run in runs:
        if run.get("kind") in ("short", "long"):
            pairs.setdefault((run["size"], run["tool"], int(run["round"])), {})[run["kind"]] = run
    return [round_entry(size, tool, rnd, pair, syscalls_measured) for (size, tool, rnd), pair in sorted(pairs.items())]


def disturbed(value, median_value):
    """Whether a run's wall or CPU seconds are far off the median of its kind:
    more than max(0.3 s, 20 %) above it."""
    return value > median_value + max(0.3, 0.2 * median_value)


# ---- the summary of a tool at a size ----------------------------------------------------

def kind_medians(ok_runs, syscalls_measured):
    """Medians over the rounds of one kind (short or long): frames, wall and CPU seconds (and counts)."""
    m = {"frames": median([r["shown"] for r in ok_runs]),
         "wallSeconds": median([num(r["wallSeconds"]) for r in ok_runs]),
         "cpuSeconds": median([cpu_of(r) for r in ok_runs])}
    if syscalls_measured:
        for key, _ in COUNTS:
            m[key] = median([num(r.get(key)) for r in ok_runs])
    return m


def outliers_of(size, label, kind, ok_runs, medians):
    """Runs far off the median of their kind: time the host (or the guest
    kernel) took from them. The median leaves them out."""
    found = []
    for r in ok_runs:
        w, c = num(r["wallSeconds"]), cpu_of(r)
        mw, mc = medians["wallSeconds"], medians["cpuSeconds"]
        if (w is not None and disturbed(w, mw)) or disturbed(c, mc):
            found.append(f"{size} {label} {kind} r{r['round']}: wall {w:.2f} s (median {mw:.2f}), CPU {c:.2f} s (median {mc:.2f})")
    return found


def add_differences(m, syscalls_measured):
    """fps, CPU ms per frame and fixed seconds from the medians of the short
    and the long runs (and, with counts, per-frame counts: the difference of
    the medians over the difference of the frames; the few calls of perf's
    sh and timeout cancel)."""
    s, l = m["short"], m["long"]
    m.update(fps=None, cpuMsPerFrame=None, fixedSeconds=None)
    fps = long_minus_short(s["frames"], l["frames"], s["wallSeconds"], l["wallSeconds"])
    if fps is not None:
        dn = l["frames"] - s["frames"]
        m["fps"] = fps
        m["cpuMsPerFrame"] = (l["cpuSeconds"] - s["cpuSeconds"]) / dn * 1000
        m["fixedSeconds"] = s["wallSeconds"] - s["frames"] / m["fps"]
    if syscalls_measured:
        for key, name in COUNTS:
            m[name] = None
            if m["fps"] and s.get(key) is not None and l.get(key) is not None:
                m[name] = (l[key] - s[key]) / (l["frames"] - s["frames"])


def add_report_figures(m, reports, warmups, tool, tools):
    """framepipe's own figures from the long runs' reports (medians):
    latency, earliest-vblank share, fps and CPU while streaming, allocations
    (counted in the warm-up by newer framepipes, in the timed runs by older
    ones) and with --syscalls its own counters."""
    for key in ("p50", "p90", "p99", "max"):
        m["latency_" + key] = median([dig(rep, "latencyMilliseconds", "total", key) for rep in reports])
    m["earliestVblankShare"] = median([dig(rep, "earliestVblank", "share") for rep in reports])
    m["reportShownPerSecond"] = median([dig(rep, "shownPerSecond") for rep in reports])
    m["reportCpuMsPerShownFrame"] = median([dig(rep, "cpu", "perShownFrameMilliseconds") for rep in reports])
    counted = [rep for rep in warmups + reports if (rep.get("allocations") or {}).get("measured")]
    m["allocationsPerFrame"] = median([dig(rep, "allocations", "perFrameSteadyState") for rep in counted])
    m["allocationsMeasured"] = bool(counted)
    if tools.syscalls_measured and tool in tools.own_tools:
        m["reportSyscallsPerShownFrame"] = median([dig(rep, "eventLoop", "systemCallsPerShownFrame") for rep in reports])
        m["reportContextSwitchesPerShownFrame"] = median([dig(rep, "eventLoop", "contextSwitchesPerShownFrame") for rep in reports])


def add_copy_figures(m, reports, ok_long):
    """The copy's own figures from report.json: each shown frame's conversion
    (CPU time on the conversion thread) and the counters."""
    for key in ("p50", "p90", "p99"):
        m["conversion_" + key] = median([dig(rep, "latencyMilliseconds", "conversion", key) for rep in reports])
    m["framesConverted"] = median([dig(rep, "copy", "converted") for rep in reports])
    m["framesShown"] = median([r["shown"] for r in ok_long])
    m["conversionsRefused"] = median([dig(rep, "copy", "refused") for rep in reports])
    m["conversionsSuperseded"] = median([dig(rep, "copy", "superseded") for rep in reports])
    m["conversionCpuMsPerConvertedFrame"] = median([
        dig(rep, "copy", "cpuNanoseconds") / dig(rep, "copy", "converted") / 1e6 for rep in reports
        if dig(rep, "copy", "cpuNanoseconds") is not None and dig(rep, "copy", "converted")])
    m["copyPath"] = next((rep["copyPath"] for rep in reports if isinstance(rep.get("copyPath"), str)), None)


def summarise(size, tool, runs, rounds, tools):
    """The summary of a tool at a size and its disturbed runs; (None, [])
    if it has no short or long run there."""
    mine = [r for r in runs if r["size"] == size and r["tool"] == tool and r["kind"] in ("short", "long")]
    if not mine:
        return None, []
    label = tools.label[tool]
    ok = {k: [r for r in mine if r["kind"] == k and r["status"] == "ok"] for k in ("short", "long")}
    m = {"shortRunsOk": len(ok["short"]), "longRunsOk": len(ok["long"]), "runs": len(mine)}
    found = []
    for k in ("short", "long"):
        m[k] = kind_medians(ok[k], tools.syscalls_measured)
        found += outliers_of(size, label, k, ok[k], m[k])
    add_differences(m, tools.syscalls_measured)
    good_rounds = [e for e in rounds if e["size"] == size and e["tool"] == tool and e["ok"]]
    m["perRoundMedian"] = {"rounds": len(good_rounds), "fps": median([e["fps"] for e in good_rounds]),
                           "cpuMsPerFrame": median([e["cpuMsPerFrame"] for e in good_rounds])}
    if tools.syscalls_measured:
        for _, name in COUNTS:
            m["perRoundMedian"][name] = median([e.get(name) for e in good_rounds])
    reports = [r["report"] for r in ok["long"] if r.get("report")]
    warmups = [r["report"] for r in runs if r["size"] == size and r["tool"] == tool and r["kind"] == "warmup"
               and r["status"] == "ok" and r.get("report")]
    add_report_figures(m, reports, warmups, tool, tools)
    if tools.memory_recorded and tool in tools.own_tools:
        m["memory"] = tools.asked.get(tool)
        m["memoryUsed"] = dict(Counter(r.get("memoryUsed") or "not said" for r in mine))
    if tool == COPY_FP:
        add_copy_figures(m, reports, ok["long"])
    judge.add_probe_figures(m, ok["long"])
    return m, found


# ---- comparisons ----------------------------------------------------------------------------

def ratio(a, b):
    """a ÷ b, None if a is None or b is None or 0."""
    return a / b if a is not None and b else None


def ratios_of(planned, summary, tools):
    """framepipe ÷ GStreamer per size, allocator and GStreamer row. A
    framepipe tool with no run at a size (an allocator this framepipe lacks)
    gets no row beside others."""
    ratios = []
    for size in planned:
        for fp_tool in tools.fp_tools:
            fp = summary.get((size, fp_tool))
            for tool, _ in GSTREAMER_TOOLS:
                g = summary.get((size, tool))
                if (not fp and not g) or (not fp and len(tools.fp_tools) > 1):
                    continue
                r = {"size": size, "framepipe": fp_tool, "versus": tool, "fpsRatio": None, "cpuPerFrameRatio": None}
                if fp and g:
                    if fp["fps"] and g["fps"]:
                        r["fpsRatio"] = fp["fps"] / g["fps"]
                    if fp["cpuMsPerFrame"] is not None and g["cpuMsPerFrame"]:
                        r["cpuPerFrameRatio"] = fp["cpuMsPerFrame"] / g["cpuMsPerFrame"]
                if tools.syscalls_measured:
                    for _, name in COUNTS:
                        r[name + "Ratio"] = ratio((fp or {}).get(name), (g or {}).get(name))
                ratios.append(r)
    return ratios


def memory_comparison_of(planned, summary, fp_tools, camera_tool="framepipe", asked=None):
    """Each other allocator against camera memory (camera_tool: "framepipe",
    or since --loops the camera row of the loop the allocators ran with),
    same size: fps and CPU per frame as ratios; fixed start-up, p50, p99 and
    the earliest-vblank share (in percentage points) as differences."""
    comparison = []
    for size in planned:
        cam = summary.get((size, camera_tool))
        for tool in fp_tools:
            other = summary.get((size, tool))
            if tool == camera_tool or (asked or {}).get(tool) == "camera" or not cam or not other:
                continue
            share = diff(other["earliestVblankShare"], cam["earliestVblankShare"])
            comparison.append({
                "size": size, "tool": tool, "versus": camera_tool,
                "fpsRatio": other["fps"] / cam["fps"] if other["fps"] and cam["fps"] else None,
                "cpuPerFrameRatio": ratio(other["cpuMsPerFrame"], cam["cpuMsPerFrame"]),
                "fixedSecondsDifference": diff(other["fixedSeconds"], cam["fixedSeconds"]),
                "latencyP50Difference": diff(other["latency_p50"], cam["latency_p50"]),
                "latencyP99Difference": diff(other["latency_p99"], cam["latency_p99"]),
                "earliestVblankPointsDifference": None if share is None else 100 * share})
    return comparison


def copy_comparison_of(planned, summary, syscalls_measured):
    """--copy: framepipe's copy path against GStreamer's videoconvert, same size."""
    comparison = []
    for size in planned:
        fp, g = summary.get((size, COPY_FP)), summary.get((size, COPY_GST))
        if not fp and not g:
            continue
        fp, g = fp or {}, g or {}
        c = {"size": size, "framepipe": COPY_FP, "versus": COPY_GST,
             "framepipeFps": fp.get("fps"), "gstreamerFps": g.get("fps"),
             "framepipeCpuMsPerFrame": fp.get("cpuMsPerFrame"), "gstreamerCpuMsPerFrame": g.get("cpuMsPerFrame"),
             "fpsRatio": fp["fps"] / g["fps"] if fp.get("fps") and g.get("fps") else None,
             "cpuPerFrameRatio": ratio(fp.get("cpuMsPerFrame"), g.get("cpuMsPerFrame")),
             "conversionP50Ms": fp.get("conversion_p50"), "conversionP90Ms": fp.get("conversion_p90"),
             "conversionCpuMsPerConvertedFrame": fp.get("conversionCpuMsPerConvertedFrame"),
             "framesConverted": fp.get("framesConverted"), "framesShown": fp.get("framesShown"),
             "copyPath": fp.get("copyPath")}
        if syscalls_measured:
            for _, name in COUNTS:
                c[name + "Ratio"] = ratio(fp.get(name), g.get(name))
        comparison.append(c)
    return comparison


def copy_status_of(tools):
    """results.json's "copy": run, asked for but not recorded, or not run."""
    if tools.copy_tools:
        return "run"
    if tools.copy_asked:
        return "asked for (--copy), but no copy run was recorded"
    return "not run (--copy)"


@dataclass
class Analysis:
    """Everything the table and results.json show."""
    folder: Folder
    tools: Tools
    planned: list                  # the sizes that ran ("640x480@25")
    rounds: list                   # each round's own difference
    summary: dict                  # (size, tool) → medians and derived numbers
    outliers: list = field(default_factory=list)
    ratios: list = field(default_factory=list)
    memory_comparison: list = field(default_factory=list)
    copy_comparison: list = field(default_factory=list)
    copy_status: str = ""
    loop_comparison: list = field(default_factory=list)


def analyse_folder(folder):
    """The Analysis of a loaded Folder."""
    tools = tools_of(folder.meta, folder.info, folder.runs)
    rounds = rounds_of(folder.runs, tools.syscalls_measured)
    planned = [p["size"] for p in folder.plan if p.get("rate")]
    summary, outliers = {}, []
    for size in planned:
        for tool, _ in tools.rows:
            m, found = summarise(size, tool, folder.runs, rounds, tools)
            outliers += found
            if m is not None:
                summary[(size, tool)] = m
    return Analysis(folder=folder, tools=tools, planned=planned, rounds=rounds, summary=summary,
                    outliers=outliers, ratios=ratios_of(planned, summary, tools),
                    memory_comparison=memory_comparison_of(planned, summary, tools.fp_tools, tools.camera_tool, tools.asked),
                    copy_comparison=copy_comparison_of(planned, summary, tools.syscalls_measured),
                    copy_status=copy_status_of(tools),
                    loop_comparison=judge.loop_comparison_of(planned, summary, tools))


def analyse(out):
    """The Analysis of the output folder out."""
    return analyse_folder(load(out))
