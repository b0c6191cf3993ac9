"""Hints for failures whose message names a known mistake: Python 2 code, a signature that does not
take the grader's call, an int where a pair may come (or the reverse), a float size (``/`` for
``//``), NumPy values written into a tensor, and ``x[p:-p]`` that is empty when ``p`` is 0.

The exception text comes from the student's own run (``raised TypeError at line 9: ...``); each rule
is a regular expression over it. A rule about an argument's form is claimed only when the case
really passes that form (a "pass a pair" hint needs a pair in the call), and the empty-slice hint only
when the failures are exactly the cases with a zero padding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from cnngrade.exercises.code.core import CodeExercise, Invocation
from cnngrade.exercises.core import Text
from cnngrade.grader.code.hints import Hint, half_or_more
from cnngrade.grader.code.judge import CaseOutcome

_SIGNATURE = re.compile(
    r"unexpected keyword argument|missing \d+ required (positional|keyword-only) argument"
    r"|takes (from \d+ to )?\d+ positional arguments? but \d+ (were|was) given"
)
_INT_NOT_PAIR = re.compile(
    r"cannot unpack non-iterable int object|'int' object is not (subscriptable|iterable)"
    r"|object of type 'int' has no len\(\)"
)
_PAIR_NOT_INT = re.compile(
    r"'tuple' object cannot be interpreted as an integer"
    r"|unsupported operand type\(s\) for [^:]+: '(tuple|list)' and '(int|float)'"
    r"|unsupported operand type\(s\) for [^:]+: '(int|float)' and '(tuple|list)'"
    r"|can only concatenate tuple"
)
_FLOAT_SIZE = re.compile(r"'float' object cannot be interpreted as an integer")
_NUMPY_INTO_TENSOR = re.compile(
    r"can't assign a numpy|expected Tensor as element|must be Tensor, not numpy"
    r"|argument '\w+' \(position \d+\) must be Tensor, not (numpy\.)?ndarray"
)


def _signature(exercise: CodeExercise, inv: Invocation) -> Hint:
    if exercise.kind == "module" and inv.alternatives:  # blocks are built from positional arguments
        call = f"{exercise.entry}({', '.join(inv.init_kwargs)})"
        return Hint("signature", Text(
            f"The grader calls {call} with these arguments by position, in this order (any parameter "
            "names; d2l's lazy version without in_channels works too): keep the statement's order.",
            f"评分程序以 {call} 按位置依次传参（参数名不限；不带 in_channels 的 d2l 惰性版本也可以）："
            "请保持题目中的参数顺序。"))  # fmt: skip
    if exercise.kind == "module":
        names = ", ".join(f"{k}=..." for k in inv.init_kwargs)
        call = f"{exercise.entry}({names})"
    else:
        shown = list(exercise.arg_names[: len(inv.args)]) + [f"{k}=..." for k in inv.kwargs]
        call = f"{exercise.entry}({', '.join(shown)})"
    return Hint(
        "signature",
        Text(
            f"The grader calls {call}, passing the statement's parameter names as keywords and "
            "leaving out those that have a default: keep the signature exactly as the statement "
            "gives it (names and defaults).",
            f"评分程序以 {call} 调用，按题目中的参数名以关键字传参，并省略有默认值的参数：请严格保持题目给出的"
            "函数签名（参数名与默认值）。",
        ),
    )


_INT_HINT = Hint(
    "int_argument",
    Text(
        "An argument such as stride, padding, dilation or kernel_size may be a plain int (as in "
        "torch): turn it into a pair first, e.g. (s, s) if isinstance(s, int) else s.",
        "stride、padding、dilation 或 kernel_size 等参数可以是一个整数（与 torch 相同）：先把它变成二元组，"
        "例如 (s, s) if isinstance(s, int) else s。",
    ),
)
_PAIR_HINT = Hint(
    "pair_argument",
    Text(
        "An argument such as stride, padding, dilation or kernel_size may be an (H, W) pair (as in "
        "torch): unpack it (sh, sw = stride) instead of using it as a number.",
        "stride、padding、dilation 或 kernel_size 等参数可以是 (H, W) 二元组（与 torch 相同）：先拆开"
        "（sh, sw = stride），不要直接当作数字使用。",
    ),
)
_FLOAT_HINT = Hint(
    "float_size",
    Text(
        "A size or an index is a float: compute the output size with integer division, "
        "(H + 2p - k) // s + 1, not with / (which rounded down between ints only in Python 2).",
        "某个尺寸或下标是浮点数：输出尺寸请用整除计算，(H + 2p - k) // s + 1，不要用 /"
        "（只有 Python 2 中整数相除才向下取整）。",
    ),
)
_TENSOR_HINT = Hint(
    "numpy_into_tensor",
    Text(
        "Your code mixes NumPy values into torch tensors: the inputs are NumPy arrays; convert "
        "them once with torch.from_numpy(...) (or stay in NumPy throughout).",
        "你的代码把 NumPy 数值写入了 torch 张量：输入是 NumPy 数组；请先用 torch.from_numpy(...) 统一转换"
        "（或全程使用 NumPy）。",
    ),
)


#: Python 2 idioms as Python 3 reports them: (pattern, what it is, what to write instead).
_PYTHON2 = (
    (r"Missing parentheses in call to '(?P<w>print|exec)'", "{w} x", "{w}(x)"),
    (r"name '(?P<w>xrange)' is not defined", "xrange", "range"),
    (r"name '(?P<w>raw_input)' is not defined", "raw_input", "input"),
    (r"name '(?P<w>unicode|basestring)' is not defined", "{w}", "str"),
    (r"name '(?P<w>long)' is not defined", "long", "int"),
    (r"name '(?P<w>reduce)' is not defined", "the built-in reduce", "functools.reduce"),
    (r"name '(?P<w>unichr)' is not defined", "unichr", "chr"),
    (r"object has no attribute '(?P<w>iteritems|itervalues|iterkeys)'", "d.{w}()", "d.items()/.values()/.keys()"),
    (r"object has no attribute 'has_key'", "d.has_key(k)", "k in d"),
    (r"module 'sys' has no attribute 'maxint'", "sys.maxint", "sys.maxsize"),
    (r"'generator' object has no attribute 'next'", "it.next()", "next(it)"),
    (r"multiple exception types must be parenthesized", "except E, e", "except E as e"),
    (r"leading zeros in decimal integer literals", "an octal 0777", "0o777"),
)  # fmt: skip


def python2_hint(outcome: CaseOutcome) -> Hint | None:
    """The hint for Python 2 code (``print x``, ``xrange``, ``d.iteritems()`` ...), else None.

    >>> o = CaseOutcome("basic", {}, "exception",
    ...                 Text("raised NameError at line 9: name 'xrange' is not defined", ""))
    >>> python2_hint(o).text("en")
    'This is Python 2 code (xrange): the grader runs Python 3, where you write range instead.'
    """
    if outcome.status != "exception":
        return None
    for pattern, what, instead in _PYTHON2:
        m = re.search(pattern, outcome.message.en)
        if m is not None:
            what, instead = (s.format(**m.groupdict()) for s in (what, instead))
            return Hint("python2", Text(
                f"This is Python 2 code ({what}): the grader runs Python 3, where you write "
                f"{instead} instead.",
                f"这是 Python 2 的写法（{what}）：评分程序运行 Python 3，应改写为 {instead}。"))  # fmt: skip
    return None


#: Arguments that may be an int or an (H, W) pair (torch's convention).
PAIR_ARGUMENTS = frozenset(
    ("kernel_size", "stride", "strides", "padding", "dilation", "output_padding")
)


def _arguments(inv: Invocation) -> list[object]:
    return [*inv.args, *inv.kwargs.values(), *inv.init_kwargs.values()]


def _named_arguments(exercise: CodeExercise, inv: Invocation) -> dict[str, object]:
    positional = dict(zip(exercise.arg_names, inv.args, strict=False))
    return {**positional, **inv.kwargs, **inv.init_kwargs}


def _passes_int(exercise: CodeExercise, inv: Invocation) -> bool:
    """Does the call pass a plain int for an argument that may also be a pair?"""
    return any(
        name in PAIR_ARGUMENTS and isinstance(v, int) and not isinstance(v, bool)
        for name, v in _named_arguments(exercise, inv).items()
    )


def passes_pair(inv: Invocation) -> bool:
    return any(isinstance(v, tuple | list) for v in _arguments(inv))


def exception_hints(exercise: CodeExercise, outcome: CaseOutcome, inv: Invocation) -> list[Hint]:
    """The hint for a known exception message (at most one) that the case's call explains.

    An "int where a pair was expected" message gets its hint only when the call passes an int for
    an argument that may be a pair (stride, padding ...), a "pair used as a number" message only
    when it passes a pair. Python 2 code is :func:`python2_hint`'s (``hint_rank`` asks it first).

    >>> from cnngrade.exercises.code import get
    >>> ex = get("corr2d")
    >>> case = ex.cases(__import__("numpy").random.default_rng(0))[0]
    >>> o = CaseOutcome("basic", case.params, "exception",
    ...                 Text("raised TypeError at line 3: 'float' object cannot be interpreted as an integer", ""))
    >>> [h.note for h in exception_hints(ex, o, ex.build(case.params))]
    ['float_size']
    """
    if outcome.status != "exception":
        return []
    text = outcome.message.en
    if _SIGNATURE.search(text):
        return [_signature(exercise, inv)]
    for pattern, hint, explains in (
        (_INT_NOT_PAIR, _INT_HINT, lambda inv: _passes_int(exercise, inv)),
        (_PAIR_NOT_INT, _PAIR_HINT, passes_pair),
        (_FLOAT_SIZE, _FLOAT_HINT, lambda inv: True),
        (_NUMPY_INTO_TENSOR, _TENSOR_HINT, lambda inv: True),
    ):
        if pattern.search(text):
            return [hint] if explains(inv) else []
    return []


# A shape with an empty dimension in a message: "into shape (2,2,0,0)", "(0, 3)", "zero-size array".
_EMPTY = re.compile(
    r"shapes? \((?:\s*\d+\s*,)*\s*0\s*(?:,\s*\d+\s*)*,?\s*\)|zero-size array|with size 0\b"
)

EMPTY_SLICE = Hint(
    "empty_slice_zero_padding",
    Text(
        "Your code fails exactly when the padding is 0, with an empty array: a slice such as "
        "x[p:-p] is empty when p = 0 (since -0 is 0). Slice with explicit ends, x[p:p + H] "
        "(or x[p:x.shape[-2] - p]).",
        "你的代码恰好在填充为 0 时出错，且出现了空数组：p = 0 时 x[p:-p] 这样的切片为空（-0 就是 0）。"
        "请写出明确的终点，如 x[p:p + H]（或 x[p:x.shape[-2] - p]）。",
    ),
)


def _zero_padding(params: dict) -> bool:
    return params.get("ph", 1) == 0 or params.get("pw", 1) == 0


def _looks_empty(o: CaseOutcome) -> bool:
    """An empty dimension shows: in the message, the output's shape, or an uncopied -inf/NaN buffer."""
    if o.status == "nonfinite" or (o.status == "exception" and _EMPTY.search(o.message.en)):
        return True
    return any(0 in np.shape(a) for a in o.actual)


def empty_slice_cases(outcomes: Sequence[CaseOutcome], open_: set[int]) -> set[int]:
    """The open failing cases an empty ``x[p:-p]`` slice explains: those with a zero padding that
    show an empty array, when they are most of the open failures with a zero padding, no case
    padded on both sides shows one, and some case padded on both sides passes."""
    if not outcomes or "ph" not in outcomes[0].params or "pw" not in outcomes[0].params:
        return set()
    padded = [o for o in outcomes if not _zero_padding(o.params)]
    if any(_looks_empty(o) for o in padded) or not any(o.passed for o in padded):
        return set()
    return half_or_more(
        {i: _looks_empty(outcomes[i]) for i in open_ if _zero_padding(outcomes[i].params)}
    )
