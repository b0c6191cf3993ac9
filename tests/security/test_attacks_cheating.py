"""Attacks on the verdict: lying objects, patched comparisons, searches for the answer, forbidden APIs.

Each submission is a wrong conv2d; each must end in a failing result with a clear message, and the
expected output (computed here, in the parent) must never be reachable from the child.
"""

from __future__ import annotations

import ast
import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from cnngrade.grader.sandbox import probe_isolation
from cnngrade.grader.sandbox.isolation import REPO_ROOT
from cnngrade.grader.sandbox.runtime import confine
from security_harness import EXPECTED, X, attack, needs_level, passes

MINIMAL_ROOT = "minimal-root" in probe_isolation().mechanisms
#: what the child's /tmp may hold: its scratch folder, and the way to an interpreter kept under /tmp
TMP_VIEW = {"work"} | {p.split("/")[2] for p in confine.keep_dirs() if p.startswith("/tmp/")}
ZEROS = "import numpy as np\n\ndef _zeros(x, w):\n    return np.zeros((x.shape[0], w.shape[0], x.shape[2] - 2, x.shape[3] - 2))\n"


def test_patching_numpy_comparisons_does_not_reach_the_parent() -> None:
    report = attack(
        ZEROS
        + (
            "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
            "np.isclose = lambda a, b, **k: np.ones_like(a, dtype=bool)\n"
            "np.testing.assert_allclose = lambda *a, **k: None\n"
            "def conv2d(x, w):\n    return _zeros(x, w)\n"
        )
    )
    assert report.results[0].ok and not passes(report)
    assert not np.allclose(np.zeros(2), np.ones(2))


def test_patching_torch_and_math_comparisons_changes_nothing() -> None:
    report = attack(
        ZEROS
        + (
            "import torch, math\ntorch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n"
            "math.isclose = lambda *a, **k: True\n"
            "def conv2d(x, w):\n    return torch.from_numpy(_zeros(x, w))\n"
        )
    )
    assert not passes(report)
    assert not torch.allclose(torch.zeros(2), torch.ones(2)) and not math.isclose(0.0, 1.0)


def test_object_with_lying_eq_is_invalid_output() -> None:
    report = attack(
        "class Liar:\n    def __eq__(self, other):\n        return True\n"
        "    __hash__ = None\n    shape = (1, 3, 4, 3)\n"
        "def conv2d(x, w):\n    return Liar()\n"
    )
    assert (
        report.results[0].status == "invalid_output" and "Liar object" in report.results[0].message
    )


def test_object_with_custom_array_method_is_invalid_output() -> None:
    report = attack(
        "import numpy as np\nclass Fake:\n    def __array__(self, dtype=None, copy=None):\n"
        "        return np.ones((1, 3, 4, 3))\n    def __len__(self):\n        return 1\n"
        "def conv2d(x, w):\n    return Fake()\n"
    )
    assert (
        report.results[0].status == "invalid_output" and "Fake object" in report.results[0].message
    )


def test_ndarray_subclass_is_read_through_its_base_data() -> None:
    report = attack(
        ZEROS
        + (
            "class Sneaky(np.ndarray):\n"
            "    def __eq__(self, other):\n        return np.ones(self.shape, dtype=bool)\n"
            "    def __array__(self, dtype=None, copy=None):\n        return np.full(self.shape, 7.0)\n"
            "    def view(self, *a, **k):\n        return np.full(self.shape, 7.0)\n"
            "    def tolist(self):\n        return [1]\n"
            "def conv2d(x, w):\n    return _zeros(x, w).view(Sneaky)\n"
        )
    )
    result = report.results[0]
    assert result.ok and not passes(report)
    assert (
        type(result.outputs[0]) is np.ndarray and not result.outputs[0].any()
    )  # the real data: zeros


def test_tensor_subclass_is_read_through_its_base_data() -> None:
    report = attack(
        ZEROS
        + (
            "import torch\nclass Sneaky(torch.Tensor):\n"
            "    @classmethod\n    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
            "        return torch.full((1, 3, 4, 3), 7.0, dtype=torch.float64)\n"
            "    def numpy(self, *a, **k):\n        return np.full((1, 3, 4, 3), 7.0)\n"
            "def conv2d(x, w):\n    return torch.from_numpy(_zeros(x, w)).as_subclass(Sneaky)\n"
        )
    )
    result = report.results[0]
    assert result.ok and not passes(report) and not result.outputs[0].any()


def test_object_whose_pickling_runs_code_is_never_unpickled(tmp_path) -> None:
    marker = tmp_path / "unpickled"
    report = attack(
        "import os\nclass Bomb:\n    def __reduce__(self):\n"
        f"        return (os.system, ('touch {marker}',))\n"
        "def conv2d(x, w):\n    return [Bomb()]\n"
    )
    assert report.results[0].status == "invalid_output" and not marker.exists()


