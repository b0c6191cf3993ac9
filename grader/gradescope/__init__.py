"""Gradescope: an autograder bundle (``build_bundle``) and what it runs per submission (``run``)."""

from cnngrade.grader.gradescope.bundle import Bundle, build_bundle

__all__ = ["Bundle", "build_bundle"]
