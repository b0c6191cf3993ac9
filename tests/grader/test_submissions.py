"""Reading student folders defensively: symlinks, YAML bombs, huge numbers, odd values."""

from __future__ import annotations

import time

from cnngrade.exercises.assignment import Slot
from cnngrade.grader.submissions import fingerprint, read_submission

SLOTS = (
    Slot("a.1", "a", "answer", 1, 1.0),
    Slot("b.1", "b", "answer", 1, 1.0),
    Slot("c.1", "c", "code", 1, 1.0),
)


def _folder(tmp_path, text=None, raw=None):
    folder = tmp_path / "s1"
    folder.mkdir()
    if text is not None:
        (folder / "answers.yaml").write_text(text, encoding="utf-8")
    if raw is not None:
        (folder / "answers.yaml").write_bytes(raw)
    return folder


def test_values_become_the_text_students_meant(tmp_path):
    sub = read_submission(_folder(tmp_path, "a.1: [1, 6, 28, 28]\nb: 60964224\n"), "s1", SLOTS)
    assert sub.answers == {"a.1": "[1, 6, 28, 28]", "b.1": "60964224"} and not sub.errors


def test_a_yaml_bomb_is_refused_quickly(tmp_path):
    lines = ["x0: &x0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]" for i in range(1, 9)]
    lines.append("a.1: *x8")
    start = time.perf_counter()
    sub = read_submission(_folder(tmp_path, "\n".join(lines)), "s1", SLOTS)
    assert time.perf_counter() - start < 2.0
    assert sub.answers["a.1"] == "<an answer with too many entries>"