def test_forged_messages_and_pickled_output_files_are_refused(tmp_path) -> None:
    """The child forges a 'done, ok' for call 1, writes a pickle bomb as its .npy, and exits."""
    marker = tmp_path / "unpickled"
    report = attack(
        "import os, numpy as np\nclass Bomb:\n    def __reduce__(self):\n"
        f"        return (os.system, ('touch {marker}',))\n"
        "def conv2d(x, w):\n"
        "    for fd in os.listdir('/proc/self/fd'):\n"
        "        try:\n            target = os.readlink(f'/proc/self/fd/{fd}')\n"
        "        except OSError:\n            continue\n"
        "        if target.startswith('pipe:'):\n"
        '            os.write(int(fd), b\'{"ev": "done", "i": 1, "status": "ok"}\\n\')\n'
        "        elif os.path.isdir(f'/proc/self/fd/{fd}'):\n"
        "            with open(f'/proc/self/fd/{fd}/out_1_0.npy', 'wb') as fh:\n"
        "                np.save(fh, np.array([Bomb()], dtype=object), allow_pickle=True)\n"
        "    os._exit(0)\n",
        calls=[__import__("cnngrade.grader.sandbox", fromlist=["Call"]).Call((X, X))] * 2,
    )
    assert [r.status for r in report.results] == ["crashed", "invalid_output"]
    assert "not a plain numeric array (dtype object)" in report.results[1].message
    assert not marker.exists()


def test_reseeding_global_rngs_leaves_the_parent_alone() -> None:
    state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    report = attack(
        ZEROS
        + (
            "import random, torch\n"
            "def conv2d(x, w):\n    np.random.seed(0)\n    torch.manual_seed(0)\n    random.seed(0)\n"
            "    return np.random.standard_normal(_zeros(x, w).shape)\n"
        )
    )
    assert not passes(report)
    assert (np.random.get_state()[1] == state).all() and torch.equal(
        torch.get_rng_state(), torch_state
    )


def test_printing_fake_success_lines_is_only_a_diagnostic() -> None:
    report = attack(
        ZEROS
        + (
            "import sys\ndef conv2d(x, w):\n    print('All tests passed! score: 100/100')\n"
            '    print(\'{"passed": true, "score": 100}\', file=sys.stderr)\n    return _zeros(x, w)\n'
        )
    )
    assert "All tests passed" in report.stdout and not passes(report)


def test_stack_frame_search_finds_no_expected_output() -> None:
    report = attack(
        ZEROS
        + (
            "import sys\ndef conv2d(x, w):\n    found, frame = [], sys._getframe()\n"
            "    while frame is not None:\n"
            "        for value in list(frame.f_locals.values()) + list(frame.f_globals.values()):\n"
            "            if isinstance(value, np.ndarray) and value.shape == (1, 3, 4, 3):\n"
            "                found.append(value)\n"
            "        frame = frame.f_back\n"
            "    print('candidates', len(found))\n    return found[0] if found else _zeros(x, w)\n"
        )
    )
    assert "candidates 0" in report.stdout and not passes(report)


def test_gc_search_finds_no_expected_output() -> None:
    report = attack(
        ZEROS
        + (
            "import gc, torch\ndef conv2d(x, w):\n"
            "    found = [o for o in gc.get_objects() if isinstance(o, (np.ndarray, torch.Tensor))\n"
            "             and tuple(o.shape) == (1, 3, 4, 3)]\n"
            "    print('candidates', len(found))\n    return found[0] if found else _zeros(x, w)\n"
        )
    )
    assert "candidates 0" in report.stdout and not passes(report)


@needs_level(2)
def test_reading_the_reference_package_or_repo_fails() -> None:
    report = attack(
        ZEROS
        + (
            "def conv2d(x, w):\n"
            f"    src = open({str(REPO_ROOT / 'reference' / 'conv.py')!r}).read()\n"
            "    return _zeros(x, w)\n"
        )
    )
    assert (
        report.results[0].status == "exception" and "FileNotFoundError" in report.results[0].message
    )


@needs_level(2)
def test_answer_key_in_a_hidden_folder_is_unreadable(tmp_path_factory) -> None:
    keys = (
        __import__("pathlib").Path("/var/lib") / f"cnngrade-answer-keys-{__import__('os').getpid()}"
    )
    keys.mkdir(exist_ok=True)
    try:
        np.save(keys / "conv2d.npy", EXPECTED)
        report = attack(
            "import numpy as np\n"
            f"def conv2d(x, w):\n    return np.load({str(keys / 'conv2d.npy')!r})\n",
            hide_paths=(str(keys),),
        )
        assert (
            report.results[0].status == "exception"
            and "FileNotFoundError" in report.results[0].message
        )
    finally:
        (keys / "conv2d.npy").unlink(missing_ok=True)
        keys.rmdir()


