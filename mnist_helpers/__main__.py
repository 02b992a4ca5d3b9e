"""`python -m mnist_helpers`: train the seed's model, evaluate it, write a report."""

import argparse
from pathlib import Path

from mnist_helpers.cluster import WorkerLostError
from mnist_helpers.errors import MnistDataError
from mnist_helpers.report import JobSettings, run_job
from mnist_helpers.worker import run_workers


def main(argv: list[str] | None = None) -> None:
    defaults = JobSettings()
    parser = argparse.ArgumentParser(
        prog="python -m mnist_helpers",
        description="Train the seed's 784-784-256-10 model on MNIST, evaluate it on the test "
        "set, and write metrics.json and plots to the output folder.",
    )
    parser.add_argument(
        "--source",
        default=defaults.source,
        help="auto (default; $MNIST_SOURCE pins it), keras, sample, or a path to IDX files or "
        "an .npz",
    )
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--shuffle-buffer", type=int, default=defaults.shuffle_buffer)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--output", type=Path, default=Path("reports/latest"))
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument("--workers", type=int, default=1, help="N processes on 127.0.0.1")
    parser.add_argument("--checkpoints", type=Path, help="with --workers: resume from here")
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
        if args.workers > 1:
            metrics = run_workers(settings, args.workers, args.output, args.checkpoints)
        else:
            metrics = run_job(settings, args.output)
    except MnistDataError as error:
        parser.error(str(error))  # A clear message and exit code 2, not a traceback.
    except WorkerLostError as error:
        parser.exit(3, f"{parser.prog}: {error}\n")
    print(
        f"test accuracy {metrics['test_accuracy']:.2%} on {metrics['test_digits']:,} digits "
        f"after {settings.epochs} epochs on {metrics['train_digits']:,} "
        f"({metrics['wall_seconds']} s); report in {args.output}/"
    )


if __name__ == "__main__":
    main()
