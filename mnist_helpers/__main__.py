"""`python -m mnist_helpers`: train the classroom notebook's model, evaluate it, write a report.

Bad options are usage errors before any work: numbers out of range, an output folder that
cannot be written. Ctrl-C or SIGTERM stops the job with one line saying what was written,
and exit code 130.
"""

import argparse
import contextlib
import signal
import sys
from pathlib import Path

from mnist_helpers import predict_cli
from mnist_helpers.cluster import WorkerLostError
from mnist_helpers.errors import MnistDataError
from mnist_helpers.report import InterruptedAfterWriting, JobSettings, check_output_dir, run_job
from mnist_helpers.worker import run_workers

INTERRUPTED_EXIT_CODE = 130  # 128 + SIGINT, what shells report for Ctrl-C.
MAX_SEED = 2**32 - 1  # NumPy's seeds, which keras.utils.set_random_seed sets, stop there.


def main(argv: list[str] | None = None) -> None:
    """Run the job with the options in `argv` (default: the command line); print one line."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["predict"]:
        raise SystemExit(predict_cli.main(argv[1:]))
    parser = _make_parser()
    args = parser.parse_args(argv)
    settings = JobSettings(
        source=args.source,
        epochs=args.epochs,
        batch_size=args.batch_size,
        shuffle_buffer=args.shuffle_buffer,
        seed=args.seed,
        progress=not args.no_progress,
    )
    try:
        with _sigterm_as_ctrl_c():
            if args.workers > 1:
                metrics = run_workers(settings, args.workers, args.output, args.checkpoints)
            else:
                metrics = run_job(settings, args.output)
    except MnistDataError as error:
        parser.error(str(error))  # A clear message and exit code 2, not a traceback.
    except WorkerLostError as error:
        parser.exit(3, f"{parser.prog}: {error}\n")
    except KeyboardInterrupt as stop:
        written = (
            f"report written to {args.output}/"
            if isinstance(stop, InterruptedAfterWriting)
            else "nothing written"
        )
        print(f"interrupted: {written}", file=sys.stderr)
        sys.exit(INTERRUPTED_EXIT_CODE)
    print(
        f"test accuracy {metrics['test_accuracy']:.2%} on {metrics['test_digits']:,} digits "
        f"after {settings.epochs} epochs on {metrics['train_digits']:,} "
        f"({metrics['wall_seconds']} s); report in {args.output}/"
    )


def _make_parser() -> argparse.ArgumentParser:
    defaults = JobSettings()
    parser = argparse.ArgumentParser(
        prog="python -m mnist_helpers",
        description="Train the classroom notebook's 784-784-256-10 model on MNIST, evaluate it "
        "on the test set, and write metrics.json, plots and model.keras to the output folder.",
        epilog="Then read the digits in your image files: python -m mnist_helpers predict --help",
    )
    parser.add_argument(
        "--source",
        default=defaults.source,
        help="auto (default; $MNIST_SOURCE pins it), keras, sample, or a path to IDX files or "
        "an .npz",
    )
    parser.add_argument("--epochs", type=_at_least_one, default=defaults.epochs)
    parser.add_argument("--batch-size", type=_at_least_one, default=defaults.batch_size)
    parser.add_argument("--shuffle-buffer", type=_at_least_one, default=defaults.shuffle_buffer)
    parser.add_argument("--seed", type=_seed, default=defaults.seed, help=f"0 to {MAX_SEED}")
    # A string default, so that argparse checks it like a given folder.
    parser.add_argument("--output", type=_output_dir, default="reports/latest")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument("--workers", type=_at_least_one, default=1, help="N processes, 127.0.0.1")
    parser.add_argument("--checkpoints", type=Path, help="with --workers: resume from here")
    return parser


def _at_least_one(text: str) -> int:
    return _whole_number(text, 1, None)


def _seed(text: str) -> int:
    return _whole_number(text, 0, MAX_SEED)


def _whole_number(text: str, low: int, high: int | None) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        allowed = f"at least {low}" if high is None else f"from {low} to {high}"
        raise argparse.ArgumentTypeError(f"must be a whole number, {allowed}; got {text!r}")
    return value


def _output_dir(text: str) -> Path:
    try:
        check_output_dir(Path(text))
    except MnistDataError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return Path(text)


@contextlib.contextmanager
def _sigterm_as_ctrl_c():
    """SIGTERM (a supervisor, `kill`) stops the job as Ctrl-C does: cleanly, one line."""
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    main()
