"""Exception messages that name a known mistake get their hint (only when the call explains it);
Python 2 idioms; blanking the __main__ self-test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cnngrade.exercises.code import get
from cnngrade.exercises.core import Text
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.code.error_hints import exception_hints, python2_hint
from cnngrade.grader.code.judge import CaseOutcome
from cnngrade.grader.code.main_block import strip_main_blocks


def _notes(exercise_id: str, message: str) -> list[str]:
    """The hints for ``message`` on a case whose call passes both an int and an (H, W) pair."""
    ex = get(exercise_id)
    kinds = lambda c: {type(v) for v in ex.build(c.params).kwargs.values()}  # noqa: E731
    case = next(c for c in ex.cases(rng_for(0)) if {int, tuple} <= kinds(c))
    outcome = CaseOutcome(case.group, case.params, "exception", Text(message, message))
    return [h.note for h in exception_hints(ex, outcome, ex.build(case.params))]


@pytest.mark.parametrize(
    "message, note",
    [
        ("raised TypeError at line 4: cannot unpack non-iterable int object", "int_argument"),
        ("raised TypeError at line 9: 'int' object is not subscriptable", "int_argument"),
        ("raised TypeError at line 9: unsupported operand type(s) for *: 'tuple' and 'int'",
         "pair_argument"),
        ("raised TypeError at line 3: 'float' object cannot be interpreted as an integer",
         "float_size"),
        ("raised TypeError: conv2d() got an unexpected keyword argument 'dilation'", "signature"),
        ("raised TypeError: conv2d() missing 1 required positional argument: 'stride'",
         "signature"),
        ("raised TypeError at line 15: can't assign a numpy.float32 to a torch.FloatTensor",
         "numpy_into_tensor"),
        ("raised IndexError at line 12: index 5 is out of bounds", None),
    ],
)  # fmt: skip
def test_known_exception_messages(message: str, note: str | None) -> None:
    assert _notes("conv2d", message) == ([note] if note else [])


@pytest.mark.parametrize(
    "message, shown",
    [
        ("raised SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?",
         "print(x)"),
        ("your file could not be loaded: raised SyntaxError: Missing parentheses in call to 'exec'",
         "exec(x)"),
        ("raised NameError at line 9: name 'xrange' is not defined", "range"),
        ("raised NameError at line 2: name 'raw_input' is not defined", "input"),
        ("raised NameError at line 2: name 'unicode' is not defined", "str"),
        ("raised AttributeError at line 4: 'dict' object has no attribute 'iteritems'", "d.items()"),
        ("raised AttributeError at line 4: 'dict' object has no attribute 'has_key'", "k in d"),
        ("raised SyntaxError: multiple exception types must be parenthesized", "except E as e"),
        ("raised SyntaxError: leading zeros in decimal integer literals are not permitted", "0o777"),
    ],
)  # fmt: skip
def test_python2_idioms(message: str, shown: str) -> None:
    ex = get("max_pool2d")
    case = ex.cases(rng_for(0))[0]
    outcome = CaseOutcome(case.group, case.params, "exception", Text(message, message))
    hint = python2_hint(outcome)
    assert hint.note == "python2" and shown in hint.text("en") and shown in hint.text("zh")


def test_python3_name_errors_are_not_python2() -> None:
    for name in ("np", "xranges"):
        message = f"raised NameError at line 3: name '{name}' is not defined"
        assert _notes("conv2d", message) == []
        assert python2_hint(CaseOutcome("basic", {}, "exception", Text(message, message))) is None


def test_an_argument_form_hint_needs_that_form_in_the_call() -> None:
    """ "Unpack the pair" needs a pair in the call; "turn the int into a pair" needs an int."""
    ex = get("conv2d")
    cases = ex.cases(rng_for(0))
    only_ints = next(
        c
        for c in cases
        if not any(isinstance(v, tuple) for v in ex.build(c.params).kwargs.values())
    )
    with_pair = next(
        c for c in cases if any(isinstance(v, tuple) for v in ex.build(c.params).kwargs.values())
    )
    pair_msg = "raised TypeError at line 9: unsupported operand type(s) for *: 'tuple' and 'int'"
    for case, want in ((only_ints, []), (with_pair, ["pair_argument"])):
        outcome = CaseOutcome(case.group, case.params, "exception", Text(pair_msg, pair_msg))
        assert [h.note for h in exception_hints(ex, outcome, ex.build(case.params))] == want
    inv = ex.build(with_pair.params)
    paired = replace(inv, kwargs={**inv.kwargs, "stride": (1, 2), "padding": (0, 1),
                                   "dilation": (1, 1), "groups": 1})  # fmt: skip
    int_msg = "raised TypeError at line 4: cannot unpack non-iterable int object"
    outcome = CaseOutcome(with_pair.group, with_pair.params, "exception", Text(int_msg, int_msg))
    assert exception_hints(ex, outcome, paired) == []  # only groups is an int: never a pair
    corr = get("corr2d")  # corr2d(X, K) takes no int argument at all
    case = corr.cases(rng_for(0))[0]
    int_msg = "raised TypeError at line 4: cannot unpack non-iterable int object"
    outcome = CaseOutcome(case.group, case.params, "exception", Text(int_msg, int_msg))
    assert exception_hints(corr, outcome, corr.build(case.params)) == []


def test_signature_hint_shows_the_call() -> None:
    ex = get("residual")
    case = ex.cases(rng_for(0))[0]
    msg = "raised TypeError: Residual.__init__() takes from 3 to 4 positional arguments but 5 were given"
    outcome = CaseOutcome(case.group, case.params, "exception", Text(msg, msg))
    (hint,) = exception_hints(ex, outcome, ex.build(case.params))
    assert "Residual(in_channels, out_channels, use_1x1conv, stride) with these arguments by position" in hint.text("en")  # fmt: skip
    wrong = CaseOutcome(case.group, case.params, "wrong", Text(msg, msg))
    assert exception_hints(ex, wrong, ex.build(case.params)) == []


def test_main_blocks_are_blanked_keeping_line_numbers() -> None:
    src = (
        "import numpy as np\n"
        "def f(x):\n"
        "    return x\n"
        'if "__main__" == __name__:\n'
        "    import torch.nn.functional as F\n"
        "    print(F.conv2d)\n"
        "y = 1\n"
    )
    out = strip_main_blocks(src)
    assert out.split("\n") == [
        "import numpy as np",
        "def f(x):",
        "    return x",
        "",
        "",
        "",
        "y = 1",
        "",
    ]
    kept = "if __name__ == '__main__':\n    a = 1\nelse:\n    a = 2\n"  # the else branch runs
    assert strip_main_blocks(kept) == kept
    assert strip_main_blocks("if __name__ == '__main__' or True:\n    a = 1\n").startswith("if")
    assert strip_main_blocks("def (:\n") == "def (:\n"
