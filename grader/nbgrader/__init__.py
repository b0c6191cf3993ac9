"""cnngrade inside nbgrader: personal variants in the notebooks, grades in gradebook.db, feedback,
export, and a one-line self-check for students (see README, "nbgrader").

Modules: ``tags`` (cell tags to slots), ``prompts`` (a student's problem in a prompt cell),
``preprocessors`` (nbgrader steps), ``grading`` (one slot of a saved notebook), ``feedback`` (the
answer cell's comment), ``personalize`` (the fetch exchange), ``export`` (slot columns), ``config`` and
``init`` (the course's nbgrader_config.py), ``selfcheck`` (``check``). Only ``check`` is imported
here, so a student's kernel does not load nbgrader.
"""

from __future__ import annotations

from cnngrade.grader.nbgrader.selfcheck import check

__all__ = ["check"]
