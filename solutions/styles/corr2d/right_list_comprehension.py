"""corr2d as a nested list comprehension returning a list of lists of Python floats.

Deserves: full marks.
"""


def corr2d(X, K):
    kh, kw = len(K), len(K[0])
    return [
        [
            sum(float(X[i + a][j + b]) * float(K[a][b]) for a in range(kh) for b in range(kw))
            for j in range(len(X[0]) - kw + 1)
        ]
        for i in range(len(X) - kh + 1)
    ]
