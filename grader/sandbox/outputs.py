"""Read what the child wrote, bounded before anything is allocated: ``.npy`` outputs and raw results.

The child is hostile. An ``.npy`` header may claim 2**60 elements, a nested header, an object dtype
or a Fortran order; ``np.load`` would allocate first and fail (``MemoryError``) in the grader. Here the
header is parsed with NumPy's own capped reader, the claimed size is checked against the limit and
against the bytes actually in the file, and only then is the data read — exactly that many bytes.
Every failure is a ``ValueError`` saying what was wrong: the student's ``invalid_output``.
"""

from __future__ import annotations

import math
import os
import stat

import numpy as np
from numpy.lib import format as npy_format

#: The largest header NumPy's reader accepts by default (it ``literal_eval``s the header).
MAX_HEADER_BYTES = 10_000


def load_plain_npy(path: str, max_bytes: int) -> np.ndarray:
    """A plain numeric ndarray from an ``.npy`` file, or ValueError saying why not.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "a.npy")
    >>> np.save(path, np.arange(3.0))
    >>> load_plain_npy(path, 1000).tolist()
    [0.0, 1.0, 2.0]
    >>> os.truncate(path, os.path.getsize(path) - 8)
    >>> load_plain_npy(path, 1000)
    Traceback (most recent call last):
    ...
    ValueError: the .npy header claims 24 bytes of data but the file holds 16
    """
    with open_regular(path) as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            raise ValueError("no output was written")
        try:
            version = npy_format.read_magic(fh)
            shape, fortran, dtype = _read_header(fh, version)
        except ValueError as exc:
            raise ValueError(f"the .npy header is not valid ({_short(exc)})") from None
        except Exception as exc:  # noqa: BLE001 - a nested header recursing, a bad dtype string
            raise ValueError(f"the .npy header could not be read ({type(exc).__name__})") from None
        _check_dtype(dtype)
        if not all(type(n) is int and n >= 0 for n in shape):
            raise ValueError(f"the .npy header has an invalid shape {str(shape)[:80]}")
        nbytes = math.prod(shape) * dtype.itemsize  # Python ints: no overflow
        if nbytes > max_bytes:
            raise ValueError(f"output of {nbytes} bytes is over the limit of {max_bytes}")
        data = fh.read(nbytes + 1)
    if len(data) != nbytes:
        raise ValueError(
            f"the .npy header claims {nbytes} bytes of data but the file holds {len(data)}"
        )
    flat = np.frombuffer(data, dtype=dtype, count=math.prod(shape))
    return flat.reshape(shape, order="F" if fortran else "C").copy(order="C")


def open_regular(path: str):
    """``path`` opened for reading, or ValueError when the child replaced it by something that is
    not a regular file (a link, a FIFO that would block the grader, a device)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise ValueError(f"the file could not be opened ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ValueError("the file was replaced by something that is not a regular file")
    return os.fdopen(fd, "rb")


def _read_header(fh, version: tuple[int, int]):
    if version == (1, 0):
        return npy_format.read_array_header_1_0(fh, max_header_size=MAX_HEADER_BYTES)
    if version in ((2, 0), (3, 0)):
        return npy_format.read_array_header_2_0(fh, max_header_size=MAX_HEADER_BYTES)
    raise ValueError(f"unknown .npy version {version}")


def _check_dtype(dtype: np.dtype) -> None:
    if dtype.hasobject or dtype.kind not in "biuf" or dtype.fields is not None or dtype.subdtype:
        raise ValueError(f"output is not a plain numeric array (dtype {str(dtype)[:60]})")


def _short(exc: BaseException) -> str:
    text = str(exc).replace("\n", " ")
    return text[:160] + ("..." if len(text) > 160 else "")
