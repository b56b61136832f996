"""table.md and results.json of an Analysis (analyse.py).

render() is the markdown of table.md (also printed on stdout), results()
the dict of results.json; write() writes both into the output folder.
Each section of the table is a function of its own.
"""

import json
import os
from collections import Counter

from . import report_loops
from .analyse import COPY_FP, COPY_GST_FORMAT

TITLE = "# framepipe vs GStreamer: camera to screen in the device lab"
SYSCALLS_BELOW_ONE = "; system calls and context switches per frame: below 1 is fewer"
# How the runs' CPU times were taken (meta.json "cpuTimes"); bash `time` for
# folders of the shell script, which has no such key.
CPU_TIMES = {
    "wait4": "wait4's rusage of the run",
}


def f(v, fmt, unit=""):
    """v formatted, with unit; an em dash for None."""
    return "—" if v is None else format(v, fmt) + unit


def runs_word(n):
    """'run' or 'runs'."""
    return "run" if n == 1 else "runs"


def used_summary(counter):
    """'camera memory (6 runs), ...' from a Counter of the memory runs used; 'no run' if empty."""
    return ", ".join(f"{u} ({n} {runs_word(n)})" for u, n in counter.most_common()) or "no run"


# ---- the header: what ran, how --------------------------------------------------------

def host_line(meta):
    """The host's CPUs and load, and a warning if other guests ran."""
    host = f"- host: {meta.get('hostCPUs', '?')} CPUs, load average {meta.get('hostLoadAtStart', '?')} at the start"
    if meta.get("hostLoadAtEnd"):
        host += f", {meta['hostLoadAtEnd']} at the end"
    if meta.get("otherGuestsAtStart"):
        host += f"; **{meta['otherGuestsAtStart']} other qemu guest(s) were running: noisy numbers** (TCG cannot see stolen time)"
    return host


def sizes_line(meta, plan):
    """The requested rate and each size's plan (rate, frame counts, notes, skips)."""
    sz = []
    for p in plan:
        if p.get("rate"):
            sz.append(f"{p['width']}x{p['height']} @ {p['rate']} fps ({p['short']} / {p['long']} frames)" + (f" — {p['note']}" if p.get("note") else ""))
        else:
            sz.append(f"{p['size']} fps: skipped ({p.get('note', '')})")
    return (f"- requested: {meta.get('fps', '?')} fps; sizes: "
            + ("; ".join(sz) if sz else ", ".join(meta.get("sizes", [])) + " (no plan: the guest part did not start)"))


def memory_line(a):
    """Each allocator, asked for → the memory its runs used."""
    runs, info = a.folder.runs, a.folder.info
    rows = []
    for tool in a.tools.fp_tools:
        used = Counter()
        for r in runs:
            if r.get("tool") == tool and r.get("kind") in ("short", "long"):
                used[r.get("memoryUsed") or "not said"] += 1
        rows.append(f"`{tool}` = {a.tools.asked.get(tool, '?')} → {used_summary(used)}")
    if info.get("framepipeMemorySupported") == "0":
        rows.append("this framepipe has no `source.memory`: its runs were neither pinned nor checked")
    return ("- framepipe's allocator (`source.memory`, pinned in each run's generated config; the memory a run used, "
            "from its report or the `chosen:` line of `--explain`, must be the one asked for, else the run failed): " + "; ".join(rows))


def method_line(meta):
    """How fps, CPU per frame and fixed time are worked out."""
    cpu_times = CPU_TIMES.get(meta.get("cpuTimes"), "bash `time`")
    return ("- method: fps = (N_long − N_short) / (wall_long − wall_short); CPU ms/frame = (CPU_long − CPU_short) / (N_long − N_short); "
            f"CPU = user + sys of the process ({cpu_times}, ms resolution); each of wall, CPU and N is the median of its runs over the rounds "
            "(robust to one disturbed run; each round's own difference is in results.json); "
            "fixed = wall_short − N_short / fps (start-up + teardown); N = frames shown (framepipe's report) or num-buffers (GStreamer). "
            "Latency (start of exposure → flip) and earliest-vblank share: framepipe's report.json of the long runs, median over rounds of each.")