def test_huge_integer_and_deep_nesting_are_errors_not_crashes(tmp_path):
    sub = read_submission(_folder(tmp_path, "a.1: " + "9" * 100_000 + "\n"), "s1", SLOTS)
    assert sub.errors and "too large" in sub.errors[0]
    (tmp_path / "j").mkdir()
    (tmp_path / "j" / "answers.json").write_text('{"a.1": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert read_submission(tmp_path / "j", "s1", SLOTS).errors


def test_symlinks_are_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("a.1: the instructor's key\n")
    folder = _folder(tmp_path)
    (folder / "answers.yaml").symlink_to(secret)
    (folder / "c.py").symlink_to(secret)
    sub = read_submission(folder, "s1", SLOTS)
    assert not sub.answers and "symbolic link" in sub.errors[0] and not sub.code_files


def test_code_files_by_slot_or_exercise_id(tmp_path):
    folder = _folder(tmp_path, "a.1: 1\n")
    (folder / "c.ipynb").write_text("{}")
    assert read_submission(folder, "s1", SLOTS).code_files == {"c.1": folder / "c.ipynb"}
    (folder / "c.1.py").write_text("x = 1\n")
    assert read_submission(folder, "s1", SLOTS).code_files == {"c.1": folder / "c.1.py"}


def test_not_a_mapping_and_no_file(tmp_path):
    assert (
        "must map slot ids"
        in read_submission(_folder(tmp_path, "- 1\n- 2\n"), "s1", SLOTS).errors[0]
    )
    (tmp_path / "empty").mkdir()
    assert "no answers file" in read_submission(tmp_path / "empty", "s1", SLOTS).errors[0]


def test_fingerprint_changes_with_the_submission_and_settings(tmp_path):
    folder = _folder(tmp_path, "a.1: 1\n")
    first = fingerprint("id: hw", folder)
    assert first == fingerprint("id: hw", folder)
    assert first != fingerprint("id: hw2", folder) and first != fingerprint(
        "id: hw", folder, "solutions"
    )
    (folder / "answers.yaml").write_text("a.1: 2\n")
    assert first != fingerprint("id: hw", folder)


def test_a_linked_folder_is_refused_with_its_code_slots(tmp_path):
    real = _folder(tmp_path, "a.1: 1\n")
    (real / "c.py").write_text("x = 1\n")
    link = tmp_path / "s2"
    link.symlink_to(real, target_is_directory=True)
    sub = read_submission(link, "s2", SLOTS)
    assert not sub.answers and not sub.code_files
    assert sub.errors == ("the folder is a symbolic link; hand in a real folder",)
    assert sub.rejected == {"c.1": "the folder is a symbolic link; hand in a real folder"}
    assert "no submission folder" in read_submission(tmp_path / "absent", "x", SLOTS).errors[0]
    (tmp_path / "file").write_text("x")
    assert "a file, not a folder" in read_submission(tmp_path / "file", "x", SLOTS).errors[0]


def test_a_linked_or_odd_code_file_is_rejected_with_a_reason(tmp_path):
    import os

    folder = _folder(tmp_path, "a.1: 1\n")
    (tmp_path / "elsewhere.py").write_text("x = 1\n")
    (folder / "c.py").symlink_to(tmp_path / "elsewhere.py")
    sub = read_submission(folder, "s1", SLOTS)
    assert not sub.code_files and "'c.py' is a symbolic link" in sub.rejected["c.1"]
    (folder / "c.ipynb").write_text("{}")  # a real file of the slot wins over the refused one
    sub = read_submission(folder, "s1", SLOTS)
    assert sub.code_files == {"c.1": folder / "c.ipynb"} and not sub.rejected
    (folder / "c.ipynb").unlink()
    (folder / "c.py").unlink()
    os.mkfifo(folder / "c.py")
    assert "not a regular file" in read_submission(folder, "s1", SLOTS).rejected["c.1"]
    (folder / "c.py").unlink()
    (folder / "c.py").write_bytes(b"#" * 1_000_001)
    assert "the limit is 1,000,000" in read_submission(folder, "s1", SLOTS).rejected["c.1"]


def test_a_fifo_or_huge_answers_file_is_an_error_and_never_blocks(tmp_path):
    import os

    folder = tmp_path / "s1"
    folder.mkdir()
    os.mkfifo(folder / "answers.yaml")
    start = time.perf_counter()
    sub = read_submission(folder, "s1", SLOTS)
    assert time.perf_counter() - start < 2.0
    assert "'answers.yaml' is not a regular file" in sub.errors[0]
    (folder / "answers.yaml").unlink()
    (folder / "answers.yaml").write_text("a.1: " + "1" * 1_000_000)
    assert "the limit is 1,000,000" in read_submission(folder, "s1", SLOTS).errors[0]


def test_nested_links_odd_names_and_floods_are_findings(tmp_path):
    from cnngrade.grader.submissions import MAX_ENTRIES

    folder = _folder(tmp_path, "a.1: 1\n")
    (folder / "deep" / "er").mkdir(parents=True)
    (folder / "deep" / "er" / "l").symlink_to("/etc")
    (folder / "deep" / "x\u202egnp.py").write_text("")
    errors = read_submission(folder, "s1", SLOTS).errors
    assert any("1 symbolic link(s)" in e and "'deep/er/l'" in e for e in errors)
    assert any("'deep/x\\u202egnp.py'" in e for e in errors)
    for i in range(MAX_ENTRIES):
        (folder / "deep" / f"f{i}").touch()
    sub = read_submission(folder, "s1", SLOTS)
    assert any(f"more than {MAX_ENTRIES:,}" in e for e in sub.errors) and sub.answers == {
        "a.1": "1"
    }


def test_fingerprint_hashes_links_as_links_and_is_bounded(tmp_path):
    folder = _folder(tmp_path, "a.1: 1\n")
    target = tmp_path / "t.txt"
    target.write_text("one")
    (folder / "l").symlink_to(target)
    first = fingerprint("m", folder)
    target.write_text("two")  # the link's target is never read
    assert fingerprint("m", folder) == first
    link = tmp_path / "s2"
    link.symlink_to(folder, target_is_directory=True)
    assert fingerprint("m", link) != fingerprint("m", folder)


def test_many_unknown_keys_make_few_findings(tmp_path):
    import json

    folder = tmp_path / "s1"
    folder.mkdir()
    (folder / "answers.json").write_text(
        json.dumps({f"k{i}": i for i in range(10_000)} | {"a.1": 1})
    )
    sub = read_submission(folder, "s1", SLOTS)
    assert sub.answers == {"a.1": "1"} and len(sub.errors) == 6
    assert sub.errors[-1] == "answers.json: 9995 more unknown slots (ignored)"
