"""Jupyter Server settings for this repository; `./run.sh jupyter` adds this folder to
JUPYTER_CONFIG_PATH, so they apply to the course's JupyterLab and to no other.

Saving a chapter stores its cells and outputs, not when each cell ran: the per-cell
`metadata.execution` timestamps (JupyterLab's "Record timing" setting, nbclient) differ on every
run, so re-running and saving an unchanged chapter would rewrite the .ipynb in git.
"""

import warnings


def strip_execution_timestamps(model: dict, **_: object) -> None:
    """Pre-save hook: remove each cell's `metadata.execution` from a notebook about to be saved."""
    if model.get("type") != "notebook":
        return
    for cell in model["content"]["cells"]:
        cell.get("metadata", {}).pop("execution", None)


c = get_config()  # noqa: F821  (defined by Jupyter when it reads this file)
c.FileContentsManager.pre_save_hook = strip_execution_timestamps
# Jupyter Server applies this setting twice and warns that the hook replaces itself.
warnings.filterwarnings("ignore", r"Overriding existing pre_save_hook \(strip_execution_timestamps")
