"""Module exercises: statements say which conventions are accepted, arguments go by position (with
d2l's lazy list as the alternative), a manifest can narrow the conventions, and every case's
reference blocks build, trace and run without touching torch's global RNG."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnngrade.exercises.code import get
from cnngrade.exercises.code.modules import EXERCISES, RESIDUAL, with_convention
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.code.module_reference import module_probe, references


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_statement_names_every_accepted_convention(exercise) -> None:
    assert exercise.conventions
    for convention in exercise.conventions:
        assert f"`{convention}`" in exercise.statement.en
        assert f"`{convention}`" in exercise.statement.zh


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_every_case_builds_every_convention_and_draws_weights_from_its_seed(exercise) -> None:
    before = torch.random.get_rng_state()
    for case in exercise.cases(rng_for(7)):
        inv = exercise.build(case.params)
        runs = references(exercise, inv)
        assert [r.convention for r in runs] == list(exercise.conventions)
        for run in runs:
            after = ("after_train",) if "train" in inv.modes else ()  # eval after a training step
            # inputs: the case's, and the first one times LARGE
            assert run.tied and set(run.outputs) == {
                (k, m) for k in range(len(inv.inputs) + 1) for m in (*inv.modes, *after)
            } | {(0, "grad")}
            assert all(np.isfinite(v).all() for v in run.outputs.values())
        probe = module_probe(exercise, inv)
        assert probe.alternatives == inv.alternatives and probe.modes == inv.modes
        other = exercise.build({**case.params, "seed": case.params["seed"] + 1})
        a, b = references(exercise, inv)[0].sent.ops[0].arrays[0], references(exercise, other)[0].sent.ops[0].arrays[0]  # fmt: skip
        assert a.shape == b.shape and not np.array_equal(a, b)
    assert torch.equal(before, torch.random.get_rng_state())


def test_arguments_go_by_position_with_the_lazy_list_second() -> None:
    case = RESIDUAL.cases(rng_for(0))[1]
    inv = RESIDUAL.build(case.params)
    assert inv.alternatives == ((3, 6, True, 2), (6, True, 2))
    assert inv.modes == ("eval", "train")
    assert get("lenet").build(get("lenet").cases(rng_for(0))[0].params).alternatives == ((),)


def test_a_manifest_convention_narrows_the_exercise_and_its_statement() -> None:
    paper = with_convention(RESIDUAL, "paper")
    assert paper.conventions == ("paper",) and paper.id == "residual"
    assert "`paper`" in paper.statement.en and "`d2l` (" not in paper.statement.en
    assert get("residual:paper").conventions == ("paper",)
    with pytest.raises(ValueError, match="convention 'torch' is not offered by 'residual'"):
        with_convention(RESIDUAL, "torch")


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_every_shrink_step_is_a_case_the_references_accept(exercise) -> None:
    """Shrinking never proposes arguments or sizes the reference refuses (BN in training mode on
    one value, a 1x1 image under a stride-2 conv ...): those would be grader crashes."""
    todo = [case.params for case in exercise.cases(rng_for(5))]
    seen = 0
    while todo and seen < 60:
        params = todo.pop()
        for smaller in exercise.shrink(params):
            assert smaller != params
            inv = exercise.build(smaller)
            assert references(exercise, inv)
            todo.append(smaller)
            seen += 1
    assert seen > 0


def test_manifest_convention_field() -> None:
    from cnngrade.exercises.assignment import parse_manifest

    a = parse_manifest(
        "id: hw\nexercises:\n  - {id: residual, convention: paper}\n  - {id: lenet}\n"
    )
    assert [s.code_id for s in a.slots] == ["residual:paper", "lenet"]
    for entry, message in [
        ("{id: lenet, convention: paper}", "convention 'paper' is not offered by 'lenet'; use one of ('d2l',)"),
        ("{id: conv2d, convention: d2l}", "convention applies to module code exercises only"),
        ("{id: residual, convention: torch}", "convention 'torch' is not offered by 'residual'"),
    ]:  # fmt: skip
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse_manifest(f"id: hw\nexercises:\n  - {entry}\n")
