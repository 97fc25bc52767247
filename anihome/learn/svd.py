"""Truncated SVD of sparse blocks side by side, on numpy and scipy alone (child process only).

The randomized algorithm of scikit-learn's ``TruncatedSVD(algorithm="randomized")`` (Halko et
al.: a Gaussian start from ``RandomState(seed)``, ``n_iter`` power iterations, a QR basis, the
SVD of the small projected matrix, signs fixed from the right singular vectors) returning what
its ``fit_transform`` returns, ``X @ V``. The matrix is never built:
``X = [A | B | ...]`` is only ever multiplied, block by block, so the text and tag matrices
are not copied into a joined one, and scikit-learn (~70 MB resident beyond scipy) is not
imported for it. Float32 throughout, as scikit-learn does for float32 input.
"""
from __future__ import annotations


#: rows multiplied at once by ``SideBySide.dot`` (its temporaries: this many rows, not all)
ROWS_PER_BAND = 8192


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
        """``X @ dense`` for a dense (columns x r) array, written into one result a band of
        rows at a time: no whole-size temporary per block (each row's sum is the same as the
        whole product's)."""
        import numpy as np

        out = np.empty((self.rows, dense.shape[1]), dtype=np.result_type(self.blocks[0].dtype, dense.dtype),
                       order="F")  # column-major: LAPACK's QR works on it in place
        for top in range(0, self.rows, ROWS_PER_BAND):
            bottom = min(self.rows, top + ROWS_PER_BAND)
            band = None
            for block, start, end in zip(self.blocks, self.edges, self.edges[1:]):
                if end > start:
                    part = block[top:bottom] @ dense[start:end]
                    band = part if band is None else band.__iadd__(part)
            out[top:bottom] = 0 if band is None else band
        return out

    def tdot(self, dense):
        """``X.T @ dense`` for a dense (rows x r) array, summed over bands of rows: scipy
        wants the dense side C-contiguous, and a column-major catalog-sized ``dense`` would be
        copied whole."""
        import numpy as np

        out = np.zeros((self.shape[1], dense.shape[1]), dtype=np.result_type(self.blocks[0].dtype, dense.dtype),
                       order="F")
        for top in range(0, self.rows, ROWS_PER_BAND):
            bottom = min(self.rows, top + ROWS_PER_BAND)
            band = np.ascontiguousarray(dense[top:bottom])
            for block, start, end in zip(self.blocks, self.edges, self.edges[1:]):
                if end > start:
                    out[start:end] += block[top:bottom].T @ band
        return out

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
    # Each power iteration is normalised by a QR factorisation worked in place on the
    # column-major product (scikit-learn uses LU, which spans the same columns but costs a
    # transient copy of the catalog-sized array; the final basis and the vectors are the same
    # to float32 precision: the tests compare them).
    for _ in range(n_iter):
        if n_iter > 2:
            basis = _orthonormal(forward(basis))
            basis = _orthonormal(backward(basis))
        else:
            basis = backward(forward(basis))
    basis = _orthonormal(forward(basis))
    small = backward(basis).T  # basis.T @ X (or @ X.T): size x the other side
    u_small, singular, vt = linalg.svd(small, full_matrices=False, lapack_driver="gesdd")
    del small, singular
    if transpose:  # the right singular vectors are the left ones of X.T
        right = (basis @ u_small[:, :components]).T
    else:
        right = vt[:components]  # components x cols
    del basis, u_small, vt
    right = np.ascontiguousarray(right)
    # signs: each right singular vector's largest entry (in absolute value) is positive
    biggest = np.abs(right).argmax(axis=1)
    right *= np.sign(right[np.arange(components), biggest])[:, None]
    return matrix.dot(np.ascontiguousarray(right.T))


def _orthonormal(dense):
    """An orthonormal basis of the columns of ``dense`` (economic QR), in place when column-major."""
    from scipy import linalg

    return linalg.qr(dense, mode="economic", check_finite=False, overwrite_a=True)[0]


def normalize_rows(dense):
    """L2-normalise the rows of a dense float array in place (zero rows stay zero)."""
    import numpy as np

    norms = np.sqrt(np.einsum("ij,ij->i", dense, dense))  # no row-sized temporaries
    norms[norms == 0] = 1.0
    dense /= norms[:, None].astype(dense.dtype, copy=False)
    return dense
