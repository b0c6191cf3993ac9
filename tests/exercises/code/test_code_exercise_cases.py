"""Contract tests of every code exercise: cases cover every group, are reproducible and JSON plain,
and the expected outputs (reference/, float64) agree with torch's own operators."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnngrade.exercises.code import get, names
from cnngrade.exercises.seeding import rng_for

FUNCTIONS = [n for n in names() if get(n).kind == "function"]


@pytest.mark.parametrize("name", names())
def test_cases_cover_every_group_and_are_reproducible(name: str) -> None:
    ex = get(name)
    cases = ex.cases(rng_for(7))
    assert {c.group for c in cases} == {g.name for g in ex.groups}
    assert json.loads(json.dumps([c.params for c in cases])) == json.loads(
        json.dumps([c.params for c in ex.cases(rng_for(7))])
    )
    assert len(ex.statement.en) > 40 and len(ex.statement.zh) > 20 and ex.entry in ex.statement.en


@pytest.mark.parametrize("name", FUNCTIONS)
def test_shrink_candidates_are_buildable_and_simpler(name: str) -> None:
    ex = get(name)
    for case in ex.cases(rng_for(3))[:6]:
        for candidate in ex.shrink(dict(case.params)):
            inv = ex.build(candidate)
            ex.expected(candidate, inv)  # a valid configuration for the reference too
            assert candidate != case.params


def _torch_outputs(name: str, inv, dtype=torch.float64) -> tuple[np.ndarray, ...]:
    """What torch itself computes for an invocation, an oracle independent of reference/."""

    def _t(x):
        return None if x is None else torch.from_numpy(np.asarray(x)).to(dtype)

    a, kw = [_t(x) if isinstance(x, np.ndarray) else x for x in inv.args], dict(inv.kwargs)
    if name == "corr2d":
        return (F.conv2d(a[0][None, None], a[1][None, None])[0, 0].numpy(),)
    if name == "conv2d":
        return (F.conv2d(*a, **kw).numpy(),)
    if name == "conv_transpose2d":
        return (F.conv_transpose2d(*a, **kw).numpy(),)
    if name in ("max_pool2d", "avg_pool2d"):
        return (getattr(F, name)(*a, **kw).numpy(),)
    if name == "im2col":
        return (F.unfold(a[0], a[1], stride=kw["stride"], padding=kw["padding"]).numpy(),)
    if name == "lstm_cell":
        h, c = torch.lstm_cell(a[0], (a[1], a[2]), *a[3:])
        return h.numpy(), c.numpy()
    if name == "gru_cell":
        return (torch.gru_cell(*a).numpy(),)
    if name == "depthwise_separable_conv2d":
        x, dw, pw, db, pb = a
        y = F.conv2d(x, dw, db, groups=x.shape[1], **kw)
        return (F.conv2d(y, pw, pb).numpy(),)
    if name in ("conv2d_backward", "max_pool2d_backward"):
        dout, x = a[0], a[1].requires_grad_(True)
        if name == "conv2d_backward":
            w = a[2].requires_grad_(True)
            b = torch.zeros(w.shape[0], dtype=dtype, requires_grad=True)
            (F.conv2d(x, w, b, **kw) * dout).sum().backward()
            return x.grad.numpy(), w.grad.numpy(), b.grad.numpy()
        (F.max_pool2d(x, a[2], **kw) * dout).sum().backward()
        return (x.grad.numpy(),)
    raise AssertionError(f"no torch oracle for {name}")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_expected_outputs_agree_with_torch(name: str) -> None:
    ex = get(name)
    for seed in (0, 1):
        for case in ex.cases(rng_for(seed)):
            inv = ex.build(case.params)
            for got, want in zip(
                ex.expected(case.params, inv), _torch_outputs(name, inv), strict=True
            ):
                np.testing.assert_allclose(
                    got, want, rtol=1e-10, atol=1e-10, err_msg=f"{name} {case.params}"
                )


def test_unknown_exercise_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown code exercise 'conv3d'; known: avg_pool2d"):
        get("conv3d")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_float32_error_passes_and_float16_error_fails(name: str) -> None:
    """The tolerance: torch computing in float32 passes; outputs rounded to float16 fail."""
    from cnngrade.grader.code.judge import compare_outputs

    ex = get(name)
    checked = 0
    for seed in (0, 1):
        for case in ex.cases(rng_for(seed)):
            inv = ex.build(case.params)
            expected = ex.expected(case.params, inv)
            float32 = _torch_outputs(name, inv, torch.float32)
            assert compare_outputs(ex, float32, expected)[0].ok, (name, case.params)
            if case.params.get("ints") or max(np.size(e) for e in expected) < 8:
                continue  # small integers are exact in float16; one element may round by luck
            float16 = tuple(
                np.asarray(e).astype(np.float16) if np.size(e) >= 8 else e for e in expected
            )
            assert not compare_outputs(ex, float16, expected)[0].ok, (name, case.params)
            checked += 1
    assert checked >= 4


@pytest.mark.parametrize("name", FUNCTIONS)
def test_buggy_rules_run_on_every_case_and_differ_from_the_answer(name: str) -> None:
    """Each rule gives None or outputs on cases and shrink candidates, and never the right answer
    everywhere (a rule equal to the reference would hint at a bug in correct code)."""
    from cnngrade.grader.code.judge import compare_outputs

    ex = get(name)
    differs = {r.note: False for r in ex.buggy_rules}
    for case in ex.cases(rng_for(0)):
        for params in [case.params, *ex.shrink(dict(case.params))[:3]]:
            inv = ex.build(params)
            expected = ex.expected(params, inv)
            for rule in ex.buggy_rules:
                out = rule.outputs(params, inv)
                if out is None:
                    continue
                same = all(np.shape(a) == np.shape(e) for a, e in zip(out, expected, strict=True))
                if not same or not compare_outputs(ex, out, expected)[0].ok:
                    differs[rule.note] = True
    assert all(differs.values()), [n for n, d in differs.items() if not d]
