"""The sparse membership table: one row per (firm, organisation) membership.

A firm may be a member of several cluster organisations (in Flanders many firms are members of several
spearhead clusters and networks). Each membership carries its own yearly fee (cash part, in-kind credit
and the staff time that credit takes), the cash dues outstanding and paid in the organisation's current
project year, and its start quarter. Rows are kept in the order they were created, so that every loop
over memberships is deterministic.
"""

from __future__ import annotations

import numpy as np

# firm and organisation are packed into one int64 code for pair lookups: firm << ORG_BITS | org
ORG_BITS = 24


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

    def __init__(self) -> None:
        self.firm = np.empty(0, dtype=np.int64)
        self.org = np.empty(0, dtype=np.int64)
        self.since = np.empty(0, dtype=np.int64)
        self.fee_cash = np.empty(0, dtype=np.float64)
        self.fee_credit = np.empty(0, dtype=np.float64)
        self.fee_time = np.empty(0, dtype=np.float64)
        self.dues = np.empty(0, dtype=np.float64)
        self.dues_paid_year = np.empty(0, dtype=np.float64)
        self._codes: np.ndarray | None = None
        self._order: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.firm)

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
        """Append memberships (the caller makes sure none of the pairs exists already)."""
        n = len(firms)
        if n == 0:
            return
        self.firm = np.concatenate((self.firm, np.asarray(firms, dtype=np.int64)))
        self.org = np.concatenate((self.org, np.asarray(orgs, dtype=np.int64)))
        self.since = np.concatenate((self.since, np.full(n, since, dtype=np.int64)))
        self.fee_cash = np.concatenate((self.fee_cash, fee_cash))
        self.fee_credit = np.concatenate((self.fee_credit, fee_credit))
        self.fee_time = np.concatenate((self.fee_time, fee_time))
        self.dues = np.concatenate((self.dues, dues))
        self.dues_paid_year = np.concatenate((self.dues_paid_year, np.zeros(n)))
        self._codes = self._order = None

    def remove(self, drop: np.ndarray) -> None:
        """Remove the memberships where the boolean mask ``drop`` is true (order of the rest kept)."""
        if not drop.any():
            return
        keep = ~drop
        for name in (*self.INT_COLUMNS, *self.FLOAT_COLUMNS):
            setattr(self, name, getattr(self, name)[keep])
        self._codes = self._order = None

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

    def codes(self) -> np.ndarray:
        """Sorted pair codes of all memberships (cached until the table changes)."""
        if self._codes is None:
            own = (self.firm << ORG_BITS) | self.org
            self._order = np.argsort(own, kind="stable")
            self._codes = own[self._order]
        return self._codes

    def _lookup(self, firms: np.ndarray, orgs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        codes = self.codes()
        query = (np.asarray(firms, dtype=np.int64) << ORG_BITS) | np.asarray(orgs, dtype=np.int64)
        if len(codes) == 0:
            return np.zeros(query.shape, dtype=bool), np.zeros(query.shape, dtype=np.int64)
        pos = np.minimum(np.searchsorted(codes, query), len(codes) - 1)
        return codes[pos] == query, pos

    def contains(self, firms: np.ndarray, orgs: np.ndarray) -> np.ndarray:
        """Whether each (firm, organisation) pair (broadcast) is a membership."""
        return self._lookup(firms, orgs)[0]

    def index_of(self, firms: np.ndarray, orgs: np.ndarray) -> np.ndarray:
        """Row of each (firm, organisation) membership, or -1 where there is none."""
        hit, pos = self._lookup(firms, orgs)
        if self._order is None or len(self._order) == 0:
            return np.full(hit.shape, -1, dtype=np.int64)
        return np.where(hit, self._order[pos], -1)
