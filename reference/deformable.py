"""Deformable convolution v1 (learned offsets) and v2 (offsets + modulation mask), in 2-D.

A standard conv reads tap ``(i, j)`` of output ``(y, x)`` at ``p = (y s_h - p_h + i d_h, x s_w - p_w + j d_w)``.
A deformable conv reads it at ``p + Δp`` (a learned, fractional offset per output position and tap),
samples bilinearly with zeros outside the input, and (v2) scales it by a mask ``m ∈ [0, 1]``:

    Y[n, o, y, x] = b[o] + Σ_{c, i, j} W[o, c, i, j] · m_{ij}(y, x) · bilinear(X[n, c], p_{ij}(y, x) + Δp_{ij}(y, x))

Layouts are torchvision's (``torchvision.ops.deform_conv2d``): ``offset`` is
``(N, 2·G·kH·kW, H_out, W_out)`` holding ``(Δy, Δx)`` pairs, ordered by offset group ``G``, then tap
``i·kW + j``; ``mask`` is ``(N, G·kH·kW, H_out, W_out)``. Channels are split into ``G`` offset groups
that share offsets, and into ``C_in / weight.shape[1]`` weight groups as in a grouped conv.
"""

from __future__ import annotations

import torch

from cnngrade.reference._conv_checks import check_bias, check_input
from cnngrade.reference._trace import traced
from cnngrade.reference._validate import check_non_negative, check_positive, ntuple
from cnngrade.reference.analysis.sizes import conv_output_size
from cnngrade.reference.conv import contract_columns

__all__ = ["deform_conv2d", "bilinear_sample"]


def bilinear_sample(
    input: torch.Tensor, y: torch.Tensor, x: torch.Tensor, scale: torch.Tensor | None = None
) -> torch.Tensor:
    """Bilinearly interpolate ``input`` at fractional pixel coordinates, reading zeros outside it.

    ``v(y, x) = Σ_{corners (y_c, x_c)} (1 - |y - y_c|)(1 - |x - x_c|) · X[y_c, x_c]`` over the 4 integer
    neighbours ``y_c ∈ {⌊y⌋, ⌊y⌋ + 1}``, where a neighbour outside the image contributes 0; times
    ``scale`` (one factor per point, e.g. a deformable conv's mask) when given.

    Shape:
        input ``(N, G, C_g, H, W)``; y, x and scale ``(N, G, P)`` (one set per group) ->
        ``(N, G, C_g, P)``.

    >>> img = torch.tensor([[0.0, 1.0], [2.0, 3.0]]).reshape(1, 1, 1, 2, 2)
    >>> bilinear_sample(img, torch.tensor([[[0.5, 1.0, -0.5]]]), torch.tensor([[[0.5, 1.5, 0.0]]]))
    tensor([[[[1.5000, 1.5000, 0.0000]]]])
    """
    n, g, cg, h, w = input.shape
    flat = input.reshape(n, g, cg, h * w)
    y0, x0 = y.detach().floor(), x.detach().floor()
    # fractional parts; writing the weights with them (not 1 - |y - y_c|) gives integer positions
    # the gradient of the cell they start, as torchvision does (zero offsets are the usual init)
    ly, lx = y - y0, x - x0
    # a point on or past the ring one pixel outside the image reads 0 with gradient 0 (torchvision)
    near = (y > -1) & (y < h) & (x > -1) & (x < w)
    corners = [
        (yc, wy, xc, wx)
        for yc, wy in ((y0, 1 - ly), (y0 + 1, ly))
        for xc, wx in ((x0, 1 - lx), (x0 + 1, lx))
    ]

    def corner(yc, wy, xc, wx) -> tuple[torch.Tensor, torch.Tensor]:
        """The corner's values (N, G, C_g, P) and its weight per point (N, G, 1, P)."""
        inside = near & (yc >= 0) & (yc <= h - 1) & (xc >= 0) & (xc <= w - 1)
        weight = (wy * wx * inside).to(input.dtype)  # small: before it meets the C_g channels
        weight = weight if scale is None else weight * scale
        index = (yc.clamp(0, h - 1) * w + xc.clamp(0, w - 1)).long()
        return flat.gather(3, index[:, :, None, :].expand(n, g, cg, -1)), weight[:, :, None, :]

    values, weight = corner(*corners[0])
    out = values * weight
    for c in corners[1:]:
        out.addcmul_(*corner(*c))
    return out


def _check_offsets(offset, mask, x, kernel, out_sizes):
    """Validate ``offset``/``mask`` against torchvision's layout; return the number of offset groups."""
    n, c_in = x.shape[:2]
    taps = kernel[0] * kernel[1]
    if not isinstance(offset, torch.Tensor) or offset.dim() != 4 or offset.shape[1] % (2 * taps):
        shape = tuple(offset.shape) if isinstance(offset, torch.Tensor) else type(offset).__name__
        raise ValueError(
            f"offset must have shape (N, 2*offset_groups*kH*kW, H_out, W_out) with kH*kW={taps}, got {shape}"
        )
    groups = offset.shape[1] // (2 * taps)
    if c_in % groups:
        raise ValueError(f"offset has {groups} offset groups, which must divide C_in={c_in}")
    expected = (n, 2 * groups * taps, *out_sizes)
    if tuple(offset.shape) != expected:
        raise ValueError(
            f"offset must have shape {expected} (N, 2*G*kH*kW, H_out, W_out), got {tuple(offset.shape)}"
        )
    wanted = (n, groups * taps, *out_sizes)
    if mask is not None and (not isinstance(mask, torch.Tensor) or tuple(mask.shape) != wanted):
        shape = tuple(mask.shape) if isinstance(mask, torch.Tensor) else type(mask).__name__
        raise ValueError(f"mask must have shape {wanted} (N, G*kH*kW, H_out, W_out), got {shape}")
    for name, t in (("offset", offset), ("mask", mask)):
        if t is not None and (t.dtype != x.dtype or t.device != x.device):
            raise ValueError(
                f"{name} is {t.dtype} on {t.device} but input is {x.dtype} on {x.device}"
            )
    return groups


