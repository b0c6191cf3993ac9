"""Hints for exceptions whose message names a known mistake: a signature that does not take the
grader's call, an int where a pair may come (or the reverse), a float size (``/`` for ``//``), NumPy
values written into a tensor.

The exception text comes from the student's own run (``raised TypeError at line 9: ...``); each rule
is a regular expression over it and the hint says what to change.
"""

from __future__ import annotations

import re

from cnngrade.exercises.code.core import CodeExercise, Invocation
from cnngrade.exercises.core import Text
from cnngrade.grader.code.hints import Hint
from cnngrade.grader.code.judge import CaseOutcome

_SIGNATURE = re.compile(
    r"unexpected keyword argument|missing \d+ required (positional|keyword-only) argument"
    r"|takes \d+ positional arguments? but \d+ (were|was) given"
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
        "(H + 2p - k) // s + 1, not with /.",
        "某个尺寸或下标是浮点数：输出尺寸请用整除计算，(H + 2p - k) // s + 1，不要用 /。",
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


def exception_hints(exercise: CodeExercise, outcome: CaseOutcome, inv: Invocation) -> list[Hint]:
    """The hint for a known exception message (at most one), else nothing.

    >>> from exercises.code import get
    >>> ex = get("corr2d")
    >>> case = ex.cases(__import__("numpy").random.default_rng(0))[0]
    >>> o = CaseOutcome("basic", case.params, "exception",
    ...                 Text("raised TypeError at line 3: cannot unpack non-iterable int object", ""))
    >>> [h.note for h in exception_hints(ex, o, ex.build(case.params))]
    ['int_argument']
    """
    if outcome.status != "exception":
        return []
    text = outcome.message.en
    if _SIGNATURE.search(text):
        return [_signature(exercise, inv)]
    for pattern, hint in (
        (_INT_NOT_PAIR, _INT_HINT),
        (_PAIR_NOT_INT, _PAIR_HINT),
        (_FLOAT_SIZE, _FLOAT_HINT),
        (_NUMPY_INTO_TENSOR, _TENSOR_HINT),
    ):
        if pattern.search(text):
            return [hint]
    return []
