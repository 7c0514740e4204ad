"""The sparse membership table: one row per (firm, organisation) membership.

A firm may be a member of several cluster organisations (in Flanders many firms are members of several
spearhead clusters and networks). Each membership carries its own yearly fee (cash part, in-kind credit
and the staff time that credit takes), the cash dues outstanding and paid in the organisation's current
project year, and its start quarter. Rows are kept in the order they were created, so that every loop
over memberships is deterministic.
"""

from __future__ import annotations

import numpy as np

from clusterpolicy.model.compiled import compiled


class Memberships:
    """Column store of memberships (COO form of the firm x organisation table).

    Attributes:
        firm: row of the member firm in ``FirmTable``.
        org: index of the organisation in ``model.orgs``.
        since: quarter the membership started.
        fee_cash: yearly cash fee (EUR/yr).
        fee_credit: yearly in-kind contribution credited as co-financing (EUR/yr).
        fee_time: staff time that credit takes (EUR/yr of time).
        dues: cash dues outstanding in the organisation's current project year (EUR).
        dues_paid_year: cash dues paid in the organisation's current project year (EUR).
    """

    INT_COLUMNS = ("firm", "org", "since")
    FLOAT_COLUMNS = ("fee_cash", "fee_credit", "fee_time", "dues", "dues_paid_year")

    firm: np.ndarray
    org: np.ndarray
    since: np.ndarray
    fee_cash: np.ndarray
    fee_credit: np.ndarray
    fee_time: np.ndarray
    dues: np.ndarray
    dues_paid_year: np.ndarray

    def __init__(self, n_firms: int = 0) -> None:
        # the columns are views of the first rows of two buffers (one row per column), grown by doubling
        self._n = 0
        self._ints = np.empty((len(self.INT_COLUMNS), 64), dtype=np.int64)
        self._floats = np.empty((len(self.FLOAT_COLUMNS), 64), dtype=np.float64)
        # slot[org, firm]: the row of that membership, -1 for none (a dense index, grown as needed)
        self._slot = np.full((0, n_firms), -1, dtype=np.int32)
        self._views()

    def _views(self) -> None:
        n = self._n
        for i, name in enumerate(self.INT_COLUMNS):
            setattr(self, name, self._ints[i, :n])
        for i, name in enumerate(self.FLOAT_COLUMNS):
            setattr(self, name, self._floats[i, :n])

    def __getstate__(self) -> dict[str, object]:
        columns = {*self.INT_COLUMNS, *self.FLOAT_COLUMNS}
        return {k: v for k, v in self.__dict__.items() if k not in columns}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._views()  # the columns are views of the buffers again

    def __len__(self) -> int:
        return self._n

    @property
    def slot(self) -> np.ndarray:
        """The dense index: ``slot[org, firm]`` is that membership's row, -1 for none (read it, do not write).

        Its shape only covers the organisations and firms that have had a membership.
        """
        return self._slot

    # ------------------------------------------------------------------ changes
    def add(
        self,
        firms: np.ndarray,
        orgs: np.ndarray,
        since: int,
        fee_cash: np.ndarray,
        fee_credit: np.ndarray,
        fee_time: np.ndarray,
        dues: np.ndarray,
    ) -> None:
        """Append memberships, one element of each array per membership (none of the pairs exists already)."""
        n = len(firms)
        if n == 0:
            return
        start, stop = self._n, self._n + n
        if stop > self._ints.shape[1]:
            size = max(stop, 2 * self._ints.shape[1])
            for name in ("_ints", "_floats"):
                old = getattr(self, name)
                grown = np.empty((old.shape[0], size), dtype=old.dtype)
                grown[:, :start] = old[:, :start]
                setattr(self, name, grown)
        self._fit(firms, orgs)
        append(
            self._ints,
            self._floats,
            self._slot,
            start,
            firms,
            orgs,
            since,
            fee_cash,
            fee_credit,
            fee_time,
            dues,
        )
        self._n = stop
        self._views()

    def remove(self, drop: np.ndarray) -> None:
        """Remove the memberships where the boolean mask ``drop`` is true (order of the rest kept)."""
        self._n = compact(self._ints, self._floats, self._slot, drop, self._n)
        self._views()

    def _fit(self, firms: np.ndarray, orgs: np.ndarray) -> None:
        """Grow the index ``slot`` to cover the pairs ``(firms[i], orgs[i])``."""
        rows, cols = self._slot.shape
        n_orgs, n_firms = extent(firms, orgs)
        if n_orgs <= rows and n_firms <= cols:
            return
        grown = np.full((max(n_orgs, 2 * rows, 16), max(n_firms, cols)), -1, dtype=np.int32)
        grown[:rows, :cols] = self._slot
        self._slot = grown

    # ------------------------------------------------------------------ queries
    def of_org(self, org: int) -> np.ndarray:
        """Membership rows (indices into this table) of organisation ``org``."""
        return np.flatnonzero(self.org == org)

    def firms_of(self, org: int) -> np.ndarray:
        """Member firms of organisation ``org``, in the order they joined."""
        return self.firm[self.org == org]

    def per_firm(self, n_firms: int) -> np.ndarray:
        """Number of memberships of every firm."""
        return np.bincount(self.firm, minlength=n_firms)

    def per_org(self, n_orgs: int) -> np.ndarray:
        """Number of members of every organisation."""
        return np.bincount(self.org, minlength=n_orgs)

    def member_mask(self, n_firms: int) -> np.ndarray:
        """Firms with at least one membership."""
        out = np.zeros(n_firms, dtype=bool)
        out[self.firm] = True
        return out

    def index_of(self, firms: np.ndarray, orgs: np.ndarray) -> np.ndarray:
        """Row of each (firm, organisation) membership (broadcast), or -1 where there is none."""
        firms = np.asarray(firms, dtype=np.int64)
        orgs = np.asarray(orgs, dtype=np.int64)
        rows, cols = self._slot.shape
        inside = (orgs < rows) & (firms < cols)
        if inside.all():
            return self._slot[orgs, firms].astype(np.int64)
        firms, orgs = np.broadcast_arrays(firms, orgs)
        out = np.full(firms.shape, -1, dtype=np.int64)
        out[inside] = self._slot[orgs[inside], firms[inside]]
        return out

    def new_pairs(self, firms: np.ndarray, orgs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The (firm, organisation) pairs that are not memberships, each once, in the order they first occur.

        ``firms`` and ``orgs`` are int64 arrays of one length, one pair per element.
        """
        self._fit(firms, orgs)
        keep = first_new_pairs(self._slot, firms, orgs)
        return firms[keep], orgs[keep]

    def contains(self, firms: np.ndarray, orgs: np.ndarray) -> np.ndarray:
        """Whether each (firm, organisation) pair (broadcast) is a membership."""
        return self.index_of(firms, orgs) >= 0


@compiled
def extent(firms: np.ndarray, orgs: np.ndarray) -> tuple[int, int]:
    """``(orgs.max() + 1, firms.max() + 1)``: the index rows and columns the pairs need (0 for none)."""
    n_orgs, n_firms = 0, 0
    for i in range(len(firms)):
        n_orgs = max(n_orgs, orgs[i] + 1)
        n_firms = max(n_firms, firms[i] + 1)
    return n_orgs, n_firms


@compiled
def first_new_pairs(slot: np.ndarray, firms: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """Positions of the pairs ``(firms[i], orgs[i])`` with no membership (``slot`` -1), each pair's first.

    ``slot`` (the index, which covers the pairs) marks a pair taken while the pairs are read and is as
    before on return. The positions are increasing.
    """
    keep = np.empty(len(firms), dtype=np.int64)
    k = 0
    for i in range(len(firms)):
        if slot[orgs[i], firms[i]] == -1:
            slot[orgs[i], firms[i]] = -2
            keep[k] = i
            k += 1
    for j in range(k):
        slot[orgs[keep[j]], firms[keep[j]]] = -1
    return keep[:k]


@compiled
def compact(ints: np.ndarray, floats: np.ndarray, slot: np.ndarray, drop: np.ndarray, n: int) -> int:
    """Remove the rows ``drop`` of the first ``n`` columns of ``ints`` (firm, org, ...) and ``floats``.

    The others move up in their order, and the index ``slot[org, firm]`` follows them (-1 for a removed
    membership). Returns the number of rows left.
    """
    k = 0
    for j in range(n):
        if drop[j]:
            slot[ints[1, j], ints[0, j]] = -1
            continue
        if k != j:
            for c in range(ints.shape[0]):
                ints[c, k] = ints[c, j]
            for c in range(floats.shape[0]):
                floats[c, k] = floats[c, j]
            slot[ints[1, k], ints[0, k]] = k
        k += 1
    return k


@compiled
def append(
    ints: np.ndarray,
    floats: np.ndarray,
    slot: np.ndarray,
    start: int,
    firms: np.ndarray,
    orgs: np.ndarray,
    since: int,
    fee_cash: np.ndarray,
    fee_credit: np.ndarray,
    fee_time: np.ndarray,
    dues: np.ndarray,
) -> None:
    """Write new memberships into the columns of ``ints`` and ``floats`` from column ``start`` on.

    In the order of :attr:`Memberships.INT_COLUMNS` and :attr:`Memberships.FLOAT_COLUMNS` (nothing paid
    yet), and their rows into the index ``slot[org, firm]`` (which covers them).
    """
    for i in range(len(firms)):
        j = start + i
        ints[0, j] = firms[i]
        ints[1, j] = orgs[i]
        ints[2, j] = since
        floats[0, j] = fee_cash[i]
        floats[1, j] = fee_credit[i]
        floats[2, j] = fee_time[i]
        floats[3, j] = dues[i]
        floats[4, j] = 0.0
        slot[orgs[i], firms[i]] = j
