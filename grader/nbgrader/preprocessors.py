"""cnngrade's steps inside nbgrader's converters (nbgrader preprocessors, named verb+noun).

- ``CheckCnngradeTags`` (``generate_assignment``, last): the notebook's slot tags against the manifest
  ``COURSE/cnngrade/<assignment>.yaml``; a mistake stops generation with one line saying what to fix.
  The manifest's fields (not its text: no instructor comments) are kept in the notebook's metadata,
  so fetch can personalize without the course folder (a manifest holds no answers and no secret).
- ``RestorePrompts`` (``autograde``, right before ``OverwriteCells``): a locked prompt that still shows
  the student's own problem gets its released text back, so ``OverwriteCells`` reports only real edits.
- ``PersonalizePrompts`` (``autograde``, after ``OverwriteCells``, which resets locked prompts to the
  shared text): each tagged prompt shows the student's own problem again.
- ``GradeCnngradeCells`` (``autograde``, after ``SaveAutoGrades``, which would otherwise overwrite it
  and flags Markdown answers for manual grading): each tagged slot graded by cnngrade, its score as
  the grade cell's ``auto_score`` and its findings as the answer cell's comment in gradebook.db. A
  grader fault flags the cell for manual grading with the fault as the comment.

Tags are read from the instructor's source notebook; the submission's cell metadata is not trusted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor

from cnngrade.exercises.assignment import Assignment, load_manifest
from cnngrade.grader.nbgrader.tags import (
    TAG,
    SlotCells,
    check_tags,
    manifest_path,
    nbgrader_meta,
    slot_cells,
)

__all__ = ["CheckCnngradeTags", "GradeCnngradeCells", "PersonalizePrompts", "RestorePrompts"]


def _shown(value: object) -> str:
    """Text for the instructor's terminal (student ids and exception text are not trusted)."""
    from cnngrade.grader.neutralize import for_terminal

    return for_terminal(str(value))


def _coursedir(preprocessor: Any) -> Any:
    """The nbgrader CourseDirectory of the converter running ``preprocessor``."""
    node = preprocessor
    while node is not None:
        if hasattr(node, "coursedir"):
            return node.coursedir
        node = getattr(node, "parent", None)
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(parent=preprocessor)


def _source_notebook(preprocessor: Any, resources: dict) -> Any:
    """The instructor's source notebook of the notebook being converted (else its released version;
    None if both are gone)."""
    import nbformat

    info = resources["nbgrader"]
    coursedir = _coursedir(preprocessor)
    for step in (coursedir.source_directory, coursedir.release_directory):
        path = (
            Path(coursedir.format_path(step, ".", info["assignment"])) / f"{info['notebook']}.ipynb"
        )
        if path.is_file():
            return nbformat.read(path, as_version=4)
    return None


def _source_cells(preprocessor: Any, resources: dict) -> dict[str, SlotCells]:
    """The tagged slots of the instructor's notebook for the one being converted ({}: none)."""
    source = _source_notebook(preprocessor, resources)
    return slot_cells(source) if source is not None else {}


def _prompt_slots(cells: dict[str, SlotCells]) -> dict[str, str]:
    """``{grade_id: slot}`` of the locked prompt cells (found by id: a submission's tags are not
    trusted)."""
    return {gid: c.slot for c in cells.values() for gid in c.prompts if gid is not None}


def _hidden_folders(preprocessor: Any) -> tuple[str, ...]:
    """Folders a student's code must not see: the course (keys, gradebook, every submission) and the
    exchange (everyone's hand-ins)."""
    from nbgrader.exchange.default.exchange import Exchange

    folders = [Path(_coursedir(preprocessor).root), Path(Exchange(config=preprocessor.config).root)]
    return tuple(dict.fromkeys(str(f.resolve()) for f in folders))


def _manifest(preprocessor: Any, assignment: str) -> tuple[Path, Assignment]:
    path = manifest_path(_coursedir(preprocessor).root, assignment)
    if not path.is_file():
        raise ValueError(
            f"{path}: no cnngrade manifest for the nbgrader assignment {assignment!r}; write one "
            "there (see README, 'nbgrader')"
        )
    return path, load_manifest(path)


class CheckCnngradeTags(NbGraderPreprocessor):
    """Check the notebook's slot tags against the manifest and keep the manifest in its metadata."""

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        cells = slot_cells(nb)
        if not cells:
            return nb, resources
        name = resources["nbgrader"]["assignment"]
        path, assignment = _manifest(self, name)
        problems = check_tags(cells, assignment)
        if problems:
            raise ValueError(f"{resources['nbgrader']['notebook']}.ipynb: " + "; ".join(problems))
        from cnngrade.grader.nbgrader.prompts import public_manifest

        nb.metadata[TAG] = {"assignment": name, "manifest": public_manifest(assignment)}
        return nb, resources


class RestorePrompts(NbGraderPreprocessor):
    """Give each locked prompt that still shows the student's own problem its released text back.

    Runs right before ``OverwriteCells``, so that check reports only prompts the student really
    edited (it would otherwise warn "checksum has changed" for every personalized prompt).
    """

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        from nbgrader.api import Gradebook, MissingEntry

        from cnngrade.grader.nbgrader.prompts import slot_prompts

        by_id = _prompt_slots(_source_cells(self, resources))
        if not by_id:
            return nb, resources
        info = resources["nbgrader"]
        try:
            prompts = slot_prompts(_manifest(self, info["assignment"])[1], info["student"])
        except ValueError:
            return nb, resources  # PersonalizePrompts reports it
        with Gradebook(info["db_url"]) as gb:
            for cell in nb.cells:
                gid = nbgrader_meta(cell).get("grade_id")
                if gid not in by_id or cell.source != prompts.get(by_id[gid]):
                    continue
                try:
                    released = gb.find_source_cell(gid, info["notebook"], info["assignment"])
                except MissingEntry:
                    continue
                cell.source = released.source
                cell.metadata.nbgrader["checksum"] = released.checksum
        return nb, resources