def copy_line(a):
    """What the copy rows are (--copy)."""
    copy_format = a.tools.copy_format
    used = Counter(r.get("memoryUsed") or "not said" for r in a.folder.runs
                   if r.get("tool") == COPY_FP and r.get("kind") in ("short", "long"))
    return (f"- copy rows (`--copy`): the camera in '{copy_format}' (GStreamer {COPY_GST_FORMAT.get(copy_format, copy_format)}), which vkms cannot show, at each size's rate; "
            f"`framepipe-copy` = `framepipe bench` with `\"format\": \"{copy_format}\"`, `\"copy\": \"allowed\"` and no `source.memory` "
            f"(the planner chooses the copy, libyuv into XRGB8888 dumb buffers; a run whose report or `chosen:` line does not start "
            f"\"copy from {copy_format}\" failed) → {used_summary(used)}; `gst-copy` = `gst-launch-1.0 -q v4l2src device=/dev/video0 io-mode=mmap num-buffers=N "
            f"! video/x-raw,format=YUY2,width=W,height=H,framerate=R ! videoconvert ! video/x-raw,format=BGRx ! kmssink driver-name=vkms "
            f"sync=false skip-vsync=true` (videoconvert does the copy; `sync=false skip-vsync=true` as in the tuned zero-copy row). "
            f"Neither enters the zero-copy ratios below")


def header(a):
    """The lines above the main table."""
    meta, info, mode = a.folder.meta, a.folder.info, a.folder.mode
    L = [TITLE, ""]
    commit = meta.get("commit", "?") + (" (with uncommitted changes)" if meta.get("dirty") else "")
    L.append(f"- commit: {commit}; date: {meta.get('date', '?')}")
    L.append(host_line(meta))
    L.append(f"- lab: qemu TCG, kernel {info.get('kernel', '?')}; vivid `n_devs=1` (/dev/video0, single-planar), "
             f"vkms `enable_overlay=1` (the lab's default); 'XR24' = GStreamer BGRx = DRM XRGB8888; "
             f"timestamp_source=1 (start of exposure): {info.get('timestampSource', '?')}")
    L.append(sizes_line(meta, a.folder.plan))
    L.append(f"- rounds: {meta.get('rounds', '?')} (short then long run per tool, tools alternating; one untimed 10-frame warm-up per tool and size first); per-run timeout {meta.get('runTimeout', '?')} s")
    fpdesc = "`framepipe bench`" if mode == "bench" else "`framepipe preview --json` (this build has no `bench`: no latency numbers)"
    L.append(f"- framepipe: {fpdesc}, {meta.get('build', '?')} build; GStreamer {info.get('gstreamer') or '?'}: "
             "`gst-launch-1.0 -q v4l2src device=/dev/video0 io-mode=dmabuf num-buffers=N ! video/x-raw,format=BGRx,width=W,height=H,framerate=R ! kmssink driver-name=vkms [sync=false skip-vsync=true]`")
    if a.tools.memory_recorded:
        L.append(memory_line(a))
    L.append(method_line(meta))
    if a.tools.copy_tools:
        L.append(copy_line(a))
    if a.tools.syscalls_measured:
        L.append("- system calls and context switches (`--syscalls`): `perf stat -e raw_syscalls:sys_enter,context-switches` around each run "
                 "(every thread and child of the tool, plus the `sh` and `timeout` it runs under: a constant that cancels), "
                 "per frame = (count_long − count_short) / (N_long − N_short), medians over rounds as for CPU; "
                 "perf's counting overhead is in this table's CPU figures")
    elif meta.get("syscalls"):
        L.append("- system calls and context switches: asked for (`--syscalls`), but **no run was counted** (see progress.log)")
    L += report_loops.header_lines(a)
    if info.get("gstreamerProblem"):
        L.append(f"- GStreamer: **not run**: {info['gstreamerProblem']}")
    return L


# ---- the tables ----------------------------------------------------------------------

def main_row(size, tool, label, m, syscalls):
    """One row of the main table (GStreamer has no latency: n/m)."""
    fp_only = tool.startswith("framepipe")
    lat = [f(m[k], ".1f") if fp_only else "n/m" for k in ("latency_p50", "latency_p90", "latency_p99", "latency_max")]
    share = (f(None if m["earliestVblankShare"] is None else 100 * m["earliestVblankShare"], ".1f")
             + ("" if m["earliestVblankShare"] is None else " %")) if fp_only else "n/m"
    sc = f" {f(m['syscallsPerFrame'], '.1f')} | {f(m['contextSwitchesPerFrame'], '.2f')} |" if syscalls else ""
    return (f"| {size} | {label} | {m['shortRunsOk'] + m['longRunsOk']}/{m['runs']} | {f(m['fps'], '.1f')} | {f(m['cpuMsPerFrame'], '.2f')} |{sc} "
            f"{f(m['fixedSeconds'], '.2f')} | " + " | ".join(lat) + f" | {share} |")


def main_table(a):
    """Every tool at every size: runs, fps, CPU per frame, fixed time, latency, earliest vblank."""
    syscalls = a.tools.syscalls_measured
    sc_head, sc_rule = (" syscalls/frame | ctx sw/frame |", "---|---|") if syscalls else ("", "")
    L = [f"| size@fps | tool | runs ok | fps | CPU ms/frame |{sc_head} fixed s | p50 ms | p90 ms | p99 ms | max ms | earliest vblank |",
         f"|---|---|---|---|---|{sc_rule}---|---|---|---|---|---|"]
    for size in a.planned:
        for tool, label in a.tools.rows:
            m = a.summary.get((size, tool))
            if m:
                L.append(main_row(size, tool, label, m, syscalls))
    L.append("")
    L.append("n/m: not measured (GStreamer reports no per-frame capture-to-flip latency).")
    return L


