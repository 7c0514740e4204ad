"""A yearly panel of the firms, for evaluation studies run on the model's firms (asked for, not by default).

Real evaluations of cluster programmes compare member firms with comparable non-members before and
after they join; to run the same estimate on the model, the model can record, at the end of every
year (the burn-in included, so that firms joining in the first recorded year have a year before), each
firm's own and total R&D, whether it innovated in the year, the project grants it received in the year,
and whether it was a member of a spearhead cluster or of any organisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from clusterpolicy.model.agents import SPEARHEAD

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


class FirmPanel:
    """Year-end records of every firm (one row per firm and year in :meth:`to_frame`)."""

    def __init__(self, model: ClusterPolicyModel):
        f = model.firms
        self.is_sme = f.is_sme.copy()
        self.follower = f.follower.copy()
        self.domain = f.domain.copy()
        self.years: list[int] = []
        self.cols: dict[str, list[np.ndarray]] = {
            k: [] for k in ("own_rd", "rd", "innovated", "aid", "member_spearhead", "member_any")
        }
        self._innovations = f.innovations.copy()
        self._grants = f.project_grants.copy()

    def record(self, model: ClusterPolicyModel) -> None:
        """Record the year that ends with the current quarter."""
        f = model.firms
        ms = model.memberships
        spear = np.zeros(len(model.orgs) + 1, dtype=bool)
        for o in model.orgs:
            spear[o.index] = o.alive and o.recognised and o.kind == SPEARHEAD
        in_spear = np.zeros(f.n, dtype=bool)
        in_spear[ms.firm[spear[ms.org]]] = True
        grants = f.project_grants
        # the ledgers restart at zero when the recorded period begins: a fall means a reset
        aid = np.where(grants >= self._grants, grants - self._grants, grants)
        innov = np.where(f.innovations >= self._innovations, f.innovations - self._innovations, f.innovations)
        self.years.append((model.start_index + model.t) // 4)
        self.cols["own_rd"].append(f.own_rd.copy())
        self.cols["rd"].append(f.rd(model.p.behaviour.subsidy_pass_through))
        self.cols["innovated"].append(innov > 0)
        self.cols["aid"].append(aid)
        self.cols["member_spearhead"].append(in_spear)
        self.cols["member_any"].append(ms.member_mask(f.n))
        self._innovations = f.innovations.copy()
        self._grants = grants.copy()

    def to_frame(self) -> pd.DataFrame:
        """Long format: ``year, firm, sme, follower, domain`` and the recorded columns."""
        n = len(self.is_sme)
        years = len(self.years)
        out = {
            "year": np.repeat(np.array(self.years, dtype=np.int64), n),
            "firm": np.tile(np.arange(n), years),
            "sme": np.tile(self.is_sme, years),
            "follower": np.tile(self.follower, years),
            "domain": np.tile(self.domain, years),
        }
        for k, v in self.cols.items():
            out[k] = np.concatenate(v) if v else np.empty(0)
        return pd.DataFrame(out)
