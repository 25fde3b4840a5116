"""What the experiments share: their bundled data.

* Data that needs no download: scikit-learn's 8x8 digits (``load_digits``).

The scripts run as ``python experiments/X.py``, which puts this folder first on ``sys.path``, so
they import these as ``from common import ...``; the tests and benchmarks put it there too.
"""

from __future__ import annotations

import numpy as np


# --- data ----------------------------------------------------------------------------------------
def load_digits(seed, images=False):
    """scikit-learn's bundled 8x8 digits scaled to [0, 1], shuffled by ``seed``, split 80/20.

    Returns ``((x_train, y_train), (x_test, y_test))``: ``x`` is ``[n, 64]``, or ``[n, 8, 8, 1]``
    (NHWC) with ``images``; ``y`` the int32 digit.
    """
    from sklearn.datasets import load_digits as sk_load

    data = sk_load()
    x = (data.images[..., None] if images else data.data) / 16.0
    x, y = x.astype(np.float32), data.target.astype(np.int32)
    order = np.random.default_rng(seed).permutation(len(x))
    split = int(0.8 * len(x))
    return (x[order[:split]], y[order[:split]]), (x[order[split:]], y[order[split:]])
