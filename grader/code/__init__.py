"""Grading student code: cases in the sandbox, comparison in the parent, hints, shrunk counterexamples."""

from cnngrade.grader.code.grade import check, check_source, grade_code, grade_code_file, read_source
from cnngrade.grader.code.report import CodeReport

__all__ = ["CodeReport", "check", "check_source", "grade_code", "grade_code_file", "read_source"]
