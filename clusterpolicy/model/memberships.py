"""The sparse membership table: one row per (firm, organisation) membership.

A firm may be a member of several cluster organisations (in Flanders many firms are members of several
spearhead clusters and networks). Each membership carries its own yearly fee (cash part, in-kind credit
and the staff time that credit takes), the cash dues outstanding and paid in the organisation's current
project year, and its start quarter. Rows are kept in the order they were created, so that every loop
over memberships is deterministic.
"""

from __future__ import annotations

import numpy as np

# firm and organisation packed into one int64 code (firm << ORG_BITS | org), to find repeated pairs
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

    def __init__(self, n_firms: int = 0) -> None:
        self.firm = np.empty(0, dtype=np.int64)
        self.org = np.empty(0, dtype=np.int64)
        self.since = np.empty(0, dtype=np.int64)
        self.fee_cash = np.empty(0, dtype=np.float64)
        self.fee_credit = np.empty(0, dtype=np.float64)
        self.fee_time = np.empty(0, dtype=np.float64)
        self.dues = np.empty(0, dtype=np.float64)
        self.dues_paid_year = np.empty(0, dtype=np.float64)
        # slot[org, firm]: the row of that membership, -1 for none (a dense index, grown as needed)
        self._slot = np.full((0, n_firms), -1, dtype=np.int32)

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
        self._fit(int(self.org[-n:].max()) + 1, int(self.firm[-n:].max()) + 1)
        self._slot[self.org[-n:], self.firm[-n:]] = np.arange(len(self.firm) - n, len(self.firm))

    def remove(self, drop: np.ndarray) -> None:
        """Remove the memberships where the boolean mask ``drop`` is true (order of the rest kept)."""
        if not drop.any():
            return
        keep = ~drop
        self._slot[self.org[drop], self.firm[drop]] = -1
        first = int(np.argmax(drop))  # rows before it keep their place
        for name in (*self.INT_COLUMNS, *self.FLOAT_COLUMNS):
            setattr(self, name, getattr(self, name)[keep])
        self._slot[self.org[first:], self.firm[first:]] = np.arange(first, len(self.firm))

    def _fit(self, n_orgs: int, n_firms: int) -> None:
        rows, cols = self._slot.shape
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

    def contains(self, firms: np.ndarray, orgs: np.ndarray) -> np.ndarray:
        """Whether each (firm, organisation) pair (broadcast) is a membership."""
        return self.index_of(firms, orgs) >= 0
