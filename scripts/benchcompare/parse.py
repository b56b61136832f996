"""Reading the tools' outputs (pure): perf stat's counts, the memory a
framepipe run used (report.json or the `chosen:` line of --explain), why a
run failed, and TSV lines."""

import re

from .plan import CARD, COPY_FOURCC, COPY_GST, COPY_GST_FORMAT


def tsv_line(*fields):
    """One line of a TSV file: tabs and newlines inside a field become spaces."""
    return "\t".join(str(f).replace("\t", " ").replace("\n", " ") for f in fields) + "\n"


def perf_count(text, event):
    """The count of event in perf stat's CSV output (value,unit,event,...);
    None if perf did not count it ("<not counted>", "<not supported>", no output)."""
    for line in (text or "").splitlines():
        fields = line.split(",")
        if len(fields) >= 3 and fields[2] == event and re.fullmatch(r"[0-9]+", fields[0]):
            return fields[0]
    return None


REPORT_MEMORY = re.compile(r'"memory" ?: ?"[^"]*"')
# The `N. chosen: MEMORY, FORMAT ...` line of --explain. The alternatives
# are tried in order (as GNU sed did): "heap linux,cma" keeps its comma,
# "camera memory (exported)" is camera memory.
CHOSEN = re.compile(r"[0-9]+\. chosen: (camera memory|display memory|heap [^ ]*[^ ,]|[^,]*)")


def report_memory(text):
    """The "memory" field of a report (the first line that has one; several
    on that line are joined by newlines), "" if none."""
    for line in (text or "").splitlines():
        found = REPORT_MEMORY.findall(line)
        if found:
            values = [re.sub(r'.*: ?"(.*)"', r"\1", m) for m in found]
            return "\n".join(values).rstrip("\n")
    return ""


def chosen_memory(stderr):
    """The memory of the first `N. chosen: MEMORY, ...` line that --explain
    printed, "" if none."""
    for line in (stderr or "").splitlines():
        match = CHOSEN.match(line)
        if match:
            return match.group(1)
    return ""


def memory_used(report_text, stderr):
    """The memory a run used: its report's (or preview --json's) "memory"
    field if it has one ("copy from YUYV (libyuv)" on the copy path), else
    the `chosen:` line of --explain on stderr. "" if neither says."""
    return report_memory(report_text) or chosen_memory(stderr)


def memory_matches(asked, used):
    """Whether a run that asked for memory `asked` used what it asked for:
    "camera memory", "display memory", "heap NAME" (heap: any heap; auto:
    anything); "copy" is framepipe-copy's (no source.memory, the planner's
    choice), which must be "copy from YUYV ..."."""
    if asked == "camera":
        return used == "camera memory"
    if asked == "display":
        return used == "display memory"
    if asked == "heap":
        return len(used) > len("heap ") and used.startswith("heap ")
    if asked.startswith("heap:"):
        return used == "heap " + asked[len("heap:"):]
    if asked == "copy":
        return used.startswith("copy from " + COPY_FOURCC)
    return used != ""


def first_line(text, pattern):
    """The first line of text matching pattern (a regex), else None."""
    for line in text.splitlines():
        if re.search(pattern, line):
            return line
    return None


def explain(tool, rc, stderr, run_timeout):
    """Why a run failed, from its exit status and stderr (None or "" if it
    wrote none), in one line."""
    if rc in (124, 137):
        return f"timed out after {run_timeout} s (killed)"
    err = stderr or ""
    first = first_line(err, r"ERROR|[Ee]rror|failed|framepipe:")
    if first is None:
        first = err.split("\n", 1)[0]
    if tool.startswith("gst-"):
        if re.search(r"busy|permission denied|master|drmSetMaster", err, re.IGNORECASE):
            return f"display busy/held: kmssink could not take {CARD} (another DRM master or client holds it): {first}"
        if "not-negotiated" in err:
            fmt = COPY_GST_FORMAT if tool == COPY_GST else "BGRx"
            return f"caps not negotiated (vivid does not offer this size/rate in {fmt}?): {first}"
        if "drmModeSetPlane failed" in err:
            return f"kmssink: {first_line(err, 'drmModeSetPlane failed')} (vkms without an overlay plane rejects a plane smaller than the mode)"
        return f"exit {rc}: {first or 'no message'}"
    if re.search(r"DRM master|EBUSY|busy", err, re.IGNORECASE):
        return f"display or camera busy/held by another program (exit {rc}): {first or 'no message'}"
    if rc == 69:
        return f"device busy or unsuitable (exit 69): {first or 'no message'}"
    if rc == 77:
        return f"permission denied or DRM master held by another client (exit 77): {first or 'no message'}"
    return f"exit {rc}: {first or 'no message'}"


def gstreamer_version(text):
    """The version in `gst-launch-1.0 --version` output ("1.22.0"), "" if none."""
    for line in text.splitlines():
        if line.startswith("GStreamer "):
            return line[len("GStreamer "):]
    return ""


def has_bench(help_text):
    """Whether framepipe's --help lists a bench subcommand."""
    return any(re.match(r"\s+bench(\s|$)", line) for line in help_text.splitlines())


def elapsed_label(microseconds):
    """progress.log's time stamp: '[  12.3 s]' (tenths, cut off)."""
    return "[%4d.%d s]" % (microseconds // 1000000, microseconds % 1000000 // 100000)
