"""Cluster organisations for people: the table, one organisation's history, and who is in which cluster.

Membership is read only through ``org.members`` (the rows of the member firms), never through a firm's
own column, so that the explorer keeps working when a firm may be a member of several organisations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from clusterpolicy.model.params import quarter_index, quarter_label
from clusterpolicy.outputs import i18n

KIND_COLOURS = {"spearhead": "#c0392b", "ibn": "#2471a3", "legacy": "#7f8c8d"}
GOLDEN_ANGLE = np.pi * (3 - np.sqrt(5))


def status(org: Any) -> str:
    """The message id of an organisation's status (``status_supported``, ...)."""
    if not org.alive:
        return "status_closed"
    if org.recognised and org.supported:
        return "status_supported"
    if org.recognised:
        return "status_recognised"
    return "status_unrecognised"


def org_name(org: Any, lang: str) -> str:
    """A readable name: kind, number and domain."""
    return i18n.text("org_name", lang, kind=i18n.kind(org.kind, lang), index=org.index, domain=org.domain)


def org_row(org: Any, is_sme: np.ndarray, lang: str = i18n.DEFAULT_LANG) -> dict[str, Any]:
    """One row of the organisation table.

    Args:
        org: a ``ClusterOrganisation``.
        is_sme: the firms' SME flags (``model.firms.is_sme``).
        lang: ``en`` or ``nl``.

    Returns:
        ``id``, ``name``, ``kind``, ``domain``, ``members``, ``sme_share`` (0-1 or None),
        ``budget`` (EUR/yr planned this project year), ``public_share`` (0-1 or None), ``status``
        (translated), ``status_id`` and ``alive``.
    """
    rows = np.asarray(org.members)
    n = len(rows)
    budget = float(org.budget_plan) if org.alive else 0.0
    return {
        "id": int(org.index),
        "name": org_name(org, lang),
        "kind": i18n.kind(org.kind, lang),
        "domain": int(org.domain),
        "members": n,
        "sme_share": float(np.count_nonzero(is_sme[rows]) / n) if n else None,
        "budget": budget,
        "public_share": float(org.grant_annual / budget) if budget > 0 else None,
        "status": i18n.text(status(org), lang),
        "status_id": status(org),
        "alive": bool(org.alive),
    }


def org_table(model: Any, lang: str = i18n.DEFAULT_LANG) -> list[dict[str, Any]]:
    """Every organisation the model has created: existing ones first, the largest first."""
    is_sme = model.firms.is_sme
    rows = [org_row(o, is_sme, lang) for o in model.orgs]
    return sorted(rows, key=lambda r: (not r["alive"], -r["members"], r["id"]))


def fmt_share(x: float | None) -> str:
    """A share as a whole percentage, or a dash."""
    return "–" if x is None else f"{100 * x:.0f} %"


def fmt_k(x: float) -> str:
    """Euros as thousands."""
    return f"{x / 1e3:,.0f}"


@dataclass
class OrgTrack:
    """What one organisation looked like each quarter (recorded by the explorer's model)."""

    t: list[int] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    sme_share: list[float] = field(default_factory=list)
    budget: list[float] = field(default_factory=list)
    public_share: list[float] = field(default_factory=list)


def record(tracks: dict[int, OrgTrack], model: Any) -> None:
    """Append this quarter's state of every existing organisation to ``tracks``."""
    is_sme = model.firms.is_sme
    for org in model.orgs:
        if not org.alive:
            continue
        r = org_row(org, is_sme)
        tr = tracks.setdefault(org.index, OrgTrack())
        tr.t.append(int(model.t))
        tr.members.append(r["members"])
        tr.sme_share.append(np.nan if r["sme_share"] is None else r["sme_share"])
        tr.budget.append(r["budget"])
        tr.public_share.append(np.nan if r["public_share"] is None else r["public_share"])


def history(org: Any, start: str, lang: str = i18n.DEFAULT_LANG) -> list[tuple[str, str]]:
    """The organisation's events as (quarter label, text in ``lang``)."""
    s = quarter_index(start)
    return [(quarter_label(s + int(t)), i18n.event(str(e), lang)) for t, e in org.history]


