"""The report's figures as inline SVG: matplotlib's object API on the Agg/SVG canvases (no pyplot, no
global backend), text kept as ``<text>`` (``svg.fonttype = 'none'``) so the browser draws it with its
own fonts (Chinese included) and it can be searched and copied.

Labels may hold slot ids and answer notes; matplotlib escapes SVG text, math parsing is off (a ``$``
stays a dollar sign), and the SVG's XML prolog, DOCTYPE and metadata are dropped before inlining.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Sequence
from typing import Any

__all__ = ["bars_svg", "histogram_svg", "paired_bars_svg"]

_RC: Any = {  # (matplotlib types rcParams keys as Literals)
    "svg.fonttype": "none",
    "svg.hashsalt": "cnngrade",  # stable ids: the same class gives the same page
    "text.parse_math": False,
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_BLUE, _ORANGE, _GREY = "#3b75af", "#ef8636", "#9a9a9a"


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _svg(figure: Any) -> str:
    """The figure as an ``<svg>`` element ready to inline into HTML."""
    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph missing from font": the browser draws that text
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)


def _rc() -> Any:
    import matplotlib

    return matplotlib.rc_context(_RC)


def histogram_svg(
    totals: Sequence[float], max_score: float, *, xlabel: str, ylabel: str, mean: str = "mean"
) -> str:
    """Students per total-score bin (about 10 bins over ``0..max_score``), a dashed line at the mean.

    >>> histogram_svg([1, 2, 2, 5], 5, xlabel="score", ylabel="students").startswith("<svg")
    True
    """
    with _rc():
        figure = _figure(7.0, 2.8)
        ax = figure.add_subplot()
        top = max_score if max_score > 0 else max([*totals, 1.0])
        step = _nice_step(top / 10)
        edges = [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]
        if edges[-1] < top:
            edges.append(edges[-1] + step)
        ax.hist(list(totals), bins=edges, color=_BLUE, edgecolor="white")
        if totals:
            average = sum(totals) / len(totals)
            ax.axvline(average, color=_ORANGE, linestyle="--", linewidth=1.5)
            ax.annotate(f"{mean} {average:.3g}", (average, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -10), textcoords="offset points", color=_ORANGE)  # fmt: skip
        ax.set_xlim(0, edges[-1])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.yaxis.get_major_locator().set_params(integer=True)
        return _svg(figure)


def _nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``raw``.

    >>> _nice_step(1.7), _nice_step(0.03), _nice_step(10)
    (2.0, 0.05, 10.0)
    """
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw - 1e-12)


def paired_bars_svg(
    labels: Sequence[str],
    left: Sequence[float],
    right: Sequence[float],
    *,
    titles: tuple[str, str],
    limits: tuple[tuple[float, float], tuple[float, float]],
    guides: tuple[Sequence[float], Sequence[float]] = ((), ()),
) -> str:
    """Two horizontal bar panels side by side over the same rows (one row per label, top down).

    A NaN value draws no bar and an "n/a" mark; ``guides`` are dotted vertical reference lines.

    >>> svg = paired_bars_svg(["a.1"], [0.5], [float("nan")], titles=("x", "y"),
    ...                       limits=((0, 1), (-1, 1)))
    >>> svg.count("n/a")
    1
    """
    with _rc():
        figure = _figure(7.0, 0.9 + 0.32 * len(labels))
        axes = figure.subplots(1, 2, sharey=True)
        rows = list(range(len(labels)))[::-1]
        for ax, values, title, (low, high), lines, color in zip(
            axes, (left, right), titles, limits, guides, (_BLUE, _ORANGE), strict=True
        ):
            shown = [0.0 if math.isnan(v) else v for v in values]
            ax.barh(rows, shown, color=color, height=0.65)
            for row, value in zip(rows, values, strict=True):
                if math.isnan(value):
                    ax.text(0, row, " n/a", va="center", color=_GREY)
            for x in lines:
                ax.axvline(x, color=_GREY, linestyle=":", linewidth=1)
            ax.set_xlim(low, high)
            ax.set_title(title, loc="left")
        axes[0].set_yticks(rows, list(labels))
        return _svg(figure)


def bars_svg(
    labels: Sequence[str], counts: Sequence[int], *, xlabel: str, color: str = _BLUE
) -> str:
    """Horizontal bars, the largest on top, each labelled with its count.

    >>> ">no_plus_one</text>" in bars_svg(["no_plus_one", "b"], [5, 2], xlabel="students")
    True
    """
    with _rc():
        figure = _figure(4.6, 0.7 + 0.3 * max(len(labels), 1))
        ax = figure.add_subplot()
        rows = list(range(len(labels)))[::-1]
        bars = ax.barh(rows, list(counts), color=color, height=0.65)
        ax.bar_label(bars, padding=3)
        ax.set_yticks(rows, list(labels))
        ax.set_xlim(0, max([*counts, 1]) * 1.15)
        ax.set_xlabel(xlabel)
        ax.xaxis.get_major_locator().set_params(integer=True)
        return _svg(figure)
