"""A conv2d submission that never returns (the grader times it out and moves on)."""


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    i = 0
    while i >= 0:  # the loop variable never reaches its end condition
        i += 1
    return x