def _check_weight(weight, x):
    """Deformable weights are ``(C_out, C_in / weight_groups, kH, kW)``; return the weight groups."""
    if not isinstance(weight, torch.Tensor) or weight.dim() != 4:
        raise ValueError("deform_conv2d expects weight of shape (C_out, C_in/groups, kH, kW)")
    if weight.dtype != x.dtype or weight.device != x.device:
        raise ValueError(
            f"weight is {weight.dtype} on {weight.device} but input is {x.dtype} on {x.device}"
        )
    c_in, c_out, per_group = x.shape[1], weight.shape[0], weight.shape[1]
    if per_group < 1 or c_in % per_group or c_out % (c_in // per_group):
        raise ValueError(
            f"weight.shape[1]={per_group} must divide C_in={c_in} (giving the groups), and the groups "
            f"must divide C_out={c_out}"
        )
    return c_in // per_group


@traced("deform_conv2d")
def deform_conv2d(input, offset, weight, bias=None, stride=1, padding=0, dilation=1, mask=None):
    """Deformable convolution (v1; v2 when ``mask`` is given), as ``torchvision.ops.deform_conv2d``.

    Shape:
        input ``(N, C_in, H, W)``; offset ``(N, 2·G·kH·kW, H_out, W_out)``; weight
        ``(C_out, C_in/groups, kH, kW)``; mask ``(N, G·kH·kW, H_out, W_out)`` or None ->
        ``(N, C_out, H_out, W_out)``, ``H_out = conv_output_size(H, kH, s, p, d)``.

    Args:
        offset: ``(Δy, Δx)`` per offset group, tap and output position (zeros = a standard conv).
        mask: modulation scalars per offset group, tap and output position (v2).
        stride, padding, dilation: int or pair; padding is zeros (it is the bilinear sampler's border).

    >>> x, w = torch.arange(9.0).reshape(1, 1, 3, 3), torch.ones(1, 1, 1, 1)
    >>> shift = torch.tensor([0.0, 0.5]).reshape(1, 2, 1, 1).expand(1, 2, 3, 3)  # half a pixel right
    >>> deform_conv2d(x, shift, w)[0, 0]
    tensor([[0.5000, 1.5000, 1.0000],
            [3.5000, 4.5000, 2.5000],
            [6.5000, 7.5000, 4.0000]])
    """
    if not isinstance(input, torch.Tensor) or input.dim() != 4:
        shape = tuple(input.shape) if isinstance(input, torch.Tensor) else type(input).__name__
        raise ValueError(f"deform_conv2d expects a 4-D input (N, C_in, H, W); got shape {shape}")
    x, _ = check_input("deform_conv2d", input, 2)
    groups = _check_weight(weight, x)
    check_bias(bias, weight.shape[0], x)
    kernel = tuple(weight.shape[2:])
    strides, pads, dilations = (
        ntuple(v, 2, k)
        for v, k in ((stride, "stride"), (padding, "padding"), (dilation, "dilation"))
    )
    check_positive(strides, "stride")
    check_positive(dilations, "dilation")
    check_non_negative(pads, "padding")
    out_sizes = tuple(
        conv_output_size(*args)
        for args in zip(x.shape[2:], kernel, strides, pads, dilations, strict=True)
    )
    offset_groups = _check_offsets(offset, mask, x, kernel, out_sizes)
    n, c_in, h, w = x.shape
    (kh, kw), (ho, wo) = kernel, out_sizes
    # regular sampling grid p_ij(y, x), shape (kH·kW, H_out, W_out), in at least float32
    # (bfloat16 / float16 cannot count pixels exactly past 256 / 2048)
    exact = torch.promote_types(x.dtype, torch.float32)
    ii, jj, oy, ox = (torch.arange(v, device=x.device, dtype=exact) for v in (kh, kw, ho, wo))
    base_y = (oy * strides[0] - pads[0])[None, :, None] + (ii * dilations[0])[:, None, None]
    base_x = (ox * strides[1] - pads[1])[None, None, :] + (jj * dilations[1])[:, None, None]
    base_y = base_y[:, None].expand(kh, kw, ho, wo).reshape(kh * kw, ho, wo)
    base_x = base_x[None].expand(kh, kw, ho, wo).reshape(kh * kw, ho, wo)
    delta = offset.reshape(n, offset_groups, kh * kw, 2, ho, wo)
    y = (base_y + delta[:, :, :, 0]).reshape(n, offset_groups, -1)
    xs = (base_x + delta[:, :, :, 1]).reshape(n, offset_groups, -1)
    scale = None if mask is None else mask.reshape(n, offset_groups, -1)
    cols = bilinear_sample(x.reshape(n, offset_groups, c_in // offset_groups, h, w), y, xs, scale)
    out = contract_columns(cols.reshape(n, c_in, kh * kw, ho * wo), weight, groups)
    out = out.reshape(n, -1, ho, wo)
    return out if bias is None else out + bias.reshape(-1, 1, 1)
