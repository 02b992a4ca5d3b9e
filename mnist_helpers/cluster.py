"""Start worker processes on this machine, tell each its place with TF_CONFIG, and watch them.

`MultiWorkerMirroredStrategy` learns the cluster from the `TF_CONFIG` environment variable:
the address of every worker, and which one this process is. On several machines each host
sets its own `TF_CONFIG` and starts one worker; on one machine `LocalCluster` starts them all
with free ports of 127.0.0.1, stops them by process id, and names the worker that was lost
when one dies. Each worker it starts is told the launcher's process id and stops if the
launcher dies, even by SIGKILL (`mnist_helpers.worker`).

TensorFlow's gRPC server listens on every network interface whatever host TF_CONFIG names
(`grpc_server_lib.cc` binds `0.0.0.0:port`; TensorFlow 2.21 listens on `*:port`), with no
authentication: while the workers run, anyone who can reach this machine can reach their
ports. Run them only on a trusted network, or behind a firewall that closes those ports.
"""

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
LAUNCHER_PID = "MNIST_LAUNCHER_PID"  # Set for the workers: they stop when this process is gone.


class WorkerLostError(RuntimeError):
    """A worker died or stopped answering, so the others could not go on training."""


def free_ports(count: int, host: str = HOST) -> list[int]:
    """`count` distinct TCP ports free on `host` right now, chosen by the operating system."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tf_config(addresses: list[str], index: int) -> str:
    """The TF_CONFIG of worker `index` in a cluster of `addresses` ("host:port" each)."""
    if not 0 <= index < len(addresses):
        raise ValueError(f"index must be in 0..{len(addresses) - 1}, got {index}.")
    return json.dumps(
        {"cluster": {"worker": list(addresses)}, "task": {"type": "worker", "index": index}}
    )


@dataclass(frozen=True)
class WorkerExit:
    """How one worker process ended: its exit code (minus a signal number if killed)."""

    index: int
    returncode: int
    seconds: float
    stopped_by_launcher: bool
    last_line: str


class LocalCluster:
    """`workers` copies of `command`, each with its TF_CONFIG, on 127.0.0.1; a context manager.

    Each worker's output goes to `log_dir/worker-N.log`. Leaving the `with` block stops every
    worker still running, by process id.
    """

    def __init__(self, command: list[str], workers: int, log_dir: Path):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}.")
        self.command = list(command)
        self.addresses = [f"{HOST}:{port}" for port in free_ports(workers)]
        self.log_dir = Path(log_dir)
        self.processes: list[subprocess.Popen] = []
        self._started = 0.0

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def log(self, index: int) -> str:
        """What worker `index` has written so far."""
        return (self.log_dir / f"worker-{index}.log").read_text(errors="replace")

    def start(self) -> "LocalCluster":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._started = time.monotonic()
        for index in range(len(self.addresses)):
            environment = {
                **os.environ,
                "TF_CONFIG": tf_config(self.addresses, index),
                # gRPC would send even 127.0.0.1 traffic through an HTTP(S) proxy if one is set.
                "no_grpc_proxy": HOST,
                LAUNCHER_PID: str(os.getpid()),
            }
            with open(self.log_dir / f"worker-{index}.log", "w") as log:
                self.processes.append(
                    subprocess.Popen(
                        self.command, env=environment, stdout=log, stderr=subprocess.STDOUT
                    )
                )
        return self

    def wait(
        self,
        timeout: float,
        grace: float = 60.0,
        on_poll: Callable[[], None] | None = None,
    ) -> list[WorkerExit]:
        """Wait for every worker; raise `WorkerLostError` naming the first that failed.

        `on_poll` is called every 50 ms meanwhile (to show progress from the logs).

        Once a worker has failed, the others get `grace` seconds to notice and stop on their
        own (their collective operations fail when a peer stops answering); whoever is still
        running then is stopped. After `timeout` seconds in all, every worker is stopped.
        """
        ended: dict[int, float] = {}
        stopped: set[int] = set()
        deadline = self._started + timeout
        first_failure = None
        while len(ended) < len(self.processes):
            now = time.monotonic()
            for index, process in enumerate(self.processes):
                if index not in ended and process.poll() is not None:
                    ended[index] = now - self._started
                    if process.returncode != 0 and first_failure is None:
                        first_failure = index
                        deadline = min(deadline, now + grace)
            if len(ended) < len(self.processes) and now > deadline:
                stopped = {i for i in range(len(self.processes)) if i not in ended}
                self.stop()
                continue
            if on_poll is not None:
                on_poll()
            time.sleep(0.05)
        exits = [
            WorkerExit(
                index,
                process.returncode,
                round(ended[index], 1),
                index in stopped,
                _last_line(self.log(index)),
            )
            for index, process in enumerate(self.processes)
        ]
        if first_failure is not None:
            raise WorkerLostError(_loss_message(exits, first_failure, self.addresses))
        if stopped:
            raise TimeoutError(
                f"The workers did not finish within {timeout:.0f} s and were stopped; their "
                f"logs are in {self.log_dir}/."
            )
        return exits

    def stop(self) -> None:
        """Kill every worker still running, by its process id, and reap it."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()
        for process in self.processes:
            process.wait(timeout=30)

    def __enter__(self) -> "LocalCluster":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _describe(returncode: int) -> str:
    if returncode < 0:
        return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with code {returncode}"


def _last_line(log: str) -> str:
    lines = [line for line in log.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _loss_message(exits: list[WorkerExit], lost: int, addresses: list[str]) -> str:
    first = exits[lost]
    parts = [f"Lost worker {lost} ({addresses[lost]}): it {_describe(first.returncode)}."]
    for other in exits:
        if other.index == lost:
            continue
        if other.stopped_by_launcher:
            parts.append(f"Worker {other.index} did not stop by itself and was stopped.")
        else:
            waited = max(0.0, other.seconds - first.seconds)
            parts.append(
                f"Worker {other.index} stopped {waited:.1f} s later, "
                f"{_describe(other.returncode)}: {other.last_line}"
            )
    return " ".join(parts)