def own_report_lines(a):
    """framepipe's own report per size and framepipe row (streaming only)."""
    own = []
    for size in a.planned:
        for tool in a.tools.own_tools:
            m = a.summary.get((size, tool))
            if m and (m["reportShownPerSecond"] is not None or m["reportCpuMsPerShownFrame"] is not None):
                alloc = (f"{m['allocationsPerFrame']:.2f} heap allocations per frame in steady state"
                         if m["allocationsMeasured"] and m["allocationsPerFrame"] is not None
                         else "allocations not counted (no malloc interposer beside the binary)")
                which = size if len(a.tools.own_tools) == 1 else f"{size} {tool}"
                counted = ""
                if m.get("reportSyscallsPerShownFrame") is not None or m.get("reportContextSwitchesPerShownFrame") is not None:
                    counted = (f"; its own counters: {f(m.get('reportSyscallsPerShownFrame'), '.1f')} system calls and "
                               f"{f(m.get('reportContextSwitchesPerShownFrame'), '.2f')} context switches per shown frame")
                own.append(f"- {which}: {f(m['reportShownPerSecond'], '.1f')} fps and {f(m['reportCpuMsPerShownFrame'], '.2f')} ms CPU per shown frame while streaming; {alloc}{counted}")
    if not own:
        return []
    return ["", "framepipe's own report (long runs, medians; streaming only, start-up excluded):", ""] + own


def ratio_cells(r, syscalls):
    """The count ratio cells of a row (none without --syscalls)."""
    if not syscalls:
        return ""
    return f" {f(r['syscallsPerFrameRatio'], '.2f', '×')} | {f(r['contextSwitchesPerFrameRatio'], '.2f', '×')} |"


def ratio_table(a):
    """Headline ratios, framepipe ÷ GStreamer; a framepipe column when there are several allocators."""
    syscalls = a.tools.syscalls_measured
    label = a.tools.label
    L = ["", "Headline ratios, framepipe ÷ GStreamer (fps: above 1 is faster; CPU per frame: below 1 is cheaper"
         + (SYSCALLS_BELOW_ONE if syscalls else "") + "):", ""]
    sc_head, sc_rule = (" syscalls/frame ratio | ctx sw/frame ratio |", "---|---|") if syscalls else ("", "")
    if len(a.tools.fp_tools) == 1:
        L.append(f"| size@fps | versus | fps ratio | CPU/frame ratio |{sc_head}")
        L.append(f"|---|---|---|---|{sc_rule}")
        for r in a.ratios:
            L.append(f"| {r['size']} | {label[r['versus']]} | {f(r['fpsRatio'], '.2f', '×')} | {f(r['cpuPerFrameRatio'], '.2f', '×')} |{ratio_cells(r, syscalls)}")
    else:
        L.append(f"| size@fps | framepipe | versus | fps ratio | CPU/frame ratio |{sc_head}")
        L.append(f"|---|---|---|---|---|{sc_rule}")
        for r in a.ratios:
            L.append(f"| {r['size']} | {r['framepipe']} | {label[r['versus']]} | {f(r['fpsRatio'], '.2f', '×')} | {f(r['cpuPerFrameRatio'], '.2f', '×')} |{ratio_cells(r, syscalls)}")
    return L


def memory_table(a):
    """Each allocator against camera memory (none with camera memory alone)."""
    if not a.memory_comparison:
        return []
    L = ["", f"Allocators against camera memory (`{a.tools.camera_tool}`): fps and CPU per frame as ratios, the rest as differences "
         "(latency: positive is slower; earliest vblank: percentage points):", "",
         "| size@fps | framepipe | fps ratio | CPU/frame ratio | fixed s | p50 ms | p99 ms | earliest vblank |",
         "|---|---|---|---|---|---|---|---|"]
    for c in a.memory_comparison:
        L.append(f"| {c['size']} | {c['tool']} | {f(c['fpsRatio'], '.2f', '×')} | {f(c['cpuPerFrameRatio'], '.2f', '×')} | "
                 f"{f(c['fixedSecondsDifference'], '+.2f')} | {f(c['latencyP50Difference'], '+.1f')} | {f(c['latencyP99Difference'], '+.1f')} | "
                 f"{f(c['earliestVblankPointsDifference'], '+.1f', ' pt')} |")
    return L


