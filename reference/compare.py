"""The one comparison helper: shape, then dtype, then values, then gradients; it names the first stage that fails.

The grader uses it for student-vs-reference and the tests use it for reference-vs-torch, so the two
agree on what "equal" means. Values are compared with ``|a - e| <= atol + rtol * |e|`` (numpy's
``isclose`` rule), never float ``==``; NaN and infinities are reported as such.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

ArrayLike = np.ndarray | torch.Tensor


@dataclass(frozen=True)
class Comparison:
    """Result of :func:`compare`.

    ``stage`` is ``"ok"`` or the first failing stage: ``"shape"``, ``"dtype"``, ``"nonfinite"``,
    ``"values"`` or ``"gradients"``. ``index`` is the first differing multi-index (values stage).
    """

    stage: str
    message: str
    index: tuple[int, ...] | None = None
    actual_value: float | None = None
    expected_value: float | None = None
    max_abs_error: float | None = None
    mismatched: int = 0
    total: int = 0

    @property
    def ok(self) -> bool:
        return self.stage == "ok"


def _as_numpy(x: ArrayLike) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def compare(
    actual: ArrayLike,
    expected: ArrayLike,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    check_dtype: bool = False,
    name: str = "output",
) -> Comparison:
    """Compare ``actual`` with ``expected``: shape, dtype (if asked), non-finite values, then values.

    >>> compare(np.ones((2, 3)), np.ones((2, 3))).ok
    True
    >>> compare(np.ones((2, 2)), np.ones((2, 3))).message
    'output shape (2, 2), expected (2, 3)'
    >>> compare(np.array([1.0, 2.0]), np.array([1.0, 2.5])).index
    (1,)
    """
    a, e = _as_numpy(actual), _as_numpy(expected)
    total = int(e.size)
    if a.shape != e.shape:
        return Comparison("shape", f"{name} shape {a.shape}, expected {e.shape}", total=total)
    if check_dtype and a.dtype != e.dtype:
        return Comparison("dtype", f"{name} dtype {a.dtype}, expected {e.dtype}", total=total)
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    bad_finite = ~np.isfinite(a64) & np.isfinite(e64)
    if bad_finite.any():
        idx = tuple(int(i) for i in np.argwhere(bad_finite)[0])
        return Comparison(
            "nonfinite",
            f"{name} has {int(bad_finite.sum())} NaN/inf value(s), first at index {idx}: {a64[idx]}",
            index=idx,
            actual_value=float(a64[idx]),
            expected_value=float(e64[idx]),
            mismatched=int(bad_finite.sum()),
            total=total,
        )
    close = np.isclose(a64, e64, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        idx = tuple(int(i) for i in np.argwhere(~close)[0])
        err = float(np.nanmax(np.abs(a64 - e64)))
        count = int((~close).sum())
        return Comparison(
            "values",
            f"{name} differs at {count} of {total} positions; first at index {idx}: "
            f"got {a64[idx]:.6g}, expected {e64[idx]:.6g}",
            index=idx,
            actual_value=float(a64[idx]),
            expected_value=float(e64[idx]),
            max_abs_error=err,
            mismatched=count,
            total=total,
        )
    return Comparison("ok", f"{name} matches", total=total)


def compare_with_gradients(
    fn: Callable[..., torch.Tensor],
    reference_fn: Callable[..., torch.Tensor],
    inputs: Sequence[torch.Tensor],
    *,
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> Comparison:
    """Compare two differentiable functions: forward output, then the gradient of each input.

    The gradient is taken of ``sum(out * g)`` for a fixed random-free weighting ``g`` (a ramp), so a
    transposed or permuted gradient cannot hide behind a plain sum.
    """
    a_in = [x.detach().clone().requires_grad_(x.is_floating_point()) for x in inputs]
    e_in = [x.detach().clone().requires_grad_(x.is_floating_point()) for x in inputs]
    a_out, e_out = fn(*a_in), reference_fn(*e_in)
    forward = compare(a_out, e_out, rtol=rtol, atol=atol)
    if not forward.ok:
        return forward
    weight = torch.linspace(-1.0, 1.0, e_out.numel(), dtype=e_out.dtype, device=e_out.device)
    weight = weight.reshape(e_out.shape)
    (a_out * weight).sum().backward()
    (e_out * weight).sum().backward()
    for i, (xa, xe) in enumerate(zip(a_in, e_in, strict=True)):
        if xe.grad is None:
            continue
        if xa.grad is None:
            return Comparison("gradients", f"no gradient reached input {i}")
        grad = compare(xa.grad, xe.grad, rtol=rtol, atol=atol, name=f"gradient of input {i}")
        if not grad.ok:
            return Comparison("gradients", grad.message, index=grad.index, total=grad.total)
    return Comparison("ok", "output and gradients match", total=forward.total)
