"""A forbidden conv2d submission: calls torch's own convolution (the grader refuses it)."""

import numpy as np
import torch
import torch.nn.functional as F


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    b = None if bias is None else torch.from_numpy(bias)
    out = F.conv2d(
        torch.from_numpy(x), torch.from_numpy(weight), b, stride, padding, dilation, groups
    )
    return np.asarray(out)
