"""The README's task list is the Makefile's, so a new task cannot go unmentioned."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_lists_every_make_task_as_make_prints_it():
    listed = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    readme = (ROOT / "README.md").read_text()
    for line in listed.splitlines():
        assert line in readme, f"README lacks the task line: {line.strip()}"
