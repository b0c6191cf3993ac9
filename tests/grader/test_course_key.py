"""The course key: created once beside the manifest (0600), read afterwards, never shown, clear errors."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from cnngrade.grader.course_key import (
    KEY_ENV,
    CourseKey,
    course_key_path,
    fingerprint_of,
    load_course_key,
)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)


def _manifest(tmp_path):
    path = tmp_path / "course" / "hw1.yaml"
    path.parent.mkdir()
    path.write_text("id: hw1\nexercises: []\n")
    return path


def test_created_on_first_use_private_and_stable(tmp_path):
    manifest = _manifest(tmp_path)
    key = load_course_key(manifest)
    path = manifest.parent / ".cnngrade" / "course.key"
    assert course_key_path(manifest) == path and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert (path.parent / ".gitignore").read_text().strip().endswith("*")
    assert len(key.secret) == 32 and key.fingerprint == fingerprint_of(key.secret)
    assert load_course_key(manifest) == key  # read, not recreated
    assert load_course_key(manifest, create=False) == key
    assert sorted(p.name for p in path.parent.iterdir()) == [".gitignore", "course.key"]


def test_two_courses_get_different_keys(tmp_path):
    a = load_course_key(_manifest(tmp_path))
    other = tmp_path / "b"
    other.mkdir()
    (other / "m.yaml").write_text("id: x\n")
    b = load_course_key(other / "m.yaml")
    assert a.secret != b.secret and a.fingerprint != b.fingerprint


def test_the_secret_never_appears_in_repr_or_fingerprint(tmp_path):
    key = load_course_key(_manifest(tmp_path))
    assert key.secret.hex() not in repr(key) and str(key.secret) not in repr(key)
    assert key.secret.hex()[:16] not in key.fingerprint
    assert key.fingerprint.startswith("sha256:") and len(key.fingerprint) == 7 + 16


def test_env_and_argument_choose_the_file(tmp_path, monkeypatch):
    manifest = _manifest(tmp_path)
    env_file = tmp_path / "private" / "deep" / "k.key"
    monkeypatch.setenv(KEY_ENV, str(env_file))
    key = load_course_key(manifest)
    assert env_file.is_file() and not (manifest.parent / ".cnngrade").exists()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    explicit = tmp_path / "demo" / "course.key"
    other = load_course_key(manifest, key_file=explicit)
    assert explicit.is_file() and other != key


def test_missing_without_create_is_a_clear_error(tmp_path):
    with pytest.raises(
        ValueError, match=r"no course key at .*course\.key.*CNNGRADE_COURSE_KEY_FILE"
    ):
        load_course_key(_manifest(tmp_path), create=False)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_manifest_folder_says_where_to_put_the_key(tmp_path):
    manifest = _manifest(tmp_path)
    manifest.parent.chmod(0o555)
    try:
        with pytest.raises(
            ValueError,
            match=r"cannot create the course key .*not writable.*CNNGRADE_COURSE_KEY_FILE",
        ):
            load_course_key(manifest)
    finally:
        manifest.parent.chmod(0o755)


def test_read_only_manifest_folder_error_as_root_too(tmp_path, monkeypatch):
    manifest = _manifest(tmp_path)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(
        ValueError,
        match=r"cannot create the course key .*Permission denied.*CNNGRADE_COURSE_KEY_FILE",
    ):
        load_course_key(manifest)


@pytest.mark.parametrize("content", ["", "zz" * 32, "ab" * 4, "ab" * 32 + "\n" + "cd" * 32])
def test_a_malformed_key_is_refused(tmp_path, content):
    manifest = _manifest(tmp_path)
    path = course_key_path(manifest)
    path.parent.mkdir()
    path.write_text(content)
    with pytest.raises(ValueError, match="malformed"):
        load_course_key(manifest)


def test_a_folder_or_huge_file_in_place_of_the_key_is_refused(tmp_path):
    manifest = _manifest(tmp_path)
    path = course_key_path(manifest)
    path.mkdir(parents=True)
    with pytest.raises(ValueError, match="not a regular file"):
        load_course_key(manifest)
    path.rmdir()
    path.write_bytes(b"0" * 100_000)
    with pytest.raises(ValueError, match="not a key file"):
        load_course_key(manifest)


def test_a_key_copied_with_loose_permissions_is_made_private(tmp_path):
    manifest = _manifest(tmp_path)
    key = load_course_key(manifest)
    path = course_key_path(manifest)
    path.chmod(0o644)
    assert load_course_key(manifest) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_comments_are_ignored_and_a_hand_written_key_reads(tmp_path):
    manifest = _manifest(tmp_path)
    path = course_key_path(manifest)
    path.parent.mkdir()
    path.write_text("# mine\n\n" + "0f" * 32 + "\n")
    assert load_course_key(manifest) == CourseKey(
        bytes([0x0F] * 32), fingerprint_of(bytes([0x0F] * 32))
    )


def test_concurrent_first_runs_agree_on_one_key(tmp_path):
    manifest = _manifest(tmp_path)
    keys: list[CourseKey] = []
    threads = [
        threading.Thread(target=lambda: keys.append(load_course_key(manifest))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
