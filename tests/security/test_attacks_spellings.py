"""A forbidden NumPy function reached through NumPy's own modules: ``numpy._core`` holds
``correlate``/``convolve`` and the C kernels behind them, ``numpy.lib._stride_tricks_impl`` holds
``sliding_window_view``. Module names are computed so that only the run-time guard can see them;
each attack must end as ``forbidden``, and computes when nothing is forbidden (the control).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnngrade.exercises.code import get as get_exercise
from cnngrade.grader.code.run_cases import forbidden_of
from cnngrade.grader.sandbox import Call, Forbidden
from security_harness import attack

CORR2D = forbidden_of(get_exercise("corr2d"))
IM2COL = forbidden_of(get_exercise("im2col"))
RNG = np.random.default_rng(7)
X2, K2 = RNG.standard_normal((5, 6)), RNG.standard_normal((2, 3))
X4 = RNG.standard_normal((1, 2, 4, 4))

#: corr2d by rows: each output row is a sum of 1-D correlations (a library convolution).
_ROWS = (
    "    h, w = K.shape\n"
    "    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))\n"
    "    for i in range(Y.shape[0]):\n"
    "        for a in range(h):\n"
    "            Y[i] += f(X[i + a], K[a])\n"
    "    return Y\n"
)
CORR_ROUTES = {
    "numeric-correlate": (
        "    m = importlib.import_module('numpy._core.' + 'numeric')\n"
        "    f = lambda a, b: getattr(m, 'corr' + 'elate')(a, b, 'valid')\n"
    ),
    "multiarray-correlate2": (
        "    m = importlib.import_module('numpy._core.' + 'multiarray')\n"
        "    f = lambda a, b: getattr(m, 'correlate' + '2')(a, b, 0)\n"
    ),
    "umath-correlate2": (
        "    m = importlib.import_module('numpy._core.' + '_multiarray_umath')\n"
        "    f = lambda a, b: getattr(m, 'correlate' + '2')(a, b, 0)\n"
    ),
    "core-correlate": (
        "    m = importlib.import_module('numpy.' + '_core')\n"
        "    f = lambda a, b: getattr(m, 'corr' + 'elate')(a, b, 'valid')\n"
    ),
    "umath-correlate": (
        "    m = importlib.import_module('numpy._core.' + 'umath')\n"
        "    f = lambda a, b: getattr(m, 'correlate' + '2')(a, b, 0)\n"
    ),
    "numeric-convolve": (
        "    m = importlib.import_module('numpy._core.' + 'numeric')\n"
        "    f = lambda a, b: getattr(m, 'con' + 'volve')(a, b[::-1], 'valid')\n"
    ),
    "polymul": ("    f = lambda a, b: np.polymul(a, b[::-1])[len(b) - 1 : len(a)]\n"),
}


def _corr(route: str) -> str:
    return (
        "import importlib\nimport numpy as np\n\ndef conv2d(X, K):\n" + CORR_ROUTES[route] + _ROWS
    )


@pytest.mark.parametrize("route", sorted(CORR_ROUTES))
def test_numpy_correlate_through_numpy_core_is_refused(route: str) -> None:
    calls = [Call((X2, K2))]
    expected = sum(
        np.array([[X2[i + a, j : j + 3] @ K2[a] for j in range(4)] for i in range(4)])
        for a in range(2)
    )
    control = attack(_corr(route), calls=calls, forbidden=Forbidden(), tag=route)
    assert control.results[0].ok and np.allclose(control.results[0].outputs[0], expected)
    report = attack(_corr(route), calls=calls, forbidden=CORR2D, tag=route)
    assert report.results[0].status == "forbidden", report.results[0]


def test_sliding_window_view_through_its_implementation_module_is_refused() -> None:
    source = (
        "import importlib\n\ndef conv2d(x):\n"
        "    m = importlib.import_module('numpy.lib.' + '_stride_tricks_impl')\n"
        "    return getattr(m, 'sliding_window' + '_view')(x, (2, 2), axis=(2, 3)).copy()\n"
    )
    calls = [Call((X4,))]
    control = attack(source, calls=calls, forbidden=Forbidden(), tag="swv")
    assert control.results[0].ok
    report = attack(source, calls=calls, forbidden=IM2COL, tag="swv")
    assert report.results[0].status == "forbidden", report.results[0]


def test_a_python_implementation_of_a_refused_operator_is_named_as_spelled() -> None:
    """torch's own Python lstm_cell (a decomposition) is refused, and the verdict names it."""
    from security_harness import FAST

    lstm = forbidden_of(get_exercise("lstm_cell"))
    source = (
        "import importlib, torch\n\ndef conv2d(x, h, c, w_ih, w_hh, b_ih, b_hh):\n"
        "    d = importlib.import_module('torch._de' + 'comp.decompositions')\n"
        "    t = torch.from_numpy\n    inp = t(x) @ t(w_ih).T + t(b_ih)\n"
        "    hy, cy = getattr(d, 'lstm' + '_cell')(inp, t(h), t(c), t(w_hh), t(b_hh), None, 1)\n"
        "    return hy.numpy()\n"
    )
    x, h = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 4))
    calls = [Call((x, h, h, RNG.standard_normal((16, 3)), RNG.standard_normal((16, 4)),
                   RNG.standard_normal(16), RNG.standard_normal(16)))]  # fmt: skip
    report = attack(source, calls=calls, forbidden=lstm, limits=FAST, tag="decomp")
    r = report.results[0]
    assert r.status == "forbidden", r
    assert r.message == (
        "uses torch._decomp.decompositions.lstm_cell, which this exercise forbids"
    ), r.message