class PersonalizePrompts(NbGraderPreprocessor):
    """Write the student's own problem into each tagged prompt cell of a submission."""

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        from cnngrade.grader.nbgrader.prompts import personalize_notebook

        cells = _source_cells(self, resources)
        if not cells:
            return nb, resources
        by_id = _prompt_slots(cells)
        for cell in nb.cells:
            gid = nbgrader_meta(cell).get("grade_id")
            if gid in by_id and cell.cell_type == "markdown":
                cell.metadata[TAG] = {"slot": by_id[gid]}
        try:
            _, assignment = _manifest(self, resources["nbgrader"]["assignment"])
            personalize_notebook(nb, assignment, resources["nbgrader"]["student"])
        except ValueError as exc:
            self.log.error("cnngrade: prompts not personalized: %s", _shown(exc))
        return nb, resources


class GradeCnngradeCells(NbGraderPreprocessor):
    """Grade every tagged slot with cnngrade and write the scores and comments into gradebook.db."""

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        from nbgrader.api import Gradebook

        cells = _source_cells(self, resources)
        if not cells:
            return nb, resources
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            writer = _GradeWriter(gb, info, self.log)
            try:
                path, assignment = _manifest(self, info["assignment"])
                from cnngrade.grader.course_key import load_course_key

                secret = load_course_key(path).secret
            except ValueError as exc:
                for c in cells.values():
                    writer.fault(c, str(exc), "en")
                return nb, resources
            self._grade_all(nb, cells, assignment, secret, writer)
        return nb, resources

    def _grade_all(self, nb: Any, cells: dict[str, SlotCells], assignment: Assignment,
                   secret: bytes, writer: _GradeWriter) -> None:  # fmt: skip
        from cnngrade.grader.nbgrader.grading import grade_slot

        slots = {s.slot: s for s in assignment.slots}
        # cells that are never a code slot's helpers: every tagged answer, every tests cell
        skip = [c.answer for c in cells.values() if c.answer] + [
            gid
            for cell in nb.cells
            if (meta := nbgrader_meta(cell)).get("grade") and not meta.get("solution")
            for gid in [meta.get("grade_id")]
            if isinstance(gid, str)
        ]
        hide = _hidden_folders(self)
        student = writer.info["student"]
        for slot_id, c in cells.items():
            if c.grade is None:
                continue
            if slot_id not in slots:
                why = f"slot {slot_id!r} is tagged in the notebook but not in the manifest {assignment.source}"
                self.log.error("cnngrade: %s", _shown(why))
                writer.fault(c, why, assignment.language)
                continue
            try:
                verdict = grade_slot(slots[slot_id], c, nb, assignment, student, secret=secret,
                                     skip_ids=skip, hide_paths=hide)  # fmt: skip
            except Exception as exc:  # the grader's own failure: flagged, never a silent score
                self.log.error(
                    "cnngrade: %s %s not graded: %s", _shown(student), slot_id, _shown(exc)
                )
                writer.fault(c, f"{type(exc).__name__}: {exc}", assignment.language)
                continue
            writer.write(c, verdict, assignment.language)
            self.log.info(
                "cnngrade: %s %s %g / %g",
                _shown(student),
                slot_id,
                verdict.score,
                verdict.max_score,
            )


class _GradeWriter:
    """Writes one notebook's cnngrade results into the gradebook (grade cells and answer comments)."""

    def __init__(self, gb: Any, info: dict, log: Any) -> None:
        self.gb, self.info, self.log = gb, info, log

    def _find(self, kind: str, cell_id: str) -> Any:
        finder = self.gb.find_grade if kind == "grade" else self.gb.find_comment
        return finder(cell_id, self.info["notebook"], self.info["assignment"], self.info["student"])

    def write(self, cells: SlotCells, verdict: Any, lang: str) -> None:
        from cnngrade.grader.nbgrader.feedback import verdict_comment

        grade = self._find("grade", cells.grade)
        points = float(grade.max_score)
        fraction = verdict.score / verdict.max_score if verdict.max_score else 0.0
        grade.auto_score = round(min(max(fraction, 0.0), 1.0) * points, 6)
        # as SaveAutoGrades: a grade a person gave earlier still needs a look
        grade.needs_manual_grade = grade.manual_score is not None
        if cells.answer is not None:
            self._find("comment", cells.answer).auto_comment = verdict_comment(
                verdict, points, lang
            )
        self.gb.db.commit()

    def fault(self, cells: SlotCells, why: str, lang: str) -> None:
        from cnngrade.grader.nbgrader.feedback import fault_comment

        if cells.grade is not None:
            grade = self._find("grade", cells.grade)
            grade.auto_score = None
            grade.needs_manual_grade = True
        if cells.answer is not None:
            self._find("comment", cells.answer).auto_comment = fault_comment(why, lang)
        self.gb.db.commit()
