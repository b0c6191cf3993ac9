"""Grading typed answers: parse what students write, compare, give partial credit, diagnose.

>>> from exercises.core import AnswerSpec
>>> parse_answer("6@28×28", AnswerSpec("shape"))
(6, 28, 28)
"""

from cnngrade.grader.answers.grade import grade_answer, missing_verdict
from cnngrade.grader.answers.parse import parse_answer
from cnngrade.grader.answers.text import FormatError

__all__ = ["FormatError", "grade_answer", "missing_verdict", "parse_answer"]
