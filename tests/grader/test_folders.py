"""Student folders read without trusting them: links never followed, reads bounded, odd names named."""

from __future__ import annotations

import os
import threading

from cnngrade.grader.folders import (
    LINKED_FOLDER,
    MAX_ENTRIES,
    folder_findings,
    folder_problem,
    read_bounded,
    shown,
)


def test_read_bounded_refuses_links_fifos_and_oversize(tmp_path):
    target = tmp_path / "t.txt"
    target.write_bytes(b"12345")
    assert read_bounded(target, 5) == (b"12345", None)
    data, problem = read_bounded(target, 4)
    assert data is None and "the limit is 4" in problem
    (tmp_path / "l").symlink_to(target)
    assert "is a symbolic link" in read_bounded(tmp_path / "l", 10)[1]
    os.mkfifo(tmp_path / "f")
    done = []
    reader = threading.Thread(target=lambda: done.append(read_bounded(tmp_path / "f", 10)))
    reader.start()
    reader.join(timeout=5)
    assert done and "not a regular file" in done[0][1]  # returned at once: a FIFO never blocks
    assert "could not be read" in read_bounded(tmp_path / "absent", 10)[1]


def test_folder_problem_names_links_files_and_absence(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "file").write_text("x")
    assert folder_problem(tmp_path / "real") is None
    assert folder_problem(tmp_path / "link") == LINKED_FOLDER
    assert "a file, not a folder" in folder_problem(tmp_path / "file")
    assert "no submission folder" in folder_problem(tmp_path / "absent")
    assert "no submission folder" in folder_problem(None)


def test_findings_quote_a_few_names_escaped(tmp_path):
    for i in range(5):
        (tmp_path / f"l{i}").symlink_to("/etc")
    (tmp_path / "bad\x1b[2J").write_text("")
    findings = folder_findings(tmp_path, {"l0"})
    assert findings[0].startswith("4 symbolic link(s)") and "'l1', 'l2', 'l3' ..." in findings[0]
    assert "'bad\\x1b[2J'" in findings[1] and "\x1b" not in findings[1]
    assert shown("a\nb") == "'a\\nb'"


def test_the_walk_stops_at_the_entry_limit(tmp_path):
    for i in range(MAX_ENTRIES + 1):
        (tmp_path / f"f{i}").touch()
    assert any("more than" in f for f in folder_findings(tmp_path, set()))
    (tmp_path / "f0").unlink()
    assert folder_findings(tmp_path, set()) == []
