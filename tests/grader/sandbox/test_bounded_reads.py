"""Bounded readers of child data (JSON lines, .npy files) and the operator patterns' one rule."""

from __future__ import annotations

import os

import numpy as np
import pytest

from cnngrade.grader.sandbox import Forbidden, static_scan
from cnngrade.grader.sandbox.outputs import load_plain_npy
from cnngrade.grader.sandbox.runtime import ops, safejson


@pytest.mark.parametrize(
    "text",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
        b'{"ev": "done", "x": ' + b"[" * 40 + b"]" * 40 + b"}",
    ],
)
def test_deep_json_is_a_value_error_before_parsing(text: bytes) -> None:
    with pytest.raises(ValueError, match="nested .* levels deep"):
        safejson.loads(text, max_bytes=len(text))


def test_brackets_inside_strings_do_not_count_and_size_is_capped() -> None:
    line = b'{"message": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"[[[", "i": 1}'
    assert safejson.loads(line, max_bytes=1000)["i"] == 1
    with pytest.raises(ValueError, match="more than 10"):
        safejson.loads(line, max_bytes=10)
    with pytest.raises(ValueError):
        safejson.loads(b'{"a": ', max_bytes=100)


def _npy(tmp_path, header: str, data: bytes = b"") -> str:
    raw = header.encode("latin1")
    raw += b" " * (-(len(raw) + 11) % 64) + b"\n"
    path = tmp_path / "out.npy"
    path.write_bytes(b"\x93NUMPY\x01\x00" + len(raw).to_bytes(2, "little") + raw + data)
    return str(path)


def test_npy_claiming_2_60_elements_is_refused_before_allocating(tmp_path) -> None:
    path = _npy(
        tmp_path, "{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976,), }"
    )
    with pytest.raises(ValueError, match="9223372036854775808 bytes is over the limit"):
        load_plain_npy(path, 2**26)


def test_npy_must_hold_exactly_the_bytes_its_header_claims(tmp_path) -> None:
    header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }"
    assert load_plain_npy(_npy(tmp_path, header, b"\0" * 24), 100).shape == (2, 3)
    with pytest.raises(ValueError, match="claims 24 bytes of data but the file holds 23"):
        load_plain_npy(_npy(tmp_path, header, b"\0" * 23), 100)
    with pytest.raises(ValueError, match="claims 24 bytes of data but the file holds 25"):
        load_plain_npy(_npy(tmp_path, header, b"\0" * 25), 100)


def test_npy_round_trip_keeps_values_and_order(tmp_path) -> None:
    arr = np.asfortranarray(np.arange(12, dtype=np.int16).reshape(3, 4))
    path = os.path.join(tmp_path, "a.npy")
    np.save(path, arr)
    out = load_plain_npy(path, 1000)
    np.testing.assert_array_equal(out, arr)
    assert out.flags.c_contiguous and type(out) is np.ndarray


@pytest.mark.parametrize(
    ("op", "patterns", "hit"),
    [
        ("aten::conv2d.padding", ("conv(?!ert)",), True),
        ("aten::_convolution_double_backward", ("conv(?!ert)",), True),
        ("quantized::conv2d.new", ("conv(?!ert)",), True),
        ("aten::_convert_indices_from_coo_to_csr", ("conv(?!ert)",), False),
        ("prims::convert_element_type", ("conv(?!ert)",), False),
        ("aten::max_pool3d_with_indices", ("pool[123]d",), True),
        ("inductor::_alloc_from_pool", ("pool[123]d",), False),
        ("aten::col2im.out", ("im2col", "col2im"), True),
    ],
)
def test_operator_patterns_match_base_names(op: str, patterns: tuple, hit: bool) -> None:
    assert ops.matches(op, patterns) is hit


def test_one_rule_for_the_scan_and_the_child() -> None:
    forbidden = Forbidden(aten_ops=("conv(?!ert)", "im2col"))
    src = (
        "import torch\ny = torch.convolution(x)\nz = torch._C._nn.im2col(x)\n"
        "w = torch.ops.quantized.conv2d(x)\nv = x.to(torch.float64)\n"
    )
    found = static_scan(src, forbidden)
    assert [f.split(":")[0] for f in found] == ["line 2", "line 3", "line 4"]
    assert "torch.ops.quantized.conv2d" in found[2]


def test_a_pattern_that_is_not_a_regular_expression_is_refused() -> None:
    with pytest.raises(
        ValueError, match="Forbidden.aten_ops: 'conv\\(' is not a regular expression"
    ):
        Forbidden(aten_ops=("conv(",))


def test_an_output_replaced_by_a_fifo_or_a_link_is_refused_without_blocking(tmp_path) -> None:
    fifo, link = tmp_path / "fifo.npy", tmp_path / "link.npy"
    os.mkfifo(fifo)
    os.symlink("/dev/zero", link)
    for path, says in ((fifo, "not a regular file"), (link, "could not be opened")):
        with pytest.raises(ValueError, match=says):
            load_plain_npy(str(path), 100)
    empty = tmp_path / "empty.npy"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="no output was written"):
        load_plain_npy(str(empty), 100)
