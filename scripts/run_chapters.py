"""Execute chapters top to bottom in a Jupyter kernel of this Python, as a learner would.

    python scripts/run_chapters.py notebooks/*.ipynb [--max-output-lines 40]

Outputs are not compared (nbval does that, on the sample); each chapter's own asserts still
run. Prints one row per chapter: its wall time (kernel start included, as a learner waits for
it), the CPU time its kernel used (what a busy machine inflates least), its slowest code cell,
and its longest cell output in lines as Jupyter shows them (a progress bar redrawn with carriage
returns is one line; stdout and stderr are separate boxes, both counted).

Fails (exit 1) when a chapter raises, when a cell's output is longer than --max-output-lines,
or when a cell shows a TensorFlow C++ log line (mnist_helpers.quiet keeps them out on every
supported build). Never on time: this machine and CI are shared, so a time limit would fail at
random; a chapter slower than --slow-seconds is flagged in the table and in a closing line
instead, for a person to read. Every chapter runs even after one fails, so one run shows
every problem.

Needs only nbclient and ipykernel, so it also runs in a bare venv (scripts/check_bare_kernel.py).
The kernel is this Python's own ipykernel, whatever kernels the user has installed.
"""

import argparse
import re
import resource
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

CELL_TIMEOUT_SECONDS = 600
# TensorFlow's C++ log lines (tests/test_notebooks.py keeps them out of the stored outputs).
TF_LOG_LINE = re.compile(
    r"^[IWEF]\d{4} |^\d{4}-\d\d-\d\d [\d:.]+: [IWEF] |oneDNN|absl::InitializeLog|cpu_feature_guard",
    re.M,
)


@dataclass
class ChapterRun:
    name: str
    seconds: float
    cpu_seconds: float  # the kernel's: on a busy machine, wall time says little
    longest_output: int
    longest_cell: int  # 1-based index among the code cells, 0 if no output
    log_cells: list[int]  # code cells showing TensorFlow log lines, 1-based
    slowest_cell: tuple[float, int]  # seconds, 1-based code cell
    error: str = ""


def shown_lines(text: str) -> int:
    """Lines Jupyter shows for `text`: a carriage return redraws its line instead of adding one."""
    return len(text.rstrip("\n").split("\n")) if text.strip() else 0


def cell_output_lines(cell) -> int:
    """Lines of text a cell shows: each stream merged as Jupyter merges it, plus text results."""
    streams: dict[str, str] = {}
    lines = 0
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            streams[output.name] = streams.get(output.name, "") + output.text
        elif output.output_type == "error":
            lines += sum(shown_lines(line) for line in output.traceback)
        elif "image/png" not in output.get("data", {}):  # A figure's text is just its repr.
            lines += shown_lines(output.get("data", {}).get("text/plain", ""))
    return lines + sum(shown_lines(text) for text in streams.values())


def cell_seconds(cell) -> float:
    """How long a cell ran, from the timestamps nbclient records in its metadata."""
    timing = cell.metadata.get("execution", {})
    if "iopub.status.busy" not in timing or "shell.execute_reply" not in timing:
        return 0.0
    start, end = (
        datetime.fromisoformat(timing[key].replace("Z", "+00:00"))
        for key in ("iopub.status.busy", "shell.execute_reply")
    )
    return (end - start).total_seconds()


def children_cpu_seconds() -> float:
    """CPU time of this process's finished children: the kernels, once each has stopped."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def native_kernel() -> KernelManager:
    """A kernel of this very Python (ipykernel's own spec), never a user-installed 'python3'."""
    specs = KernelSpecManager(kernel_dirs=[], ensure_native_kernel=True)
    return KernelManager(kernel_name="python3", kernel_spec_manager=specs)


def run_chapter(path: Path, save_to: Path | None = None) -> ChapterRun:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:  # Only what this run shows: no stored output left in a cell.
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        notebook,
        km=native_kernel(),
        timeout=CELL_TIMEOUT_SECONDS,
        startup_timeout=120,
        resources={"metadata": {"path": str(path.parent)}},  # Run where Jupyter would.
    )
    error = ""
    start, cpu_start = time.perf_counter(), children_cpu_seconds()
    try:
        client.execute(cleanup_kc=True)  # Our kernel manager: stop its kernel here.
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as failure:
        error = f"{type(failure).__name__}: {failure}"
    seconds, cpu_seconds = time.perf_counter() - start, children_cpu_seconds() - cpu_start
    if save_to:
        save_to.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, save_to / path.name)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    lengths = [cell_output_lines(cell) for cell in code_cells]
    longest = max(lengths, default=0)
    longest_cell = lengths.index(longest) + 1 if longest else 0
    log_cells = [
        index
        for index, cell in enumerate(code_cells, start=1)
        if any(TF_LOG_LINE.search(output.get("text", "")) for output in cell.get("outputs", []))
    ]
    slowest = max((cell_seconds(cell), index) for index, cell in enumerate(code_cells, start=1))
    return ChapterRun(
        path.stem, seconds, cpu_seconds, longest, longest_cell, log_cells, slowest, error
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--max-output-lines", type=int, default=40)
    parser.add_argument("--slow-seconds", type=float, default=60.0)
    parser.add_argument("--save-to", type=Path, help="folder for the executed notebooks")
    args = parser.parse_args()

    runs = []
    header = f"{'chapter':<28} {'time':>8} {'kernel cpu':>11}  {'slowest code cell':<19}"
    print(f"{header}  longest output (code cell)", flush=True)
    for path in args.notebooks:
        run = run_chapter(path, args.save_to)
        runs.append(run)
        flags = []
        if run.seconds > args.slow_seconds:
            flags.append(f"SLOW: over {args.slow_seconds:.0f} s")
        if run.longest_output > args.max_output_lines:
            flags.append(f"TOO LONG: over {args.max_output_lines} lines")
        if run.log_cells:
            flags.append(f"TENSORFLOW LOG LINES: cells {run.log_cells}")
        if run.error:
            flags.append("ERROR")
        slowest = f"{run.slowest_cell[0]:>6.1f}s (cell {run.slowest_cell[1]})"
        times = f"{run.seconds:>7.1f}s {run.cpu_seconds:>10.1f}s  {slowest:<19}"
        output = f"{run.longest_output:>4} lines (cell {run.longest_cell})"
        print(f"{run.name:<28} {times}  {output}  {'  '.join(flags)}", flush=True)

    for run in runs:
        if run.error:
            print(f"\n===== {run.name} raised =====\n{run.error}", file=sys.stderr)
    slow = [run.name for run in runs if run.seconds > args.slow_seconds]
    if slow:
        print(f"\n!!! SLOW (not a failure, the machine may be busy): {', '.join(slow)}")
    failed = [
        run.name
        for run in runs
        if run.error or run.log_cells or run.longest_output > args.max_output_lines
    ]
    print(f"\n{len(runs) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
