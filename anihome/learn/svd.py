"""Truncated SVD of sparse blocks side by side, on numpy and scipy alone (child process only).

The randomized algorithm of scikit-learn's ``TruncatedSVD(algorithm="randomized")`` (Halko et
al.: a Gaussian start from ``RandomState(seed)``, ``n_iter`` power iterations normalised by LU,
a QR basis, the SVD of the small projected matrix, signs fixed from the right singular
vectors) returning what its ``fit_transform`` returns, ``X @ V``. The matrix is never built:
``X = [A | B | ...]`` is only ever multiplied, block by block, so the text and tag matrices
are not copied into a joined one, and scikit-learn (~70 MB resident beyond scipy) is not
imported for it. Float32 throughout, as scikit-learn does for float32 input.
"""
from __future__ import annotations


class SideBySide:
    """Sparse matrices with the same rows, read as one ``[A | B | ...]``."""

    def __init__(self, *blocks):
        self.blocks = blocks
        self.rows = blocks[0].shape[0]
        self.edges = [0]
        for block in blocks:
            assert block.shape[0] == self.rows
            self.edges.append(self.edges[-1] + block.shape[1])
        self.shape = (self.rows, self.edges[-1])

    def dot(self, dense):
        """``X @ dense`` for a dense (columns x r) array."""
        out = None
        for block, start, end in zip(self.blocks, self.edges, self.edges[1:]):
            if end > start:
                part = block @ dense[start:end]
                out = part if out is None else out.__iadd__(part)
        return out

    def tdot(self, dense):
        """``X.T @ dense`` for a dense (rows x r) array."""
        import numpy as np

        return np.vstack([block.T @ dense for block in self.blocks])

    def toarray(self):
        import numpy as np

        return np.hstack([block.toarray() for block in self.blocks])


def reduce(matrix: SideBySide, components: int, n_iter: int = 4, seed: int = 7, oversamples: int = 10):
    """The rows of ``matrix`` projected on its top ``components`` right singular vectors
    (``TruncatedSVD(components, n_iter=n_iter, random_state=seed).fit_transform``), float32."""
    import numpy as np
    from scipy import linalg

    rows, cols = matrix.shape
    if components > cols:
        raise ValueError(f"components ({components}) must be <= the number of columns ({cols})")
    transpose = rows < cols  # work on the thinner side, as scikit-learn does
    forward, backward = (matrix.tdot, matrix.dot) if transpose else (matrix.dot, matrix.tdot)
    size = components + oversamples
    basis = np.random.RandomState(seed).normal(size=(rows if transpose else cols, size)).astype(np.float32)
    for _ in range(n_iter):
        if n_iter > 2:
            basis = linalg.lu(forward(basis), permute_l=True, check_finite=False)[0]
            basis = linalg.lu(backward(basis), permute_l=True, check_finite=False)[0]
        else:
            basis = backward(forward(basis))
    basis = linalg.qr(forward(basis), mode="economic", check_finite=False)[0]
    small = backward(basis).T  # basis.T @ X (or @ X.T): size x the other side
    u_small, singular, vt = linalg.svd(small, full_matrices=False, lapack_driver="gesdd")
    del small, singular
    u = basis @ u_small
    del basis, u_small
    right = u[:, :components].T if transpose else vt[:components]  # components x cols
    del u, vt
    right = np.ascontiguousarray(right)
    # signs: each right singular vector's largest entry (in absolute value) is positive
    biggest = np.abs(right).argmax(axis=1)
    right *= np.sign(right[np.arange(components), biggest])[:, None]
    return matrix.dot(np.ascontiguousarray(right.T))


def normalize_rows(dense):
    """L2-normalise the rows of a dense float array in place (zero rows stay zero)."""
    import numpy as np

    norms = np.linalg.norm(dense, axis=1)
    norms[norms == 0] = 1.0
    dense /= norms[:, None].astype(dense.dtype, copy=False)
    return dense
