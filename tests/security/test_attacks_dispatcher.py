"""Forbidden operators reached around a Python-level guard: threads, popped modes, key-set guards,
redispatch, other namespaces, re-registration, decompositions, forks and fresh interpreters.

Every submission here computes the *right* convolution through torch, so a bypass would pass. The
child refuses the operators on torch's dispatcher itself; each attack must end without a passing
result and, where the student's code let the refusal surface, as ``forbidden`` naming the API.
Names are computed at run time (``'con' + 'v2d'``) so that only the run-time guard can catch them.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnngrade.exercises.code import get as get_exercise
from cnngrade.grader.code.run_cases import forbidden_of
from cnngrade.grader.sandbox import Call, Limits
from security_harness import EXPECTED, ISOLATION, W, X, attack, passes

CONV2D = forbidden_of(get_exercise("conv2d"))
AVG_POOL = forbidden_of(get_exercise("avg_pool2d"))
MAX_POOL = forbidden_of(get_exercise("max_pool2d"))
SLOW = Limits(wall_s_per_call=4.0, wall_s_total=8.0, memory_mb=768, max_processes=16)

#: Shared preamble: tensors of the inputs and the aten op reached through a computed name.
PRE = (
    "import threading, torch, numpy as np\n"
    "aten = getattr(torch.ops, 'at' + 'en')\n"
    "CONV = 'con' + 'volution'\n"
    "def _t(x, w):\n    return torch.from_numpy(x), torch.from_numpy(w)\n"
    "def _conv(x, w):\n"
    "    t, k = _t(x, w)\n"
    "    return getattr(aten, CONV)(t, k, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1).numpy()\n"
)


def _refused(report, *, forbidden: bool = True) -> None:
    assert not passes(report), report.results[0]
    if forbidden:
        r = report.results[0]
        assert r.status == "forbidden", r
        assert r.message.startswith("uses ") and r.message.endswith("which this exercise forbids")


def test_the_harness_would_see_a_bypass() -> None:
    """Control: with nothing forbidden, the same convolution passes (so the checks below can fail)."""
    from cnngrade.grader.sandbox import Forbidden

    report = attack(PRE + "def conv2d(x, w):\n    return _conv(x, w)\n", forbidden=Forbidden())
    assert passes(report)


def test_torch_convolution_is_refused_statically_and_at_run_time() -> None:
    report = attack(
        "import torch\ndef conv2d(x, w):\n    t, k = torch.from_numpy(x), torch.from_numpy(w)\n"
        "    return torch.convolution(t, k, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1).numpy()\n",
        forbidden=CONV2D,
    )
    assert report.static_violations == (
        "line 4: uses torch.convolution, which this exercise forbids",
    )
    _refused(report)
    assert "torch.convolution" in report.results[0].message


@pytest.mark.parametrize(
    "body",
    [
        # a thread: the old dispatch mode was thread-local
        "    out = []\n    th = threading.Thread(target=lambda: out.append(_conv(x, w)))\n"
        "    th.start()\n    th.join()\n    return out[0] if out else np.zeros((1, 3, 4, 3))\n",
        # a daemon thread that swallows the refusal
        "    out = []\n    def work():\n        try:\n            out.append(_conv(x, w))\n"
        "        except BaseException:\n            pass\n"
        "    th = threading.Thread(target=work, daemon=True)\n    th.start()\n    th.join()\n"
        "    return out[0] if out else np.zeros((1, 3, 4, 3))\n",
        # popping every mode (the old guard was a mode)
        "    from torch.utils._python_dispatch import _disable_current_modes\n"
        "    with _disable_current_modes():\n        return _conv(x, w)\n",
        "    with torch._C._DisableTorchDispatch():\n        return _conv(x, w)\n",
        # below autograd, inference mode, no grad
        "    with torch._C._AutoDispatchBelowAutograd():\n        return _conv(x, w)\n",
        "    with torch.inference_mode():\n        return _conv(x, w)\n",
        # redispatch straight to the CPU kernel, boxed calls
        "    t, k = _t(x, w)\n    ks = torch._C.DispatchKeySet(torch._C.DispatchKey.CPU)\n"
        "    op = getattr(aten, CONV).default\n"
        "    return op.redispatch(ks, t, k, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1).numpy()\n",
        # key-set guards: skip autograd and the Python keys, straight to the backend
        "    K = torch._C.DispatchKey\n"
        "    ks = torch._C.DispatchKeySet(K.AutogradCPU) | torch._C.DispatchKeySet(K.ADInplaceOrView)\n"
        "    ks = ks | torch._C.DispatchKeySet(K.Python) | torch._C.DispatchKeySet(K.PythonTLSSnapshot)\n"
        "    with torch._C._ExcludeDispatchKeyGuard(ks):\n"
        "        return _conv(x, w)\n",
        # other operators and namespaces that convolve
        "    t, k = _t(x, w)\n    f = getattr(torch, 'mkldnn_' + CONV)\n"
        "    return f(t.float(), k.float(), None, [0, 0], [1, 1], [1, 1], 1).double().numpy()\n",
        "    t, k = _t(x, w)\n    f = getattr(getattr(torch.ops, 'mkl' + 'dnn'), '_' + CONV + '_pointwise')\n"
        "    y = f(t.float(), k.float(), None, [0, 0], [1, 1], [1, 1], 1, 'none', [], '')\n"
        "    return y.double().numpy()\n",
        "    t, k = _t(x, w)\n    f = getattr(torch._C._nn, 'thnn_' + 'conv2d')\n"
        "    return f(t, k, [3, 3]).numpy()\n",
        "    t, k = _t(x, w)\n    f = getattr(torch._C._nn, 'slow_' + 'conv_dilated2d')\n"
        "    return f(t, k, [3, 3]).numpy()\n",
        # MKL-DNN tensors under inference mode dispatch to their own backend key
        "    t, k = _t(x, w)\n    f = getattr(torch.nn.functional, 'con' + 'v2d')\n"
        "    with torch.inference_mode():\n"
        "        return torch.Tensor.to_dense(f(t.float().to_mkldnn(), k.float().to_mkldnn())).double().numpy()\n",
        # vmap over the batch
        "    t, k = _t(x, w)\n    f = getattr(torch.nn.functional, 'con' + 'v2d')\n"
        "    return torch.vmap(lambda a: f(a[None], k)[0])(t).numpy()\n",
        # unfold (im2col) and a matrix product
        "    t, k = _t(x, w)\n    f = getattr(torch._C._nn, 'im' + '2col')\n"
        "    cols = f(t, [3, 3], [1, 1], [0, 0], [1, 1])\n"
        "    return (k.reshape(3, -1) @ cols).reshape(1, 3, 4, 3).numpy()\n",
        # torch's own Python decomposition of im2col (made from allowed operators)
        "    t, k = _t(x, w)\n    d = getattr(torch, '_de' + 'comp')\n"
        "    cols = getattr(d.decompositions, 'im' + '2col')(t, [3, 3], [1, 1], [0, 0], [1, 1])\n"
        "    return (k.reshape(3, -1) @ cols).reshape(1, 3, 4, 3).numpy()\n",
        "    t, k = _t(x, w)\n    d = getattr(torch, '_de' + 'comp')\n"
        "    op = getattr(aten, 'im' + '2col').default\n"
        "    cols = d.decomposition_table[op](t, [3, 3], [1, 1], [0, 0], [1, 1])\n"
        "    return (k.reshape(3, -1) @ cols).reshape(1, 3, 4, 3).numpy()\n",
    ],
    ids=[
        "thread", "daemon-thread-swallowing", "disable-current-modes", "disable-torch-dispatch",
        "below-autograd", "inference-mode", "redispatch-cpu", "key-set-guards", "mkldnn-convolution",
        "mkldnn-namespace", "thnn-conv2d", "slow-dilated", "mkldnn-tensors", "vmap", "im2col-matmul",
        "python-decomposition", "decomposition-table",
    ],
)  # fmt: skip
def test_the_dispatcher_refuses_convolution_however_it_is_reached(body: str) -> None:
    _refused(attack(PRE + "def conv2d(x, w):\n" + body, forbidden=CONV2D))


def test_destroying_every_library_registration_does_not_restore_the_kernels() -> None:
    report = attack(
        PRE + "import gc\n"
        "def conv2d(x, w):\n"
        "    for obj in gc.get_objects():\n"
        "        if isinstance(obj, torch.library.Library) and obj.m is not None:\n"
        "            obj._destroy()\n"
        "    for name in list(getattr(torch.library, '_impls', ())):\n"
        "        torch.library._impls.discard(name)\n"
        "    return _conv(x, w)\n",
        forbidden=CONV2D,
    )
    _refused(report)


def test_registering_a_kernel_over_the_refusal_gives_back_nothing() -> None:
    """A student may shadow the refusal with their own kernel; the original stays out of reach."""
    report = attack(
        PRE + "lib = getattr(torch, 'libr' + 'ary').Library('aten', 'IMPL')\n"
        "fall = getattr(torch, 'libr' + 'ary').fallthrough_kernel()\n"
        "for key in ('AutogradCPU', 'CPU'):\n"
        "    try:\n        lib.impl(CONV, fall, key)\n    except Exception:\n        pass\n"
        "def conv2d(x, w):\n    return _conv(x, w)\n",
        forbidden=CONV2D,
    )
    assert not passes(report)


def test_a_forked_child_inherits_the_refusal() -> None:
    report = attack(
        PRE + "import os, pickle\n"
        "def conv2d(x, w):\n"
        "    r, wr = os.pipe()\n    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        try:\n            data = pickle.dumps(_conv(x, w))\n"
        "        except BaseException:\n            data = b''\n"
        "        os.write(wr, data)\n        os._exit(0)\n"
        "    os.close(wr)\n    data = b''\n"
        "    while chunk := os.read(r, 65536):\n        data += chunk\n"
        "    os.waitpid(pid, 0)\n"
        "    return pickle.loads(data) if data else np.zeros((1, 3, 4, 3))\n",
        forbidden=CONV2D,
        limits=SLOW,
    )
    assert not passes(report)


@pytest.mark.skipif(
    "seccomp" not in ISOLATION.mechanisms, reason="needs the seccomp filter (exec refused)"
)
@pytest.mark.parametrize(
    "body",
    [
        "    import multiprocessing as mp\n"
        "    ctx = mp.get_context('spawn')\n"
        "    with ctx.Pool(1) as pool:\n"
        "        return pool.apply(np.asarray, (0,)) + _remote(x, w)\n",
        "    import subprocess, sys, pickle, base64\n"
        "    code = ('import torch, pickle, sys, base64; x, w = pickle.loads(base64.b64decode(sys.argv[1])); '\n"
        '            \'f = getattr(torch.nn.functional, "con" + "v2d"); \'\n'
        "            'sys.stdout.write(base64.b64encode(pickle.dumps(f(torch.from_numpy(x), torch.from_numpy(w)).numpy())).decode())')\n"
        "    arg = base64.b64encode(pickle.dumps((x, w))).decode()\n"
        "    out = subprocess.run([sys.executable, '-c', code, arg], capture_output=True, text=True).stdout\n"
        "    return pickle.loads(base64.b64decode(out))\n",
        "    import os\n    os.system('true')\n    return _conv(x, w)\n",
    ],
    ids=["multiprocessing-spawn", "fresh-interpreter", "os-system"],
)
def test_a_fresh_interpreter_cannot_be_started(body: str) -> None:
    report = attack(
        PRE + "def _remote(x, w):\n    return _conv(x, w)\n" + "def conv2d(x, w):\n" + body,
        forbidden=CONV2D,
        limits=SLOW,
    )
    assert not passes(report)
    r = report.results[0]
    # exec is refused: PermissionError, or the spawn machinery's broken pipe / endless wait
    assert r.status in ("exception", "forbidden", "timeout"), r
    assert r.status != "exception" or any(
        e in r.message for e in ("PermissionError", "BrokenPipeError", "EOFError")
    ), r.message


POOL_X = np.random.default_rng(7).standard_normal((2, 3, 6, 6))


def _pool_attack(source: str, forbidden, expected: np.ndarray):
    """A pooling attack (the harness calls the entry ``conv2d``: the name does not matter)."""
    report = attack(source, calls=[Call((POOL_X, 2))], forbidden=forbidden)
    r = report.results[0]
    bypassed = r.ok and r.outputs and np.allclose(r.outputs[0], expected)
    return report, bypassed


@pytest.mark.parametrize(
    "body",
    [
        # avg_pool2d as a depthwise convolution with a constant 1/(kh*kw) kernel
        "    t = torch.from_numpy(x)\n    c = t.shape[1]\n"
        "    f = getattr(torch.nn.functional, 'con' + 'v2d')\n"
        "    return f(t, torch.full((c, 1, k, k), 1.0 / (k * k), dtype=t.dtype), stride=k, groups=c).numpy()\n",
        # F.unfold and a mean
        "    t = torch.from_numpy(x)\n    n, c, h, w = t.shape\n"
        "    f = getattr(torch.nn.functional, 'un' + 'fold')\n"
        "    return f(t, k, stride=k).reshape(n, c, k * k, -1).mean(2).reshape(n, c, h // k, w // k).numpy()\n",
        # lp_pool with p = 1 is a scaled avg_pool
        "    t = torch.from_numpy(x)\n    f = getattr(torch.nn.functional, 'lp_' + 'pool2d')\n"
        "    return (f(t, 1, k) / (k * k)).numpy()\n",
        # area interpolation is adaptive average pooling
        "    t = torch.from_numpy(x)\n    f = getattr(torch.nn.functional, 'inter' + 'polate')\n"
        "    return f(t, size=(t.shape[2] // k, t.shape[3] // k), mode='area').numpy()\n",
        # avg_pool3d over a unit depth
        "    t = torch.from_numpy(x)\n    f = getattr(torch.nn.functional, 'avg_' + 'pool3d')\n"
        "    return f(t[:, :, None], (1, k, k))[:, :, 0].numpy()\n",
    ],
    ids=["depthwise-conv", "unfold-mean", "lp-pool", "area-interpolation", "avg-pool3d"],
)
def test_avg_pool2d_in_disguise_is_refused(body: str) -> None:
    import torch

    expected = torch.nn.functional.avg_pool2d(torch.from_numpy(POOL_X), 2).numpy()
    report, bypassed = _pool_attack(
        "import torch\ndef conv2d(x, k, stride=None, padding=0):\n" + body,
        AVG_POOL,
        expected,
    )
    assert not bypassed
    assert report.results[0].status == "forbidden", report.results[0]


def test_max_pool2d_through_max_pool3d_is_refused() -> None:
    import torch

    expected = torch.nn.functional.max_pool2d(torch.from_numpy(POOL_X), 2).numpy()
    report, bypassed = _pool_attack(
        "import torch\ndef conv2d(x, k, stride=None, padding=0):\n"
        "    f = getattr(torch.nn.functional, 'max_' + 'pool3d')\n"
        "    return f(torch.from_numpy(x)[:, :, None], (1, k, k))[:, :, 0].numpy()\n",
        MAX_POOL,
        expected,
    )
    assert not bypassed and report.results[0].status == "forbidden"


def test_allowed_torch_operators_still_work_under_the_guard() -> None:
    """The refusal is surgical: einsum, as_strided, unfold views and matmul stay usable."""
    report = attack(
        "import torch\ndef conv2d(x, w):\n"
        "    t, k = torch.from_numpy(x), torch.from_numpy(w)\n"
        "    win = t.unfold(2, 3, 1).unfold(3, 3, 1)\n"
        "    return torch.einsum('nchwij,ocij->nohw', win, k).numpy()\n",
        forbidden=CONV2D,
    )
    assert report.results[0].ok and passes(report) and report.static_violations == ()
    np.testing.assert_allclose(report.results[0].outputs[0], EXPECTED, rtol=1e-10)


def test_static_scan_refuses_reach_around_modules_only_when_operators_are_forbidden() -> None:
    from cnngrade.grader.sandbox import Forbidden, static_scan

    src = "import ctypes\nimport torch._decomp\nf = torch.compile\n"
    assert len(static_scan(src, CONV2D)) == 3
    assert static_scan(src, Forbidden()) == ()


def test_weights_unused() -> None:
    assert W.shape == (3, 2, 3, 3) and X.shape == (1, 2, 6, 5)


def _bodies(test) -> list:
    marks = [m for m in test.pytestmark if m.name == "parametrize"]
    return list(marks[0].args[1])


@pytest.mark.parametrize(
    "body", _bodies(test_the_dispatcher_refuses_convolution_however_it_is_reached)
)
def test_control_each_convolution_route_works_when_nothing_is_forbidden(body: str) -> None:
    from cnngrade.grader.sandbox import Forbidden

    report = attack(PRE + "def conv2d(x, w):\n" + body, forbidden=Forbidden())
    assert passes(report), report.results[0]


@pytest.mark.parametrize("body", _bodies(test_avg_pool2d_in_disguise_is_refused))
def test_control_each_avg_pool_route_works_when_nothing_is_forbidden(body: str) -> None:
    import torch

    from cnngrade.grader.sandbox import Forbidden

    expected = torch.nn.functional.avg_pool2d(torch.from_numpy(POOL_X), 2).numpy()
    source = "import torch\ndef conv2d(x, k, stride=None, padding=0):\n" + body
    assert _pool_attack(source, Forbidden(), expected)[1]