def history_figure(track: OrgTrack | None, start: str, lang: str = i18n.DEFAULT_LANG) -> Figure:
    """Members and the public share of the budget of one organisation, per quarter."""
    fig = Figure(figsize=(5.2, 2.6), dpi=90, layout="constrained")
    ax = fig.add_subplot()
    s = quarter_index(start)
    if track is None or not track.t:
        ax.text(0.5, 0.5, i18n.text("org_no_events", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    x = np.array(track.t) + s
    ax.plot(x, track.members, color="#1f4e79", lw=2)
    ax.set_ylabel(i18n.text("org_members_axis", lang), color="#1f4e79")
    ax.set_ylim(bottom=0)
    ax2 = ax.twinx()
    ax2.plot(x, np.array(track.public_share) * 100, color="#d35400", lw=1.5, ls="--")
    ax2.set_ylabel(i18n.text("org_public_axis", lang) + " (%)", color="#d35400")
    ax2.set_ylim(0, 100)
    ticks = [v for v in range(int(x.min()), int(x.max()) + 1) if v % 4 == 0] or [int(x.min())]
    ax.set_xticks(ticks, [quarter_label(v)[:4] for v in ticks])
    return fig


def member_layout(model: Any) -> dict[str, np.ndarray]:
    """Positions for the picture of who is in which cluster.

    Domains sit on a grid of cells; an organisation sits in its domain's cell (several on a small ring);
    its member firms sit around it on a sunflower spiral whose size grows with the membership, each
    firm's place fixed by its row so that dots do not jump between quarters.

    Returns:
        ``org_x, org_y, org_r, org_index`` for existing organisations, ``firm_x, firm_y, firm_sme,
        firm_org`` for memberships (a firm in two organisations appears twice), and ``cell_x, cell_y``
        for the domains' cells.
    """
    n_domains = int(model.p.population.n_domains)
    cols = int(np.ceil(np.sqrt(n_domains * 4 / 3)))
    cell_x = np.array([d % cols for d in range(n_domains)], dtype=float) * 3.0
    cell_y = -np.array([d // cols for d in range(n_domains)], dtype=float) * 3.0
    alive = [o for o in model.orgs if o.alive]
    by_domain: dict[int, list[Any]] = {}
    for o in alive:
        by_domain.setdefault(int(o.domain), []).append(o)
    ox, oy, orr, oi = [], [], [], []
    fx, fy, fs, fo = [], [], [], []
    is_sme = model.firms.is_sme
    for d, orgs in by_domain.items():
        k = len(orgs)
        ring = 0.0 if k == 1 else 0.8
        for j, o in enumerate(orgs):
            a = 2 * np.pi * j / k + np.pi / 2
            cx, cy = cell_x[d] + ring * np.cos(a), cell_y[d] + ring * np.sin(a)
            rows = np.asarray(o.members)
            radius = 0.12 + 0.05 * np.sqrt(len(rows))
            ox.append(cx)
            oy.append(cy)
            orr.append(radius)
            oi.append(o.index)
            if len(rows):
                order = rows.astype(float)
                # a fixed place per firm: its rank among all firms sets angle and radius
                frac = (order % 997) / 997.0
                ang = order * GOLDEN_ANGLE
                rad = radius * np.sqrt(0.15 + 0.85 * frac)
                fx.append(cx + rad * np.cos(ang))
                fy.append(cy + rad * np.sin(ang))
                fs.append(is_sme[rows])
                fo.append(np.full(len(rows), o.index))
    cat = lambda parts, dtype=float: np.concatenate(parts) if parts else np.empty(0, dtype=dtype)  # noqa: E731
    return {
        "org_x": np.array(ox),
        "org_y": np.array(oy),
        "org_r": np.array(orr),
        "org_index": np.array(oi, dtype=int),
        "firm_x": cat(fx),
        "firm_y": cat(fy),
        "firm_sme": cat(fs, bool).astype(bool),
        "firm_org": cat(fo, int).astype(int),
        "cell_x": cell_x,
        "cell_y": cell_y,
    }


def members_figure(model: Any, quarter: str, lang: str = i18n.DEFAULT_LANG) -> Figure:
    """The picture of the organisations and their members, per domain."""
    lay = member_layout(model)
    fig = Figure(figsize=(7.0, 5.6), dpi=80, layout="constrained")
    ax = fig.add_subplot()
    for d, (cx, cy) in enumerate(zip(lay["cell_x"], lay["cell_y"], strict=True)):
        ax.add_patch(_rect(cx, cy))
        ax.text(cx - 1.4, cy + 1.25, i18n.text("domain", lang, d=d), fontsize=7, color="#555", va="top")
    orgs = {o.index: o for o in model.orgs}
    for x, y, r, i in zip(lay["org_x"], lay["org_y"], lay["org_r"], lay["org_index"], strict=True):
        o = orgs[int(i)]
        colour = KIND_COLOURS.get(o.kind, "#333")
        ax.add_patch(_circle(x, y, r, colour, filled=bool(o.recognised and o.supported)))
    sme = lay["firm_sme"]
    ax.scatter(
        lay["firm_x"][sme], lay["firm_y"][sme], s=3, color="#9ecae1", lw=0, label=i18n.text("sme", lang)
    )
    ax.scatter(
        lay["firm_x"][~sme],
        lay["firm_y"][~sme],
        s=6,
        color="#08306b",
        lw=0,
        label=i18n.text("large_firm", lang),
    )
    for x, y, r, i in zip(lay["org_x"], lay["org_y"], lay["org_r"], lay["org_index"], strict=True):
        ax.text(x, y + r + 0.08, str(int(i)), fontsize=6.5, ha="center", va="bottom", color="black")
    for k, colour in KIND_COLOURS.items():
        ax.scatter([], [], s=40, facecolor="none", edgecolor=colour, lw=1.5, label=i18n.kind(k, lang))
    in_any = np.zeros(model.firms.n, dtype=bool)
    for o in model.orgs:
        if o.alive:
            in_any[np.asarray(o.members)] = True
    ax.set_title(i18n.text("picture_title", lang, q=quarter), fontsize=10)
    fig.text(
        0.01,
        0.005,
        i18n.text("picture_note", lang, nonmembers=f"{int((~in_any).sum()):,}"),
        fontsize=6.5,
        color="#444",
        wrap=True,
    )
    ax.legend(
        loc="upper right", fontsize=7, markerscale=1.5, framealpha=0.9, ncol=5, bbox_to_anchor=(1, -0.01)
    )
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_xlim(lay["cell_x"].min() - 1.6, lay["cell_x"].max() + 1.6)
    ax.set_ylim(lay["cell_y"].min() - 1.6, lay["cell_y"].max() + 1.6)
    return fig


def _rect(cx: float, cy: float) -> Any:
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch(
        (cx - 1.4, cy - 1.4), 2.8, 2.8, boxstyle="round,pad=0.02", fc="#f7f7f7", ec="#ddd", lw=0.8
    )


def _circle(x: float, y: float, r: float, colour: str, filled: bool) -> Any:
    from matplotlib.patches import Circle

    return Circle(
        (x, y), r, fc=colour if filled else "none", ec=colour, lw=1.6, alpha=0.35 if filled else 1.0
    )