def copy_table(a):
    """The copy path, framepipe-copy ÷ gst-copy, or a line saying why there is none."""
    syscalls = a.tools.syscalls_measured
    if not a.copy_comparison:
        return [f"Copy path (framepipe --allow-copy on YUYV beside GStreamer videoconvert): {a.copy_status}."]
    L = [f"Copy path (`--copy`, camera in '{a.tools.copy_format}'), framepipe-copy ÷ gst-copy (fps: above 1 is faster; CPU per frame: below 1 is cheaper"
         + (SYSCALLS_BELOW_ONE if syscalls else "")
         + "); conversion: framepipe's CPU time per shown frame's conversion (report.json `latencyMilliseconds.conversion` p50, "
         "median over the long runs) and the frames it converted in a long run (median) of those shown:", ""]
    sc_head, sc_rule = (" syscalls/frame ratio | ctx sw/frame ratio |", "---|---|") if syscalls else ("", "")
    L.append(f"| size@fps | fps framepipe-copy / gst-copy | fps ratio | CPU ms/frame framepipe-copy / gst-copy | CPU/frame ratio |{sc_head} conversion p50 ms | frames converted / shown |")
    L.append(f"|---|---|---|---|---|{sc_rule}---|---|")
    for c in a.copy_comparison:
        conv = "—" if c["framesConverted"] is None else f"{c['framesConverted']:g} / {f(c['framesShown'], 'g')}"
        L.append(f"| {c['size']} | {f(c['framepipeFps'], '.1f')} / {f(c['gstreamerFps'], '.1f')} | {f(c['fpsRatio'], '.2f', '×')} | "
                 f"{f(c['framepipeCpuMsPerFrame'], '.2f')} / {f(c['gstreamerCpuMsPerFrame'], '.2f')} | {f(c['cpuPerFrameRatio'], '.2f', '×')} |{ratio_cells(c, syscalls)} "
                 f"{f(c['conversionP50Ms'], '.2f')} | {conv} |")
    return L


def outlier_lines(a):
    """The disturbed runs (far off the median of their kind)."""
    if not a.outliers:
        return []
    leaves = ("; the medians leave them out):" if a.folder.meta.get("rounds", 0) >= 3
              else "; with fewer than 3 rounds the medians do not leave them out):")
    return ["", "Disturbed runs (far off the median of their kind" + leaves, ""] + [f"- {o}" for o in a.outliers]


def failed_lines(a):
    """The failed runs, grouped by size, tool, status and reason."""
    runs = a.folder.runs
    failed = [r for r in runs if r.get("status") != "ok"]
    if not failed:
        return []
    L = ["", f"Failed runs ({len(failed)} of {len(runs)}):", ""]
    groups = {}
    for r in failed:
        key = (r["size"], r["tool"], r["status"], r.get("note", ""))
        groups.setdefault(key, []).append(f"r{r['round']} {r['kind']}")
    label = a.tools.label
    for (size, tool, status, note), which in groups.items():
        L.append(f"- {size} {label.get(tool, tool)}: {status} ({', '.join(which)}): {note}")
    return L


def verdict_lines(a):
    """A bold line when nothing was recorded or no round gave numbers."""
    if not a.folder.runs:
        return ["", "**No run was recorded** (see progress.log, guest-stderr.log and .lab/ in the output folder)."]
    if not any(m["fps"] for m in a.summary.values()):
        return ["", "**No round produced numbers.**"]
    return []


def render(a):
    """The markdown of table.md."""
    L = (header(a) + [""] + main_table(a) + own_report_lines(a) + report_loops.probe_table(a) + report_loops.loop_table(a)
         + ratio_table(a) + memory_table(a))
    L.append("")
    L += copy_table(a) + outlier_lines(a) + failed_lines(a) + verdict_lines(a)
    return "\n".join(L) + "\n"


def results(a):
    """The dict of results.json: the raw files and every derived number."""
    folder = a.folder
    out = {
        "meta": folder.meta, "guest": folder.info, "plan": folder.plan,
        "runs": folder.runs, "rounds": a.rounds, "disturbedRuns": a.outliers,
        "summary": [dict(size=s, tool=t, **m) for (s, t), m in a.summary.items()],
        "ratios": a.ratios, "memoryComparison": a.memory_comparison,
        "copy": a.copy_status, "copyComparison": a.copy_comparison,
    }
    if "loops" in folder.meta:
        out["loopComparison"] = a.loop_comparison
    return out


def write(a):
    """Writes table.md and results.json into the analysed folder; returns the table."""
    text = render(a)
    with open(os.path.join(a.folder.out, "table.md"), "w") as fh:
        fh.write(text)
    with open(os.path.join(a.folder.out, "results.json"), "w") as fh:
        json.dump(results(a), fh, indent=2)
        fh.write("\n")
    return text
