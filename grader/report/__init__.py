"""The instructor's class report: ``write_report(OUT)`` writes ``OUT/report.html`` from a graded folder."""

from cnngrade.grader.report.data import ClassData, load_class, write_class_file
from cnngrade.grader.report.page import REPORT_FILE, report_html, write_report
from cnngrade.grader.report.stats import corrected_item_total, slot_statistics

__all__ = [
    "REPORT_FILE",
    "ClassData",
    "corrected_item_total",
    "load_class",
    "report_html",
    "slot_statistics",
    "write_class_file",
    "write_report",
]
