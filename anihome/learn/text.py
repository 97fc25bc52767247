"""TF-IDF on numpy and scipy.sparse alone (child process only).

The same numbers as scikit-learn's ``TfidfVectorizer`` (word tokens of two or more word
characters, lowercased; smooth idf; optional ``1 + log(tf)``; rows L2-normalised; columns in
term order) without importing scikit-learn's text module (~70 MB resident) and without its
intermediate matrices: a first pass over the documents counts each term's document and total
frequency, the vocabulary is chosen from those counts (``min_df``, then the ``max_features``
most frequent), and a second pass writes the final float32 values straight into arrays sized
from the counts. The documents are iterated twice, so they may be a stream re-read from the
database (``data.ReleaseTexts``); peak memory is the counts plus the result, not the corpus.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

#: scikit-learn's default ``token_pattern``
TOKEN = re.compile(r"(?u)\b\w\w+\b")
#: documents turned into values per numpy call in the second pass
ROWS_PER_CHUNK = 2000


def words(text: str) -> list[str]:
    """The word tokens of ``text`` as scikit-learn's default analyzer gives them."""
    return TOKEN.findall(text.lower())


def tfidf(docs: Iterable, *, analyzer: Callable[[object], Iterable[str]] = words, min_df: int = 1,
          max_features: int | None = None, sublinear_tf: bool = False):
    """A CSR float32 matrix (one row per document, one column per kept term in sorted order)
    and the kept terms. Raises ValueError when no term is kept (as scikit-learn does)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    document_frequency: Counter = Counter()
    term_frequency: Counter = Counter()
    rows = 0
    for doc in docs:
        tokens = analyzer(doc)
        term_frequency.update(tokens)
        document_frequency.update(set(tokens))
        rows += 1
    kept = [term for term, df in document_frequency.items() if df >= min_df]
    if max_features is not None and len(kept) > max_features:  # the most frequent, ties by term
        kept.sort(key=lambda term: (-term_frequency[term], term))
        kept = kept[:max_features]
    term_frequency.clear()
    if not kept:
        raise ValueError("no terms remain (empty vocabulary or every term below min_df)")
    kept.sort()
    column = {term: j for j, term in enumerate(kept)}
    df = np.fromiter((document_frequency[term] for term in kept), dtype=np.float32, count=len(kept))
    del document_frequency
    idf = np.log(np.float32(rows + 1) / (df + 1)) + 1  # smooth idf, float32 as scikit-learn's
    nnz = int(df.sum())
    del df
    index_type = np.int64 if nnz >= 2 ** 31 - 1 else np.int32
    data = np.empty(nnz, dtype=np.float32)
    indices = np.empty(nnz, dtype=index_type)
    indptr = np.zeros(rows + 1, dtype=index_type)
    at = row = 0
    for chunk in _chunks(docs, ROWS_PER_CHUNK):
        cols, counts, lengths = [], [], []
        for doc in chunk:
            pairs = sorted((column[t], n) for t, n in Counter(analyzer(doc)).items() if t in column)
            lengths.append(len(pairs))
            for j, n in pairs:
                cols.append(j)
                counts.append(n)
        values = np.asarray(counts, dtype=np.float32)
        if sublinear_tf:
            np.log(values, out=values)
            values += 1
        cols_ = np.asarray(cols, dtype=index_type)
        values *= idf[cols_]
        lengths_ = np.asarray(lengths, dtype=index_type)
        squares = np.bincount(np.repeat(np.arange(len(chunk)), lengths_), weights=values * values,
                              minlength=len(chunk))
        norms = np.sqrt(squares).astype(np.float32)
        norms[norms == 0] = 1.0  # an empty row stays empty
        values /= np.repeat(norms, lengths_)
        data[at:at + values.size] = values
        indices[at:at + values.size] = cols_
        indptr[row + 1:row + 1 + len(chunk)] = at + np.cumsum(lengths_)
        at += values.size
        row += len(chunk)
    matrix = csr_matrix((data, indices, indptr), shape=(rows, len(kept)))
    matrix.has_sorted_indices = True
    return matrix, kept


def _chunks(docs: Iterable, size: int):
    chunk = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