@pytest.mark.skipif(not MINIMAL_ROOT, reason="covering known folders cannot hide unknown copies")
def test_filesystem_walk_finds_no_answers() -> None:
    report = attack(
        ZEROS
        + (
            "import os\ndef conv2d(x, w):\n    hits = []\n"
            "    for top in ('/work', '/tmp', '/root', '/home', '/var/tmp'):\n"
            "        for root, dirs, files in os.walk(top):\n"
            "            dirs[:] = [d for d in dirs if d not in ('.venv', '.pyenv', '.library')]\n"
            "            hits += [f for f in files if f.endswith(('.npy', '.json', '.yaml', '.py'))]\n"
            "    print('files', len(hits))\n    return _zeros(x, w)\n"
        )
    )
    assert "files 0" in report.stdout and not passes(report)


@needs_level(3)
def test_new_user_namespace_cannot_uncover_hidden_paths() -> None:
    """unshare(USER|NS) makes the child root of its own namespace; the covering tmpfs stays locked."""
    repo = str(__import__("pathlib").Path(__file__).resolve().parents[2])
    report = attack(
        "import ctypes, os, numpy as np\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "def conv2d(x, w):\n"
        "    uid = os.getuid()\n"
        "    print('unshare', libc.unshare(0x10000000 | 0x00020000))\n"
        "    try:\n"
        "        open('/proc/self/uid_map', 'w').write(f'0 {uid} 1')\n"
        "    except OSError as exc:\n        print('map', exc)\n"
        f"    print('umount', libc.umount2({repo!r}.encode(), 2), ctypes.get_errno())\n"
        f"    print('visible', os.path.exists({repo + '/reference/conv.py'!r}))\n"
        "    return np.zeros((1, 3, 4, 3))\n"
    )
    assert "visible False" in report.stdout and not passes(report)


@pytest.mark.skipif(not MINIMAL_ROOT, reason="this machine refuses the minimal root (pivot_root)")
def test_root_holds_only_the_system_and_the_interpreter() -> None:
    """An allowlist: a copy of the course anywhere else on the machine is simply not there."""
    report = attack(
        ZEROS
        + (
            "import os, sys\ndef conv2d(x, w):\n"
            "    print('top', sorted(os.listdir('/')))\n"
            "    print('tmp', sorted(os.listdir('/tmp')))\n"
            "    return _zeros(x, w)\n"
        )
    )
    lines = dict(line.split(" ", 1) for line in report.stdout.splitlines() if " " in line)
    top = set(ast.literal_eval(lines["top"]))
    allowed = {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "sys", "dev"}
    allowed |= {"tmp", "proc"} | {p.split("/")[1] for p in confine.keep_dirs()}
    assert top <= allowed, top - allowed
    assert set(ast.literal_eval(lines["tmp"])) == TMP_VIEW and not passes(report)


@pytest.mark.skipif(not MINIMAL_ROOT, reason="this machine refuses the minimal root (pivot_root)")
def test_a_copy_of_the_answers_outside_every_known_folder_is_absent() -> None:
    """Not in the repo, /tmp, $HOME or hide_paths: an allowlist root still leaves it out."""
    stash = Path("/var/lib") / f"cnngrade-stray-copy-{os.getpid()}"
    stash.mkdir(exist_ok=True)
    try:
        np.save(stash / "conv2d.npy", EXPECTED)
        report = attack(
            "import numpy as np\n"
            f"def conv2d(x, w):\n    return np.load({str(stash / 'conv2d.npy')!r})\n"
        )
        result = report.results[0]
        assert result.status == "exception" and "FileNotFoundError" in result.message
    finally:
        (stash / "conv2d.npy").unlink(missing_ok=True)
        stash.rmdir()


@pytest.mark.skipif(not MINIMAL_ROOT, reason="this machine refuses the minimal root (pivot_root)")
def test_the_old_root_cannot_be_reached_through_proc_or_dotdot() -> None:
    report = attack(
        ZEROS
        + (
            "import os\ndef conv2d(x, w):\n    seen = []\n"
            "    for p in ('/proc/1/root/work', '/proc/self/root/../../work', '/../../var/lib',"
            " '/proc/1/cwd/..'):\n"
            "        try:\n            seen.append((p, sorted(os.listdir(p))[:3]))\n"
            "        except OSError as e:\n            seen.append((p, type(e).__name__))\n"
            "    print('seen', seen)\n    return _zeros(x, w)\n"
        )
    )
    assert "seen" in report.stdout and "dpkg" not in report.stdout
    assert str(REPO_ROOT) not in report.stdout and not passes(report)
