"""Autograd reached around the names a backward exercise forbids: the engine itself, a tensor's
autograd node called by hand, forward-mode duals.

Every submission builds the forward with windows and ``einsum`` (allowed) and lets autograd compute
``dx`` of ``sum(conv2d(x, w))``, so a bypass would return the right gradient. Each attack must end
as ``forbidden`` naming the API; a control shows the same route computes when nothing is forbidden.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnngrade.exercises.code import get as get_exercise
from cnngrade.grader.code.run_cases import forbidden_of
from cnngrade.grader.sandbox import Call, Forbidden, Limits
from security_harness import W, X, attack

BACKWARD = forbidden_of(get_exercise("conv2d_backward"))
SLOW = Limits(wall_s_per_call=4.0, wall_s_total=8.0, memory_mb=768, max_processes=16)

_x = torch.from_numpy(X).requires_grad_()
torch.nn.functional.conv2d(_x, torch.from_numpy(W)).sum().backward()
DX = _x.grad.numpy()

#: The forward (allowed): windows by as_strided, contracted with einsum.
PRE = (
    "import importlib, torch, numpy as np\n"
    "def _fwd(t, k):\n"
    "    n, c, h, w = t.shape\n    kh, kw = k.shape[-2:]\n    s = t.stride()\n"
    "    win = torch.as_strided(t, (n, c, h - kh + 1, w - kw + 1, kh, kw),"
    " (s[0], s[1], s[2], s[3], s[2], s[3]))\n"
    "    return torch.einsum('nchwij,ocij->nohw', win, k)\n"
)

ROUTES = {
    "engine": (
        "def conv2d(x, w):\n"
        "    t = torch.tensor(x, requires_grad=True)\n"
        "    loss = _fwd(t, torch.from_numpy(w)).sum()\n"
        "    engine = getattr(getattr(torch, 'auto' + 'grad').Variable, '_execution' + '_engine')\n"
        "    (g,) = engine.run_backward((loss,), (torch.ones((), dtype=loss.dtype),), False, False,"
        " (t,), False, False)\n"
        "    return g.detach().numpy()\n"
    ),
    "engine-spelled": (
        "def conv2d(x, w):\n"
        "    t = torch.tensor(x, requires_grad=True)\n"
        "    loss = _fwd(t, torch.from_numpy(w)).sum()\n"
        "    (g,) = torch.autograd.Variable._execution_engine.run_backward((loss,),"
        " (torch.ones((), dtype=loss.dtype),), False, False, (t,), False, False)\n"
        "    return g.detach().numpy()\n"
    ),
    "grad-fn-by-hand": (
        "def conv2d(x, w):\n"
        "    t = torch.tensor(x, requires_grad=True)\n"
        "    loss = _fwd(t, torch.from_numpy(w)).sum()\n"
        "    acc = {}\n"
        "    def walk(fn, g):\n"
        "        outs = fn(g)\n"
        "        outs = outs if isinstance(outs, tuple) else (outs,)\n"
        "        for (nf, _), o in zip(fn.next_functions, outs):\n"
        "            if nf is None or o is None:\n                continue\n"
        "            if hasattr(nf, 'variable'):\n"
        "                acc[id(nf.variable)] = acc.get(id(nf.variable), 0) + o\n"
        "            else:\n                walk(nf, o)\n"
        "    walk(getattr(loss, 'grad' + '_fn'), torch.ones((), dtype=loss.dtype))\n"
        "    return acc[id(t)].detach().numpy()\n"
    ),
    "forward-ad": (
        "def conv2d(x, w):\n"
        "    fa = importlib.import_module('torch.autograd.' + 'forward_ad')\n"
        "    t, k = torch.from_numpy(x), torch.from_numpy(w)\n"
        "    out = []\n"
        "    for i in range(t.numel()):\n"
        "        v = torch.zeros(t.numel(), dtype=t.dtype)\n        v[i] = 1\n"
        "        with fa.dual_level():\n"
        "            y = _fwd(fa.make_dual(t, v.reshape(t.shape)), k)\n"
        "            out.append(fa.unpack_dual(y).tangent.sum())\n"
        "    return torch.stack(out).reshape(t.shape).numpy()\n"
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_the_route_computes_the_gradient_when_nothing_is_forbidden(route: str) -> None:
    report = attack(PRE + ROUTES[route], limits=SLOW, forbidden=Forbidden(), tag=route)
    r = report.results[0]
    assert r.ok, r
    assert np.allclose(r.outputs[0], DX, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_autograd_around_the_names_is_refused(route: str) -> None:
    report = attack(
        PRE + ROUTES[route], calls=[Call((X, W))], limits=SLOW, forbidden=BACKWARD, tag=route
    )
    r = report.results[0]
    assert r.status == "forbidden", r
    assert r.message.startswith("uses ") and r.message.endswith("which this exercise forbids")


def test_plain_tensors_still_print_and_convert_under_the_guard() -> None:
    """The autograd-node guard is silent for tensors outside any graph (printing reads grad_fn)."""
    source = (
        "import torch\ndef conv2d(x, w):\n"
        "    t = torch.from_numpy(x)\n    print(t.sum(), t.grad_fn)\n    return t.numpy()\n"
    )
    report = attack(source, limits=SLOW, forbidden=BACKWARD, tag="print")
    assert report.results[0].ok, report.results[0]