#: torch's quantizable LSTMCell is plain Python over Linear layers: no LSTM operator runs.
QUANTIZABLE_LSTM = (
    "import importlib, torch\n\ndef conv2d(x, h, c, w_ih, w_hh, b_ih, b_hh):\n"
    "    q = importlib.import_module('torch.ao.nn.quantiz' + 'able.modules.rnn')\n"
    "    t = torch.from_numpy\n"
    "    cell = getattr(q, 'LSTM' + 'Cell')(x.shape[1], h.shape[1]).double()\n"
    "    with torch.no_grad():\n"
    "        cell.igates.weight.copy_(t(w_ih))\n        cell.igates.bias.copy_(t(b_ih))\n"
    "        cell.hgates.weight.copy_(t(w_hh))\n        cell.hgates.bias.copy_(t(b_hh))\n"
    "        hy, cy = cell(t(x), (t(h), t(c)))\n"
    "    return hy.numpy()\n"
)


def test_torchs_python_lstm_cell_is_refused() -> None:
    from security_harness import FAST

    x, h = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 4))
    args = (x, h, h, RNG.standard_normal((16, 3)), RNG.standard_normal((16, 4)),
            RNG.standard_normal(16), RNG.standard_normal(16))  # fmt: skip
    t = [torch.from_numpy(a) for a in args]
    expected = torch.lstm_cell(t[0], (t[1], t[2]), *t[3:])[0].numpy()
    control = attack(QUANTIZABLE_LSTM, calls=[Call(args)], forbidden=Forbidden(), limits=FAST)
    assert control.results[0].ok and np.allclose(control.results[0].outputs[0], expected)
    lstm = forbidden_of(get_exercise("lstm_cell"))
    report = attack(QUANTIZABLE_LSTM, calls=[Call(args)], forbidden=lstm, limits=FAST, tag="qlstm")
    r = report.results[0]
    assert r.status == "forbidden", r
    assert "torch.ao.nn.quantizable" in r.message, r.message


#: scipy.signal's C extension loaded by file path: no import statement for the hook to refuse.
SIGTOOLS_BY_PATH = (
    "import glob, importlib.util, os\n\ndef conv2d(X, K):\n"
    "    import scipy\n"
    "    where = os.path.join(os.path.dirname(scipy.__file__), 'sig' + 'nal', '_sigtools*.so')\n"
    "    found = glob.glob(where)\n"
    "    if not found:\n        raise FileNotFoundError(where)\n"
    "    spec = importlib.util.spec_from_file_location('scipy.sig' + 'nal._sigtools', found[0])\n"
    "    m = importlib.util.module_from_spec(spec)\n    spec.loader.exec_module(m)\n"
    "    return m._convolve2d(X, K[::-1, ::-1].copy(), 1, 0, 0, 0)\n"
)


@pytest.mark.skipif(
    __import__("security_harness").ISOLATION.level < 2, reason="needs a mount namespace"
)
def test_a_blocked_librarys_extension_cannot_be_loaded_by_path() -> None:
    report = attack(SIGTOOLS_BY_PATH, calls=[Call((X2, K2))], forbidden=CORR2D, tag="sigtools")
    r = report.results[0]
    assert not r.ok, r
    assert "FileNotFoundError" in r.message, r.message


def test_a_forbidden_class_found_again_through_subclasses_is_refused() -> None:
    """The class itself is disarmed, not only its name: ``Module.__subclasses__()`` finds it."""
    from security_harness import FAST

    source = QUANTIZABLE_LSTM.replace(
        "cell = getattr(q, 'LSTM' + 'Cell')",
        "cls = [c for c in torch.nn.Module.__subclasses__()\n"
        "           if c.__name__ == 'LSTM' + 'Cell' and 'quantiz' in c.__module__][0]\n"
        "    cell = cls",
    )
    x, h = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 4))
    args = (x, h, h, RNG.standard_normal((16, 3)), RNG.standard_normal((16, 4)),
            RNG.standard_normal(16), RNG.standard_normal(16))  # fmt: skip
    control = attack(source, calls=[Call(args)], forbidden=Forbidden(), limits=FAST)
    assert control.results[0].ok, control.results[0]
    lstm = forbidden_of(get_exercise("lstm_cell"))
    report = attack(source, calls=[Call(args)], forbidden=lstm, limits=FAST, tag="subclasses")
    r = report.results[0]
    assert r.status == "forbidden", r
    assert r.message == "uses torch.ao.nn.quantizable.LSTMCell, which this exercise forbids", r
