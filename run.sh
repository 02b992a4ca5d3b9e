#!/usr/bin/env bash
# One command per task on a fresh machine: installs into .venv the exact releases the task needs
# (requirements/GROUP.txt) on first use or when they change, then runs the task.
#   ./run.sh train     train the classroom notebook's model, evaluate it, write reports/latest/
#   ./run.sh test      unit tests + every notebook re-executed and compared by nbval, on all cores
#                      (./run.sh test -m "not slow": the quick subset, no chapter run)
#   ./run.sh lint      ruff on the package, tests, scripts and chapters; actionlint and zizmor
#                      on the GitHub workflows
#   ./run.sh notebooks re-execute the chapters on the embedded sample, storing fresh outputs
#                      in each .ipynb and syncing its py:percent twin (all, or the files named)
#   ./run.sh jupyter   open the chapters in JupyterLab (a .py twin opens as a notebook too)
#   ./run.sh docs      build the site from the chapters' stored outputs into docs/_build/html
#   ./run.sh docs-check open the built site in headless Chromium and check every page
#   ./run.sh benchmark time one epoch: the classroom notebook's eager loop, train, tuned and
#                      default model.fit, the matmul and roofline bounds (benchmarks/train_loop.py)
#   ./run.sh lock      re-resolve pyproject.toml's dependency groups into requirements*.txt
set -euo pipefail
cd "$(dirname "$0")"

# Before anything is created: say in one line what to install, not a traceback from pip.
check_python() {
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "run.sh needs Python 3.10 or newer as python3: install one (python.org, or your system's python3 package) and put it first on PATH" >&2
    exit 1
  fi
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    echo "run.sh needs Python's venv module: sudo apt-get install python3-venv (Debian, Ubuntu), or a python.org Python" >&2
    exit 1
  fi
}

# setup GROUP: .venv holding requirements/GROUP.txt (runtime, notebooks, test, docs, lint).
# Groups add up in one venv; the lock files agree with each other, so none undoes another.
# The venv keeps a copy of each lock it installed: a changed lock installs again.
setup() {
  local lock="requirements/$1.txt" installed=".venv/.installed-$1.txt"
  # One setup at a time (where flock exists): a second ./run.sh waits, then finds it installed.
  exec 9<"$(basename "$0")"  # after the cd above: run.sh, wherever it was started from
  ! command -v flock >/dev/null || flock 9
  if ! cmp -s "$lock" "$installed"; then
    uv_setup
    # Compiled at install, as pip does: where PYTHONDONTWRITEBYTECODE is set (Docker images
    # often set it), every process would otherwise compile TensorFlow's modules again.
    .venv/bin/uv pip install --quiet --compile-bytecode --python .venv/bin/python -r "$lock"
    cp "$lock" "$installed"
  fi
  exec 9<&-
  export PATH="$PWD/.venv/bin:$PATH"
}

# .venv with the uv that requirements/uv.txt pins, installed by pip; uv then installs the
# groups, downloading and unpacking in parallel.
uv_setup() {
  check_python
  [ -x .venv/bin/python ] || python3 -m venv .venv
  if ! cmp -s requirements/uv.txt .venv/.installed-uv.txt; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/uv.txt
    cp requirements/uv.txt .venv/.installed-uv.txt
  fi
  # uv trusts the certificates the system trusts (a company proxy's included), as pip does.
  export UV_SYSTEM_CERTS="${UV_SYSTEM_CERTS:-1}"
  # uv reads no pip.conf: an index set for pip (a mirror, a company index) is handed on to uv.
  if [ -z "${UV_DEFAULT_INDEX:-}${UV_INDEX_URL:-}" ]; then
    local index="${PIP_INDEX_URL:-}"
    [ -n "$index" ] || index="$(.venv/bin/python -m pip config list 2>/dev/null \
      | sed -n -E "s/^(global|install)\.index-url='(.*)'$/\2/p" | tail -n 1)"
    [ -z "$index" ] || export UV_DEFAULT_INDEX="$index"
  fi
}

# The lock files: the whole course venv (requirements.txt, Python 3.11 and newer: Sphinx 9 needs
# 3.11), then each group within it (down to Python 3.10 where the group resolves there).
lock() {
  uv_setup
  local compile=(.venv/bin/uv pip compile --quiet --universal --no-python-downloads
    --custom-compile-command "./run.sh lock")
  local groups=(--group pyproject.toml:docs --group pyproject.toml:test --group pyproject.toml:lint)
  echo "-e ." | "${compile[@]}" - "${groups[@]}" --python-version 3.11 -o requirements.txt
  mkdir -p requirements
  local pins
  pins="$(mktemp)"
  # Constraints name packages, not the project, and bind only where requirements.txt resolved.
  grep -E '^[A-Za-z0-9]' requirements.txt | sed -E \
    -e "s/ ; (.*)/ ; python_full_version >= '3.11' and (\1)/" \
    -e "/ ; /! s/$/ ; python_full_version >= '3.11'/" >"$pins"
  for group in runtime notebooks test docs lint uv; do
    local python=3.10 project=(-)
    case "$group" in docs | lint) python=3.11 ;; esac
    case "$group" in lint | uv) project=() ;; esac  # tools that need no mnist_helpers
    echo "-e ." | "${compile[@]}" "${project[@]}" --group "pyproject.toml:$group" \
      --constraints "$pins" --python-version "$python" --no-annotate -o "requirements/$group.txt"
  done
  rm "$pins"
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
  train) setup runtime; python -m mnist_helpers "$@" ;;
  test)
    setup test
    # One worker per core; a notebook's cells stay on one worker, in order (--dist loadfile);
    # the longest files first (conftest.py).
    python -m pytest -n auto --dist loadfile --no-loadscope-reorder \
      tests --nbval --nbval-current-env notebooks "$@" ;;
  lint)
    setup lint
    ruff check . && ruff format --check . \
      && actionlint && zizmor --offline --no-progress .github/workflows ;;
  notebooks)
    setup notebooks
    [ $# -gt 0 ] || set -- notebooks/*.py
    MNIST_SOURCE=sample jupytext --set-kernel python3 --sync --execute "$@"
    # No per-cell execution timestamps: they change every run and would fill git diffs.
    nbstripout --keep-output --keep-count --keep-id "${@/%.py/.ipynb}" ;;
  jupyter)
    setup notebooks
    # jupyter/: .py twins open as notebooks on double-click; saving stores no cell timestamps.
    export JUPYTER_CONFIG_PATH="$PWD/jupyter${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
    [ "$(id -u)" != 0 ] || set -- --allow-root "$@"  # Docker and CI containers run as root.
    cd notebooks && jupyter lab "$@" ;;
  docs)
    setup docs
    rm -rf docs/_build  # Every page from this build: none left from a renamed chapter.
    sphinx-build -M html . docs/_build -c docs -W --keep-going -n "$@" ;;
  docs-check) setup docs; browser_setup; python -m pytest docs/test_site.py "$@" ;;
  benchmark) setup runtime; python benchmarks/train_loop.py "$@" ;;
  lock) lock ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
