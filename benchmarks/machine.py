"""What the machine was doing while a benchmark ran: timings on shared cores mean little without
it (the load average, and the other processes that used CPU meanwhile)."""

from __future__ import annotations

import os
import time
from pathlib import Path

CLOCK = os.sysconf("SC_CLK_TCK")
# Processes using less than this share of a core over the run are not worth naming.
BUSY = 0.05


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK


def tree_cpu_seconds(root: int) -> float:
    """CPU time of `root` and its live descendants (a supervisor and its workers)."""
    return sum(cpu_seconds(pid) for pid in [root, *descendants(root)])


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [root]
    while todo:
        found = children.get(todo.pop(), [])
        out += found
        todo += found
    return out


def rss_mib(pid: int) -> dict[str, float]:
    """VmRSS and its anonymous / file-backed parts (mmap'd index files count as file), MiB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return {k: int(status[k].split()[0]) / 1024 for k in ("VmRSS", "RssAnon", "RssFile")}


def snapshot() -> dict[int, tuple[str, float]]:
    """pid -> (command, CPU seconds) of every process now."""
    out = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:80].strip()
            out[int(proc.name)] = (cmd, cpu_seconds(int(proc.name)))
        except (OSError, ValueError, IndexError):
            continue
    return out


class Load:
    """`with Load() as load:` ... `load.note()`: the load average at both ends and the other
    busy processes in between."""

    def __enter__(self) -> Load:
        self.start, self.load0, self.before = time.monotonic(), os.getloadavg()[0], snapshot()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.monotonic() - self.start
        self.load1, self.after = os.getloadavg()[0], snapshot()

    def note(self, ours: set[int] | None = None) -> str:
        ours = (ours or set()) | {os.getpid(), *descendants(os.getpid())}
        busy = []
        for pid, (cmd, cpu) in self.after.items():
            used = cpu - self.before.get(pid, (cmd, 0.0))[1]
            if pid not in ours and used > BUSY * self.seconds and cmd:
                busy.append(f"{cmd} ({used:.0f} CPU s)")
        others = "; ".join(busy) or "nothing else"
        return (f"{os.cpu_count()} cores; load average {self.load0:.1f} at start, "
                f"{self.load1:.1f} at end; {self.seconds:.0f} s; meanwhile: {others}")
