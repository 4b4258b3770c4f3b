"""The bins of EM's per-case cliques (crampnet.inference._embins), by hand.

Whole E-steps with bins of every size are checked against enumeration and
the numpy E-step in tests/test_em_kernel.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from crampnet.inference._embins import collect_bins, count_bins, group


def scopes_as_strides(scopes: list[set[int]], nd: int) -> np.ndarray:
    """Sources' strides over ``nd`` digits: 1 on their scope (only the nonzero pattern matters to ``group``)."""
    return np.array([[1 if d in scope else 0 for d in range(nd)] for scope in scopes], dtype=np.int64)


def work(width: int, nd: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros((7, width), dtype=np.int64), np.zeros((2, width, nd), dtype=np.int64), np.zeros((width, nd), dtype=np.bool_)


def test_group_puts_each_table_where_its_bin_grows_least():
    """Four binary digits, bins of at most 4 entries: worked out by hand."""
    strides = scopes_as_strides([{0, 1}, {0}, {2}, {3}, {1, 2}], 4)
    ints, _, bmask = work(8, 4)
    nb = group(5, 4, strides, np.full(4, 2, dtype=np.int64), 0, 4, ints, bmask)
    # {0,1} opens bin 0; {0} fits in it; {2} would make it 8: bin 1; {3} joins {2}; {1,2} fits in neither: bin 2.
    assert nb == 3
    assert ints[2, :5].tolist() == [0, 0, 1, 1, 2]
    assert ints[3, :3].tolist() == [4, 4, 4] and ints[4, :3].tolist() == [2, 2, 1]
    assert bmask[:3].tolist() == [[True, True, False, False], [False, False, True, True], [False, True, True, False]]


def layout(scopes: list[tuple[int, ...]], cards: list[int]) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Random tables on ``scopes`` (axes in digit order), flattened into one array, with their offsets and strides over the clique's digits."""
    rng = np.random.default_rng(5)
    tables = [rng.random([cards[d] for d in scope]) + 0.1 for scope in scopes]
    offsets = np.cumsum([0] + [t.size for t in tables])[:-1].astype(np.int64)
    strides = np.zeros((len(scopes), len(cards)), dtype=np.int64)
    for k, (scope, table) in enumerate(zip(scopes, tables, strict=True)):
        for a, d in enumerate(scope):
            strides[k, d] = table.strides[a] // table.itemsize
    return tables, offsets, strides


CARDS = [2, 3, 2, 2, 3]
SCOPES = [(0,), (0, 1), (1, 2), (2, 3), (3, 4), (0, 4), (4,), (1, 3)]


def product_by_einsum(tables: list[np.ndarray]) -> np.ndarray:
    letters = "abcde"
    operands: list[object] = []
    for scope, table in zip(SCOPES, tables, strict=True):
        operands += [table, [letters.index(letters[d]) for d in scope]]
    return np.einsum(*operands, list(range(len(CARDS))))


def test_collect_bins_multiply_out_to_the_clique_product():
    """The clique's product through bins (plain Python) equals numpy's product of the tables, for every bin size."""
    tables, offsets, strides = layout(SCOPES, CARDS)
    tab = np.concatenate([t.reshape(-1) for t in tables])
    expected = product_by_einsum(tables).reshape(-1)
    size = expected.size
    dcard = np.array(CARDS, dtype=np.int64)
    width = len(SCOPES) + 1
    for limit in (0, 6, 18, size):
        from crampnet.inference._emtables import product

        ws = np.zeros(size + width * max(limit, 1))
        idx, st = offsets.copy(), np.zeros((width, len(CARDS)), dtype=np.int64)
        idx = np.concatenate([idx, [0]])
        st[: len(SCOPES)] = strides
        ints, mats, bmask = work(width, len(CARDS))
        span = 256
        k, n_tab = collect_bins(ws, size, len(CARDS), dcard, 0, tab, len(SCOPES), idx, st, len(SCOPES), limit, ints, mats, bmask, np.zeros((width, span), dtype=np.int64), np.zeros(width, dtype=np.int64), np.zeros(len(CARDS), dtype=np.int64), np.zeros(span))
        assert (k < len(SCOPES)) == (limit >= 6), limit  # bins form once two tables fit in one
        total = product(ws, 0, size, len(CARDS), dcard, 0, tab, n_tab, idx, st, k, 0, np.zeros((width, span), dtype=np.int64), np.zeros(width, dtype=np.int64), np.zeros(len(CARDS), dtype=np.int64), np.zeros(span))
        np.testing.assert_allclose(ws[:size], expected, rtol=1e-12, err_msg=str(limit))
        assert total == pytest.approx(expected.sum(), rel=1e-12)


@pytest.mark.parametrize("mul", [0, 1])
def test_count_bins_give_each_family_its_marginal(mul):
    """The belief's marginals on each family's scope, times weight / total, through bins (plain Python), against numpy's sums; and one message.

    With ``mul`` the clique's entries are first multiplied by a message on
    digits (0, 4) (the parent's), which the belief written back must show.
    """
    tables, offsets, strides = layout(SCOPES, CARDS)
    rng = np.random.default_rng(9)
    clique = rng.random(CARDS)
    parent = rng.random((CARDS[0], CARDS[4])) + 0.1
    belief = clique * parent[:, None, None, None, :] if mul else clique
    size = belief.size
    dcard = np.array(CARDS, dtype=np.int64)
    width = 2 * len(SCOPES) + 2
    total = sum(t.size for t in tables)
    for limit in (0, 6, 18, size):
        ws = np.zeros(size + 12 + width * max(limit, 1))
        ws[:size] = clique.reshape(-1)
        ws[size + 6 : size + 12] = parent.reshape(-1)
        ints, mats, bmask = work(width, len(CARDS))
        # Target 0: a message on digits (1, 3), C order, at ws[size]; then the families.
        ints[0, 0], mats[0, 0, 1], mats[0, 0, 3] = size, 2, 1
        ints[0, 1 : len(SCOPES) + 1] = offsets
        mats[0, 1 : len(SCOPES) + 1] = strides
        cnt = np.zeros(total)
        span = 256
        idx, st = np.zeros(width, dtype=np.int64), np.zeros((width, len(CARDS)), dtype=np.int64)
        idx[-1], st[-1, 0], st[-1, 4] = size + 6, 3, 1  # the parent's message, read where mul is 1
        flag = count_bins(ws, 0, size, len(CARDS), dcard, 0, cnt, idx, st, np.zeros(width), 1, len(SCOPES), 0.5, mul, size + 12, limit, ints, mats, bmask, np.zeros((width, span), dtype=np.int64), np.zeros(width, dtype=np.int64), np.zeros(len(CARDS), dtype=np.int64), np.zeros(span))
        assert flag == 0
        np.testing.assert_allclose(ws[:size], belief.reshape(-1), rtol=1e-12)
        np.testing.assert_allclose(ws[size : size + 6], belief.sum(axis=(0, 2, 4)).reshape(-1), rtol=1e-12)
        for scope, t, at in zip(SCOPES, tables, offsets.tolist(), strict=True):
            others = tuple(d for d in range(len(CARDS)) if d not in scope)
            np.testing.assert_allclose(cnt[at : at + t.size], 0.5 * belief.sum(axis=others).reshape(-1) / belief.sum(), rtol=1e-12, err_msg=f"{limit} {scope}")


def test_count_bins_flag_a_belief_of_total_zero_and_count_nothing():
    """A parent's message of zeros: flag 1, and no count is touched."""
    tables, offsets, strides = layout(SCOPES, CARDS)
    size = int(np.prod(CARDS))
    width = 2 * len(SCOPES) + 2
    ws = np.zeros(size + 12 + width * 6)
    ws[:size] = 1.0
    ints, mats, bmask = work(width, len(CARDS))
    ints[0, : len(SCOPES)] = offsets
    mats[0, : len(SCOPES)] = strides
    cnt = np.zeros(sum(t.size for t in tables))
    idx, st = np.zeros(width, dtype=np.int64), np.zeros((width, len(CARDS)), dtype=np.int64)
    idx[-1], st[-1, 0], st[-1, 4] = size + 6, 3, 1
    flag = count_bins(ws, 0, size, len(CARDS), np.array(CARDS, dtype=np.int64), 0, cnt, idx, st, np.zeros(width), 0, len(SCOPES), 1.0, 1, size + 12, 6, ints, mats, bmask, np.zeros((width, 256), dtype=np.int64), np.zeros(width, dtype=np.int64), np.zeros(len(CARDS), dtype=np.int64), np.zeros(256))
    assert flag == 1 and not cnt.any()
