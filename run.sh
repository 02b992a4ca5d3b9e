#!/usr/bin/env bash
# One command per task on a fresh machine: sets up .venv on first use (or when
# requirements.txt changes), then runs the task.
#   ./run.sh train     train the seed's model, evaluate it, write reports/latest/
#   ./run.sh test      unit tests + every notebook re-executed and compared by nbval
#   ./run.sh lint      ruff on the package, tests, scripts and the notebooks' text twins
#   ./run.sh notebooks re-execute the chapters on the embedded sample, storing fresh outputs
#                      in each .ipynb and syncing its py:percent twin (all, or the files named)
#   ./run.sh jupyter   open the chapters in Jupyter
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

task="${1:-}"
[ $# -gt 0 ] && shift
case "$task" in
  train) setup; python -m mnist_helpers "$@" ;;
  test) setup; python -m pytest tests --nbval --nbval-current-env notebooks "$@" ;;
  lint) setup; ruff check . && ruff format --check . ;;
  notebooks)
    setup
    [ $# -gt 0 ] || set -- notebooks/*.py
    MNIST_SOURCE=sample jupytext --set-kernel python3 --sync --execute "$@" ;;
  jupyter) setup; jupyter notebook notebooks/ "$@" ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
