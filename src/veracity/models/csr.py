"""Sparse-row arithmetic of the linear model that gives scipy's very floats.

scipy's ``multiply``, ``sum(axis=1)`` and ``X @ v`` build dense temporaries of
``n_features`` entries per call (about 1 ms each over a million hashed
columns); these helpers add the same terms in the same order over the stored
entries only, so margins and weights are bit for bit scipy's.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def occupied_columns(feats: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """``feats`` cut down to the columns that hold a value, and those columns.

    An L2-regularised logistic regression gives an empty column a weight of
    exactly 0, so fitting on the occupied columns finds the same model; the
    solver's vector work then scales with the vocabulary seen (about half a
    million columns) instead of the hashing space, which makes it about three
    times faster.
    """
    feats = feats.tocsr()
    if not feats.data.all():
        feats = sp.csr_matrix(feats, copy=True)
        feats.eliminate_zeros()
    used = np.flatnonzero(np.bincount(feats.indices, minlength=feats.shape[1]))
    position = np.zeros(feats.shape[1], dtype=feats.indices.dtype)
    position[used] = np.arange(len(used), dtype=position.dtype)
    compact = sp.csr_matrix(
        (feats.data, position[feats.indices], feats.indptr), shape=(feats.shape[0], len(used))
    )
    return compact, used


def row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Each CSR row's ``values`` summed as scipy's ``X.sum(axis=1)`` sums them
    (``np.add.reduceat`` over the stored order, in the values' dtype)."""
    out = np.zeros(len(indptr) - 1, dtype=values.dtype)
    filled = np.flatnonzero(np.diff(indptr))
    out[filled] = np.add.reduceat(values, indptr[filled])
    return out


def row_dot(products: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Each CSR row's ``products`` added one by one in stored order: how scipy's ``X @ v``
    adds a row's terms, so the sums are the same floats."""
    column = sp.csr_matrix(
        (products, np.zeros(len(products), np.int32), indptr), shape=(len(indptr) - 1, 1)
    )
    return np.asarray(column @ np.ones(1, products.dtype)).ravel()


def row_keys(matrix: sp.csr_matrix, n_features: int) -> np.ndarray:
    """``row * n_features + column`` of each stored entry, in stored order."""
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    return rows * n_features + matrix.indices.astype(np.int64)
