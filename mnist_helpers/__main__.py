"""`python -m mnist_helpers`: train the classroom notebook's model, evaluate it, write a report;
`python -m mnist_helpers predict IMAGE...`: read the digit in each image file with that model.

Bad options are usage errors (exit code 2, one line, no traceback) before any work: numbers
out of range, an output or checkpoint folder that cannot be used, an option that does
nothing in the mode given. Ctrl-C or SIGTERM stops the job with one line saying what was
written, and exit code 130.
"""

import argparse
import contextlib
import signal
import sys
from pathlib import Path

from mnist_helpers.cluster import WorkerLostError
from mnist_helpers.errors import MnistDataError
from mnist_helpers.job import (
    MAX_LOCAL_WORKERS,
    SETTING_OPTIONS,
    InterruptedAfterWriting,
    add_setting_options,
    run_job,
    run_workers,
    settings_from_args,
    whole_number,
)
from mnist_helpers.predict import check_digit_model, load_model, predict_digit

INTERRUPTED_EXIT_CODE = 130  # 128 + SIGINT, what shells report for Ctrl-C.
WORKER_LOST_EXIT_CODE = 3
DEFAULT_OUTPUT = Path("reports/latest")
DEFAULT_MODEL = DEFAULT_OUTPUT / "model.keras"
JOB_ONLY_FLAGS = ("--output", "--no-progress", "--workers", "--checkpoints")


def main(argv: list[str] | None = None) -> None:
    """Run the job or `predict` with the options in `argv` (default: the command line)."""
    argv = sys.argv[1:] if argv is None else argv
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command == "predict":
        job_options = _job_options_given(argv[: argv.index("predict")])
        if job_options:
            parser.error(f"{', '.join(job_options)} do(es) nothing with predict: leave it out.")
        sys.exit(_predict(args, args.parser))
    _train(args, parser)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mnist_helpers",
        description="Train the classroom notebook's 784-784-256-10 model on MNIST, evaluate it "
        "on the test set, and write metrics.json, plots and model.keras to the output folder.",
    )
    add_setting_options(parser)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the report folder")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress lines")
    parser.add_argument(
        "--workers",
        type=whole_number(1, MAX_LOCAL_WORKERS),
        default=1,
        help="train as N worker processes on this machine; their gRPC ports listen on every "
        "network interface, without authentication, while the job runs",
    )
    parser.add_argument(
        "--checkpoints", type=Path, help="with --workers: save every epoch here, resume from it"
    )
    commands = parser.add_subparsers(dest="command", metavar="{predict}", title="commands")
    predict = commands.add_parser(
        "predict",
        prog="python -m mnist_helpers predict",
        help="read the digit in image files with the model the job saved",
        description="Predict the digit in each image file (PNG, JPEG, ...; one digit per image, "
        "dark on light or light on dark, any size) with a model the main job saved. A file "
        "that cannot be read is reported and the next one is read.",
    )
    predict.add_argument("images", nargs="+", type=Path, help="image files, one digit each")
    predict.add_argument(
        "--model",
        type=Path,
        default=DEFAULT_MODEL,
        help=f"a .keras model (default: {DEFAULT_MODEL}, written by python -m mnist_helpers)",
    )
    predict.set_defaults(parser=predict)
    return parser


def _train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    settings = settings_from_args(args)
    progress = not args.no_progress
    if args.checkpoints is not None and args.workers < 2:
        parser.error(
            "--checkpoints works with --workers N (N >= 2) only: the one-process job saves no "
            "checkpoints."
        )
    try:
        with _sigterm_as_ctrl_c():
            if args.workers > 1:
                metrics = run_workers(
                    settings, args.workers, args.output, args.checkpoints, progress=progress
                )
            else:
                metrics = run_job(settings, args.output, progress=progress)
    except MnistDataError as error:
        parser.error(str(error))  # A clear message and exit code 2, not a traceback.
    except WorkerLostError as error:
        parser.exit(WORKER_LOST_EXIT_CODE, f"{parser.prog}: {error}\n")
    except OSError as error:  # The disk filled up, a folder vanished: what the system said.
        where = f"{error.filename}: " if error.filename else ""
        parser.exit(1, f"{parser.prog}: {where}{error.strerror or error}\n")
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


def _predict(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Print `file: digit (probability)` per image; 1 if any image could not be read."""
    try:
        model = load_model(args.model)
        check_digit_model(model, args.model)
    except MnistDataError as error:
        parser.error(str(error))
    failed = False
    for path in args.images:
        try:
            prediction = predict_digit(path, model)
        except MnistDataError as error:
            print(f"{path}: {error}", file=sys.stderr)
            failed = True
            continue
        probability = prediction.probabilities[prediction.digit]
        print(f"{path}: {prediction.digit} ({probability:.1%})")
    return 1 if failed else 0


def _job_options_given(words: list[str]) -> list[str]:
    flags = [option.flag for option in SETTING_OPTIONS] + list(JOB_ONLY_FLAGS)
    return [
        flag for flag in flags if any(word == flag or word.startswith(f"{flag}=") for word in words)
    ]


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
