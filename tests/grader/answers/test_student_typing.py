"""What students actually type, kind by kind: each entry is read as its value, or refused with a
format finding that says what is expected and costs no attempt.

Rows are ``(typed, expected)``; ``Refused("words")`` means a format error whose English message
contains ``words`` (and whose Chinese message is not empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest

from cnngrade.exercises.core import AnswerSpec, Problem, Text
from cnngrade.grader.answers import FormatError, grade_answer, parse_answer
from cnngrade.grader.answers.symbolic import parse_symbolic

from .notations import SIZE


@dataclass(frozen=True)
class Refused:
    says: str


INT = AnswerSpec("integer")
COUNT = AnswerSpec("integer", units=True)
NUM = AnswerSpec("number", rtol=1e-3, atol=1e-6)
SHAPE = AnswerSpec("shape", partial="per_dimension")
MAT = AnswerSpec("int_matrix", partial="per_element")
REAL = AnswerSpec("matrix", rtol=1e-3, atol=1e-3, partial="per_element")
PARAMS = AnswerSpec(
    "symbolic",
    symbols=(
        ("C_in", "positive_integer"),
        ("C_out", "positive_integer"),
        ("k", "positive_integer"),
        ("g", "positive_integer"),
    ),
)
MODES = AnswerSpec(
    "choice",
    choices=(
        Text("zeros", "补零"),
        Text("reflect", "反射"),
        Text("replicate", "复制"),
        Text("circular", "循环"),
    ),
)
SIZES = AnswerSpec("choice", choices=(Text("(2, 2)", "(2, 2)"), Text("(2, 3)", "(2, 3)")))
KERNELS = AnswerSpec(
    "choice",
    choices=(
        Text(r"$\begin{bmatrix} 19 & 15 \\ 5 & 4 \end{bmatrix}$", "同左"),
        Text(r"$\begin{bmatrix} 15 & 11 \\ 3 & 4 \end{bmatrix}$", "同左 2"),
    ),
)

INTEGERS = [
    *[
        (typed, 128)
        for typed in (
            "128",
            "１２８",
            "１２８。",
            "128.",
            " 128 ",
            "+128",
            "128.0",
            "128 个",
            "128个",
            "128 channels",
            "128 Channels",
            "128 (channels)",
            "答：128",
            "答案: 128",
            "Answer: 128",
            "= 128",
            "C_out = 128",
            "1.28e2",
            "1.28E+2",
            "1.28×10^2",
            "1.28 x 10^2",
            "1.28·10²",
            "1.28*10**2",
        )
    ],
    *[
        (typed, 60964224)
        for typed in (
            "60,964,224",
            "60，964，224",
            "６０，９６４，２２４",
            "60 964 224",
            "60\u00a0964\u00a0224",
            "60\u2009964\u2009224",
            "60_964_224",
            "60'964'224",
            "60,964,224 parameters",
            "60,964,224 个参数",
            "6.0964224e7",
        )
    ],
    ("−3", -3),
    ("－3", -3),
    ("1,5", Refused("whole number")),
    ("0,125", Refused("whole number")),
    ("60.964.224", Refused("whole number")),
    ("128,", Refused("whole number")),
    ("12 34", Refused("whole number")),
    ("1.5", Refused("whole number")),
    ("128 bits", Refused("whole number")),
    ("一百二十八", Refused("whole number")),
    ("0x80", Refused("whole number")),
    ("NaN", Refused("whole number")),
    ("128k", Refused("not allowed")),
    ("1万", Refused("not allowed")),
    ("61 million", Refused("not allowed")),
    ("2^7", Refused("single number")),
    ("3*3*64", Refused("single number")),
    ("128/1", Refused("single number")),
    ("28 × 28", Refused("single number")),
    ("1e99", Refused("exponent")),
    ("9" * 31, Refused("digits")),
    ("", Refused("empty")),
]

COUNTS = [
    ("61M", 61_000_000),
    ("61 M", 61_000_000),
    ("61m", 61_000_000),
    ("61 million", 61_000_000),
    ("61 Million", 61_000_000),
    ("6.1千万", 61_000_000),
    ("6100万", 61_000_000),
    ("159.5K", 159_500),
    ("159.5 k", 159_500),
    ("159.5千", 159_500),
    ("1.2亿", 120_000_000),
    ("1.2G", 1_200_000_000),
    ("3.5 GFLOPs", 3_500_000_000),
    ("4.1 GMACs", 4_100_000_000),
    ("128 MACs", 128),
    ("128 multiply-adds", 128),
    ("6.1万个参数", 61_000),
    ("25.6M params", 25_600_000),
    ("60,964,224", 60_964_224),
    ("6.1e7", 61_000_000),  # read exactly; grading says when it is the answer rounded
    ("1.2 Gbits", Refused("whole number")),
    ("61 MB", Refused("whole number")),
    ("0.0001K", Refused("whole number")),
]

NUMBERS = [
    *[
        (typed, Fraction(1, 2))
        for typed in (
            "0.5",
            ".5",
            "0.50",
            "1/2",
            "1 / 2",
            "½",
            "50%",
            "5e-1",
            "5E-1",
            "5×10^-1",
            "5×10⁻¹",
            "5 x 10^(-1)",
            "０．５",
            "0。5",  # Chinese input mode types 。 for the decimal point
            "0.5。",
            "= 0.5",
        )
    ],
    ("−0.5", Fraction(-1, 2)),
    ("-1/2", Fraction(-1, 2)),
    ("1.2e-3", Fraction(12, 10_000)),
    ("0,5", Refused("a number")),
    ("π", Refused("a number")),
    ("1/0", Refused("a number")),
    ("sqrt(2)", Refused("a number")),
    ("0.5.5", Refused("a number")),
    ("e-3", Refused("a number")),
]

SHAPES = [
    *[
        (typed, (1, 6, 28, 28))
        for typed in (
            "(1, 6, 28, 28)",
            "(1,6,28,28)",
            "[1, 6, 28, 28]",
            "1x6x28x28",
            "1X6X28X28",
            "1×6×28×28",
            "1 × 6 × 28 × 28",
            "1·6·28·28",
            "1✕6✕28✕28",
            "1 6 28 28",
            "（１，６，２８，２８）",
            "(1，6，28，28)。",
            "(1, 6, 28, 28).",
            "［1，6，28，28］",
            "torch.Size([1, 6, 28, 28])",
            "1×6@28×28",
            "output shape: (1, 6, 28, 28)",
            "形状：(1,6,28,28)",
        )
    ],
    ("6@28×28", (6, 28, 28)),
    ("6 @ 28x28", (6, 28, 28)),
    ("６＠２８×２８", (6, 28, 28)),
    ("28x28x6", (28, 28, 6)),  # read as typed; the grader then says it is channels-last
    ("28×28×6", (28, 28, 6)),
    ("28*28*6", Refused("ambiguous")),
    ("6*28*28", Refused("ambiguous")),
    ("(None, 6, 28, 28)", Refused("channels first")),
    ("(1, 6, 28.5, 28)", Refused("channels first")),
    ("28 x 28 x 6 channels", Refused("channels first")),
    ("6@", Refused("channels first")),
    ("-1x6", Refused("channels first")),
]

MATRICES = [
    *[
        (typed, [[1, 2], [3, 4]])
        for typed in (
            "[[1, 2], [3, 4]]",
            "[[1,2],[3,4]]",
            "[[1 2]\n [3 4]]",
            "[[1 2] [3 4]]",
            "1 2\n3 4",
            "1 2; 3 4",
            "1,2;3,4",
            "1，2；3，4",
            "［［１，２］，［３，４］］",
            "[1 2; 3 4]",
            "[[1, 2]; [3, 4]]",
            "((1, 2), (3, 4))",
            "[(1, 2), (3, 4)]",
            "array([[1, 2],\n       [3, 4]])",
            "np.array([[1,2],[3,4]])",
            "array([[1, 2],\n       [3, 4]], dtype=int32)",
            "tensor([[1, 2],\n        [3, 4]])",
            "tensor([[1., 2.],\n        [3., 4.]], dtype=torch.float64)",
            "tensor([[1., 2.], [3., 4.]], requires_grad=True)",
            r"\begin{bmatrix}1&2\\3&4\end{bmatrix}",
            r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \\ \end{bmatrix}",
            r"$$\begin{pmatrix}1&2\\3&4\end{pmatrix}$$",
            r"\left[\begin{matrix}1&2\\3&4\end{matrix}\right]",
            r"\begin{array}{cc}1&2\\3&4\end{array}",
            "| 1 | 2 |\n|---|---|\n| 3 | 4 |",
            "Y = [[1, 2], [3, 4]]",
            "输出：[[1,2],[3,4]]",
        )
    ],
    ("[[−1, 2], [3, −4]]", [[-1, 2], [3, -4]]),
    ("[[1, 2], [3]]", Refused("different lengths")),
    ("[[1, 2], [3, 4]", Refused("matrix")),
    ("1 2; 3", Refused("different lengths")),
    ("[[a, b]]", Refused("matrix")),
    ("[[1, 2], [3, 4]],", Refused("matrix")),
    ("[[nan, 1]]", Refused("matrix")),
    ("[[1e999, 1]]", Refused("matrix")),
    ("[[1/0, 1]]", Refused("matrix")),
    (r"\begin{bmatrix}1&2\\3&4", Refused("matrix")),
]

REALS = [
    *[
        (typed, [[0.5, 0.25], [-1.5, 2]])
        for typed in (
            "[[0.5, 0.25], [-1.5, 2]]",
            "[[.5, .25], [−1.5, 2.]]",
            "[[1/2, 1/4], [-3/2, 2]]",
            "array([[ 0.5 ,  0.25],\n       [-1.5 ,  2.  ]])",
            "[[5e-1, 2.5e-1], [-1.5e0, 2]]",
            "0.5 0.25; -1.5 2",
            r"\begin{bmatrix}0.5 & 0.25 \\ -1.5 & 2\end{bmatrix}",
            "０．５ ０．２５；－１．５ ２",
        )
    ],
]

FLOOR = "floor((n + 2*p - k)/s) + 1"
SIZE_FORMULAS = [
    *[
        (typed, FLOOR)
        for typed in (
            "floor((n+2p-k)/s)+1",
            "floor((n-k+2p)/s)+1",
            "floor((n - k + 2*p)/s) + 1",
            "⌊(n+2p−k)/s⌋+1",
            "⌊(n＋2p－k)／s⌋＋1",
            "(n-k+2*p)//s + 1",
            "floor[(n+2p-k)/s]+1",
            "FLOOR((N+2P-K)/S)+1",
            r"\left\lfloor \frac{n+2p-k}{s} \right\rfloor + 1",
            r"\lfloor (n+2p-k)/s \rfloor+1",
            r"\lfloor\frac{n+2p-k}{s}\rfloor+1",
            r"$\lfloor \frac{n+2p-k}{s} \rfloor + 1$",
            r"\left\lfloor\dfrac{n+2p-k}{s}\right\rfloor+1",
            r"\lfloor{\frac{n + 2 \cdot p - k}{s}}\rfloor + 1",
            r"\left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1",
            "o = floor((n+2p-k)/s)+1",
            "H_out = ⌊(n+2p-k)/s⌋ + 1",
            "答：⌊(n+2p-k)/s⌋+1",
            "floor((n+2p-k)/s)+1。",
            "floor((n + 2 × p − k) ÷ s) + 1",
            "floor((n + 2·p - k)/s) + 1",
        )
    ],
    (r"\frac{n+2p-k}{s}+1", "(n + 2*p - k)/s + 1"),
    ("(n+2p−k)÷s+1", "(n + 2*p - k)/s + 1"),
    ("[n+2p-k]+1", "n + 2*p - k + 1"),  # floor and grouping agree: accepted
    ("2(n+1)", "2*n + 2"),
    ("⌈(n-k+1)/s⌉", "ceiling((n - k + 1)/s)"),
    (r"\lceil \frac{n-k+1}{s} \rceil", "ceiling((n - k + 1)/s)"),
    ("ceil((n-k+1)/s)", "ceiling((n - k + 1)/s)"),
    (r"\max\left(n, k\right)", "Max(n, k)"),
    ("[(n+2p-k)/s]+1", Refused("ambiguous")),
    ("int((n+2p-k)/s)+1", Refused("unknown name")),
    ("n = floor((n+2p-k)/s)+1", Refused("only the formula")),
    (r"\sqrt[3]{n}", Refused("LaTeX")),
    (r"\binom{n}{k}", Refused("LaTeX")),
    (r"\frac{n}{", Refused("braces")),
    ("⌊(n+2p-k)/s⌋\n+1", Refused("one line")),
    ("n+2p-k+1 = 5", Refused("formula")),
    ("n!", Refused("formula")),
    ("kp", Refused("unknown name")),
    ("9**9**9**9", Refused("too large")),
    ("((n^64)^64)^64", Refused("too large")),
    ("(64^64)^64", Refused("too large")),
    ("n^(k^9)", Refused("too large")),
    ("(" * 13 + "n" + ")" * 13, Refused("nested too deeply")),
    ("max(" + ",".join(f"n/{i} - k" for i in range(1, 10)) + ")", Refused("min and max")),
]

PARAMS_FORMULAS = [
    *[
        (typed, "C_in*C_out*k**2/g")
        for typed in (
            "C_in*C_out*k^2/g",
            "C_in*C_out*k**2/g",
            "C_in C_out k^2 / g",
            "C_in·C_out·k²/g",
            "C_in × C_out × k × k / g",
            "C_{in}*C_{out}*k^2/g",
            r"C_{in} \cdot C_{out} \cdot k^{2} / g",
            r"\frac{C_{in} C_{out} k^2}{g}",
            r"\frac{C_{\text{in}} \times C_{\text{out}} \times k^2}{g}",
            r"\frac{C_\mathrm{in}}{g} C_{out} k^2",
            "Cin*Cout*k^2/g",
            "cin*cout*k²/g",
            "Cᵢₙ·Cₒᵤₜ·k²/g",
            "k^2 C_in C_out / g",
            "C_in*C_out*(k^2)/g",
            "P = C_in C_out k^2/g",
            "params: C_in*C_out*k^2/g",
        )
    ],
    ("C_inC_out k^2/g", Refused("unknown name")),
    ("CinCoutk^2/g", Refused("unknown name")),
]

CHOICES = [
    *[
        (typed, 0)
        for typed in (
            "A",
            "a",
            "Ａ",
            "(A)",
            "（A）",
            "A.",
            "A)",
            "A、",
            "A：",
            "【A】",
            "[A]",
            "选A",
            "选 A",
            "选A。",
            "应选A",
            "答案：A",
            "答：A",
            "Answer: a",
            "A选项",
            "A 补零",
            "A. zeros",
            "A: zeros",
            "zeros",
            "Zeros",
            "ZEROS ",
            "补零",
            "1",
        )
    ],
    ("(b)", 1),
    ("B. reflect", 1),
    ("4", 3),
    ("circular", 3),
    ("E", Refused("A–D")),
    ("选E", Refused("A–D")),
    ("5", Refused("A–D")),
    ("0", Refused("A–D")),
    ("AB", Refused("A–D")),
    ("A或B", Refused("A–D")),
    ("不选A", Refused("A–D")),
    ("A B", Refused("A–D")),
    ("mirror", Refused("A–D")),
    ("A. reflect", Refused("different options")),
]

VALUE_CHOICES = [
    ("2x3", SIZES, 1),
    ("(2,3)", SIZES, 1),
    ("2, 3", SIZES, 1),
    ("B (2, 3)", SIZES, 1),
    ("[[19, 15], [5, 4]]", KERNELS, 0),
    ("15 11; 3 4", KERNELS, 1),
]

TABLE = [
    *[(INT, typed, want) for typed, want in INTEGERS],
    *[(COUNT, typed, want) for typed, want in COUNTS],
    *[(NUM, typed, want) for typed, want in NUMBERS],
    *[(SHAPE, typed, want) for typed, want in SHAPES],
    *[(MAT, typed, want) for typed, want in MATRICES],
    *[(REAL, typed, want) for typed, want in REALS],
    *[(SIZE, typed, want) for typed, want in SIZE_FORMULAS],
    *[(PARAMS, typed, want) for typed, want in PARAMS_FORMULAS],
    *[(MODES, typed, want) for typed, want in CHOICES],
    *[(spec, typed, want) for typed, spec, want in VALUE_CHOICES],
]


def _same(got, want, spec) -> bool:
    if spec.kind in ("matrix", "int_matrix"):
        return np.array_equal(got, np.asarray(want, dtype=np.float64))
    if spec.kind == "symbolic":
        return got == parse_symbolic(want, spec.symbols)
    return got == want


@pytest.mark.parametrize(
    "spec,typed,want", TABLE, ids=[f"{s.kind}:{t[:40]!r}" for s, t, _ in TABLE]
)
def test_what_students_type(spec, typed, want):
    if isinstance(want, Refused):
        with pytest.raises(FormatError) as err:
            parse_answer(typed, spec)
        assert want.says in err.value.text.en, err.value.text.en
        assert err.value.text("zh")
        return
    got = parse_answer(typed, spec)
    assert _same(got, want, spec), (typed, got)


REFUSED = [(s, t) for s, t, w in TABLE if isinstance(w, Refused)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_refusal_is_a_free_format_finding_in_the_students_language(lang):
    for spec, typed in REFUSED:
        key = {"integer": 1, "number": 0.5, "shape": [1, 2], "choice": 0, "symbolic": "k"}
        answer = key.get(spec.kind, [[1]])
        problem = Problem("adhoc", "adhoc.1", 3, 1, lang, {}, "?", answer, spec, "", {}, 2.0)
        verdict = grade_answer(problem, typed)
        finding = verdict.findings[0]
        assert (finding.kind, finding.note, verdict.score) == ("format", "format", 0.0), typed
        assert not verdict.counts_attempt
        with pytest.raises(FormatError) as err:
            parse_answer(typed, spec)
        assert finding.message == err.value.text(lang)


def _grade(answer, spec, typed, mis=None):
    problem = Problem("adhoc", "adhoc.1", 3, 1, "en", {}, "?", answer, spec, "", mis or {}, 2.0)
    verdict = grade_answer(problem, typed)
    return verdict, verdict.findings[0]


@pytest.mark.parametrize("typed", ["28x28x6", "28×28×6", "28 28 6", "(28, 28, 6)"])
def test_channels_last_shape_is_graded_and_the_feedback_names_the_order(typed):
    verdict, finding = _grade([6, 28, 28], SHAPE, typed)
    assert finding.kind == "partial" and verdict.counts_attempt
    assert "channels-last" in finding.message and "(C, H, W)" in finding.message
    verdict, finding = _grade([2, 6, 28, 28], SHAPE, "2x" + typed.strip("()"))
    assert "channels-last" in finding.message and "(N, C, H, W)" in finding.message


def test_channels_last_message_in_chinese():
    problem = Problem("adhoc", "adhoc.1", 3, 1, "zh", {}, "?", [6, 28, 28], SHAPE, "", {}, 1.0)
    assert "通道在后" in grade_answer(problem, "28×28×6").findings[0].message


def test_the_slides_at_notation_without_the_batch_says_count_the_dimensions():
    _, finding = _grade([1, 6, 28, 28], SHAPE, "6@28×28")
    assert finding.kind == "wrong" and "3 dimensions" in finding.message


@pytest.mark.parametrize("typed", ["6.1e7", "61M", "6.10e7", "6.1千万", "6096万"])
def test_a_rounded_count_is_wrong_and_told_to_write_every_digit(typed):
    verdict, finding = _grade(60_964_224, COUNT, typed)
    assert (finding.kind, finding.note, verdict.score) == ("wrong", "rounded", 0.0)
    assert verdict.counts_attempt and "exact count" in finding.message
    assert "60964224" not in finding.message and "60,964,224" not in finding.message


@pytest.mark.parametrize("typed", ["60M", "5.9e7", "7e7"])
def test_a_scaled_count_that_is_not_the_answer_rounded_is_just_wrong(typed):
    _, finding = _grade(60_964_224, COUNT, typed)
    assert (finding.kind, finding.note) == ("wrong", "wrong")


@pytest.mark.parametrize("typed", ["60,964,224 params", "6.0964224e7", "6096.4224万", "60964.224K"])
def test_an_exact_count_in_a_scaled_notation_is_correct(typed):
    verdict, _ = _grade(60_964_224, COUNT, typed)
    assert verdict.passed


def test_a_misconception_typed_in_another_notation_is_still_diagnosed():
    mis = {"no_bias": 60_963_224}
    for typed in ("６０，９６３，２２４", "60 963 224 个", "答：60963224", "6.0963224e7"):
        _, finding = _grade(60_964_224, COUNT, typed, mis)
        assert (finding.kind, finding.note) == ("misconception", "no_bias"), typed
    mis = {"plus_one_forgotten": "floor((n + 2*p - k)/s)"}
    for typed in (r"\left\lfloor \frac{n+2p-k}{s} \right\rfloor", "⌊(n＋2p－k)／s⌋"):
        _, finding = _grade(FLOOR, SIZE, typed, mis)
        assert (finding.kind, finding.note) == ("misconception", "plus_one_forgotten"), typed
