#!/usr/bin/env bash
# One command per task on a fresh machine: sets up .venv on first use (or when
# requirements.txt changes), then runs the task.
#   ./run.sh train     train the classroom notebook's model, evaluate it, write reports/latest/
#   ./run.sh test      unit tests + every notebook re-executed and compared by nbval
#   ./run.sh lint      ruff on the package, tests, scripts and the notebooks' text twins
#   ./run.sh notebooks re-execute the chapters on the embedded sample, storing fresh outputs
#                      in each .ipynb and syncing its py:percent twin (all, or the files named)
#   ./run.sh jupyter   open the chapters in JupyterLab (a .py twin opens as a notebook too)
#   ./run.sh docs      build the site from the chapters, executed now, into docs/_build/html
#   ./run.sh docs-check open the built site in headless Chromium and check every page
#   ./run.sh benchmark time one epoch: the classroom notebook's eager loop, train, tuned and
#                      default model.fit, the matmul and roofline bounds (benchmarks/train_loop.py)
set -euo pipefail
cd "$(dirname "$0")"

setup() {
  if [ ! -f .venv/.installed ] || [ requirements.txt -nt .venv/.installed ] \
     || [ pyproject.toml -nt .venv/.installed ]; then
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r requirements.txt
    touch .venv/.installed
  fi
  export PATH="$PWD/.venv/bin:$PATH"
}

# The browser check needs Debian's Chromium, its driver and a Chinese font.
browser_setup() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && fc-list :lang=zh | grep -q .; then
    return
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "docs-check needs: sudo apt-get install chromium chromium-driver fonts-noto-cjk" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive  # CI has no terminal to answer a prompt.
  apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
}

task="${1:-}"
[ $# -gt 0 ] && shift
case "$task" in
  train) setup; python -m mnist_helpers "$@" ;;
  test) setup; python -m pytest tests --nbval --nbval-current-env notebooks "$@" ;;
  lint) setup; ruff check . && ruff format --check . ;;
  notebooks)
    setup
    [ $# -gt 0 ] || set -- notebooks/*.py
    MNIST_SOURCE=sample jupytext --set-kernel python3 --sync --execute "$@"
    # No per-cell execution timestamps: they change every run and would fill git diffs.
    nbstripout --keep-output --keep-count --keep-id "${@/%.py/.ipynb}" ;;
  jupyter)
    setup
    # jupyter/: .py twins open as notebooks on double-click; saving stores no cell timestamps.
    export JUPYTER_CONFIG_PATH="$PWD/jupyter${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
    [ "$(id -u)" != 0 ] || set -- --allow-root "$@"  # Docker and CI containers run as root.
    cd notebooks && jupyter lab "$@" ;;
  docs)
    setup
    rm -rf docs/_build  # Every page from this build: none left from a renamed chapter.
    sphinx-build -M html . docs/_build -c docs -W --keep-going -n "$@" ;;
  docs-check) setup; browser_setup; python -m pytest docs/test_site.py "$@" ;;
  benchmark) setup; python benchmarks/train_loop.py "$@" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
