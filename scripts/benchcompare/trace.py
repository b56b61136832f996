"""The kernel-tracepoint probe's outputs (pure): the one line its latency.py
prints for a trace, and the wake-up latency, read from the trace itself.

The probe (../shared/tools/probe, not part of this project) records, while a
tool runs, among others `vb2:vb2_buf_done` (the driver finished a buffer)
and `v4l2:v4l2_dqbuf` (a program dequeued it), one line each in ftrace's
text format:

    vivid-000-vid-c-177 [001] .....  79.773166: vb2_buf_done: owner = ..., index = 0, type = 1, ...
    v4l2src0:src-175    [000] .....  79.782670: v4l2_dqbuf: minor = 0, index = 0, type = VIDEO_CAPTURE, ...

The wake-up latency of a buffer is the time from its vb2_buf_done to the
v4l2_dqbuf of the same buffer index: how long the program took to notice a
frame and take it. Percentiles are taken as the probe takes them: the value
at index ⌊p·n⌋ of the sorted values.
"""

import re

# A line of the trace: TASK-PID [CPU] FLAGS SECONDS: EVENT: BODY (the
# probe's own pattern, so that both read the same lines).
TRACE_LINE = re.compile(r"^\s*(.+?)-(\d+)\s+\[\d+\]\s+\S+\s+([\d.]+):\s+(\w+)(?::\s+|(?=[(\s]))(.*)$")
INDEX = re.compile(r"\bindex = (\d+)")
VB2_TYPE = re.compile(r"\btype = (\d+)")
DQBUF_TYPE = re.compile(r"\btype = ([A-Z_]+)")
# vb2's numeric buffer types of a capture queue: V4L2_BUF_TYPE_VIDEO_CAPTURE
# and V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE.
CAPTURE_TYPES = ("1", "9")

# latency.py's line: frames=N p50=..ms p90=..ms p99=..ms max=..ms mean=..ms |
# limit p50=.. p99=.. | excess p50=.. p99=.. | on earliest vblank X% | T=..ms
PROBE_LINE = re.compile(
    r"frames=(?P<frames>\d+) p50=(?P<p50>[-\d.]+)ms p90=(?P<p90>[-\d.]+)ms p99=(?P<p99>[-\d.]+)ms "
    r"max=(?P<max>[-\d.]+)ms mean=(?P<mean>[-\d.]+)ms"
    r" \| limit p50=(?P<limitP50>[-\d.]+) p99=(?P<limitP99>[-\d.]+)"
    r" \| excess p50=(?P<excessP50>[-\d.]+) p99=(?P<excessP99>[-\d.]+)"
    r" \| on earliest vblank (?P<share>[\d.]+)% \| T=(?P<period>[\d.]+)ms")


def events(text):
    """(seconds, pid, event, body) of each event line of a trace, in order."""
    found = []
    for line in (text or "").splitlines():
        if line.startswith("#"):
            continue
        match = TRACE_LINE.match(line)
        if match:
            found.append((float(match.group(3)), int(match.group(2)), match.group(4), match.group(5).strip()))
    return found


def wakeups_ms(text):
    """The wake-up latencies of a trace, in milliseconds, in the order of the
    dequeues: each capture v4l2_dqbuf paired with the last vb2_buf_done of the
    same buffer index before it (a buffer is done once per queueing). A
    dequeue whose buffer was done before the trace began has no pair; a
    buffer done but never dequeued (returned at STREAMOFF) neither."""
    done = {}
    latencies = []
    for seconds, _, name, body in events(text):
        index = INDEX.search(body)
        if not index:
            continue
        if name == "vb2_buf_done":
            kind = VB2_TYPE.search(body)
            if kind is None or kind.group(1) in CAPTURE_TYPES:
                done[index.group(1)] = seconds
        elif name == "v4l2_dqbuf":
            kind = DQBUF_TYPE.search(body)
            if kind is not None and not kind.group(1).startswith("VIDEO_CAPTURE"):
                continue
            if index.group(1) in done:
                # the trace's clock has microseconds: round away the float noise
                latencies.append(round((seconds - done.pop(index.group(1))) * 1000, 3))
    return latencies


def percentile(values, p):
    """The probe's percentile: the value at index ⌊p·n⌋ (at most n − 1) of
    the sorted values; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def wakeup_summary(text):
    """{wakeups, wakeupP50Ms, wakeupP90Ms, wakeupP99Ms, wakeupMaxMs} of a trace."""
    w = wakeups_ms(text)
    return {"wakeups": len(w), "wakeupP50Ms": percentile(w, 0.5), "wakeupP90Ms": percentile(w, 0.9),
            "wakeupP99Ms": percentile(w, 0.99), "wakeupMaxMs": max(w) if w else None}


def probe_figures(text):
    """latency.py's figures of a run ({frames, p50, p90, p99, max, mean,
    limitP50, limitP99, excessP50, excessP99, share (0..1), period}, in
    milliseconds), or None when its output has no such line ("no frames
    paired", a crash, nothing)."""
    for line in (text or "").splitlines():
        match = PROBE_LINE.search(line)
        if match:
            figures = {k: float(v) for k, v in match.groupdict().items()}
            figures["frames"] = int(match.group("frames"))
            figures["share"] = figures["share"] / 100
            return figures
    return None


def probe_problem(text):
    """Why latency.py's output has no figures: its first line, or "no output"."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[0] if lines else "no output"
