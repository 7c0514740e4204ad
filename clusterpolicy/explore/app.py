"""The explorer's page: Mesa's SolaraViz with the levers, the band figure and the organisations.

Mesa's ``SolaraViz`` provides the frame, the RESET / ▶ / STEP controls, the play and render intervals,
and rebuilding the model on RESET (``ExplorerModel(session=...)``, a fixed model parameter). This page
adds, in the sidebar, the scenario, the seed and the levers generated from the parameter declarations
(grouped as ``LEVER_GROUPS``; the behavioural uncertainties collapsed), and, in the main area, the
headline outcomes against the baseline's band and the cluster organisations. Everything it shows reacts
to Mesa's ``update_counter`` (bumped after every step and reset).

Run with ``clusterpolicy explore`` (see :mod:`clusterpolicy.explore.server`).
"""

from __future__ import annotations

import html
import io
from typing import Any, cast

import solara
import solara.lab
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter
from solara.alias import rw

from clusterpolicy.explore.figures import (
    fmt_value,
    headline_background,
    headline_names,
    headline_overlay,
    outside_band,
    y_limits,
)
from clusterpolicy.explore.levers import (
    BOOL,
    FIXED,
    FLOAT,
    INT,
    QUARTER,
    SELECT,
    Widget,
    lever_groups,
    uncertainty_widgets,
)
from clusterpolicy.explore.orgs import fmt_k, fmt_share, history, history_figure, members_figure, org_table
from clusterpolicy.explore.session import Config, ExplorerModel, Session
from clusterpolicy.outputs import i18n

CONFIG = Config.from_env()


def png(fig: Any) -> bytes:
    """A matplotlib figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


@solara.component
def Picture(make: Any, dependencies: list[Any], classes: list[str] | None = None) -> None:
    """A matplotlib figure made by ``make()``, drawn again only when ``dependencies`` change.

    Like ``solara.FigureMatplotlib``, but the figure itself is built inside the memo too (building a
    16-panel figure costs as much as drawing it).
    """
    value = solara.use_memo(lambda: png(make()), dependencies)
    with solara.Div(classes=classes or []):
        rw.Image(value=value, format="png")


@solara.component
def LeverInput(session: Session, w: Widget, on_change: Any) -> None:
    """One generated widget (slider, select, checkbox or fixed text) bound to the session."""
    value = w.shown(session.value(w.key)) if w.kind in (FLOAT, INT) else session.value(w.key)

    def set_value(shown: Any) -> None:
        session.set_value(w.key, w.to_model(shown))
        on_change()

    with (
        solara.Tooltip(w.help),
        solara.Column(
            gap="0px", style={"margin-bottom": "4px"}, classes=[f"lever-{w.key.replace('.', '-')}"]
        ),
    ):
        if w.kind == BOOL:
            solara.Checkbox(label=w.label, value=bool(value), on_value=set_value)
        elif w.kind in (SELECT, QUARTER):
            labels = list(w.option_labels)
            current = labels[w.options.index(value)] if value in w.options else labels[0]
            solara.Select(label=w.label, values=labels, value=current, on_value=set_value, dense=True)
        elif w.kind == FIXED:
            solara.Text(
                f"{w.label}: {value if isinstance(value, str) else ', '.join(value)}",
                style={"font-size": "0.85em"},
            )
        else:
            solara.Text(w.label, style={"font-size": "0.85em", "color": "#444"})
            lo, hi, step = w.min or 0, w.max or 1, w.step or 1
            if w.kind == INT:
                solara.SliderInt(
                    label="", value=value, min=int(lo), max=int(hi), step=int(step), on_value=set_value
                )
            else:
                solara.SliderFloat(label="", value=value, min=lo, max=hi, step=step, on_value=set_value)


@solara.component
def LeverPanel(session: Session, model: solara.Reactive[ExplorerModel]) -> None:
    """Scenario, seed, levers by group, and (collapsed) the behavioural uncertainties."""
    lang = session.lang
    version, set_version = solara.use_state(0)

    def changed() -> None:
        set_version(lambda v: v + 1)

    def pick_scenario(name: str) -> None:
        session.set_scenario(name)
        changed()

    def set_seed(value: int | None) -> None:
        session.seed = int(value or 0)
        changed()

    def restore() -> None:
        session.restore()
        changed()

    params = session.scenario.params
    with solara.Card(i18n.text("scenario", lang)):
        solara.Select(
            label=i18n.text("scenario", lang),
            values=session.scenario_names(),
            value=session.scenario.name,
            on_value=pick_scenario,
        )
        if session.scenario.description:
            solara.Text(session.scenario.description, style={"font-size": "0.8em", "color": "#555"})
        solara.InputInt(label=i18n.text("seed", lang), value=session.seed, on_value=set_seed)
        if session.has_unapplied():
            n = len(set(session.pending) ^ set(session.applied)) + sum(
                1
                for k in session.pending
                if k in session.applied and session.pending[k] != session.applied[k]
            )
            solara.Warning(i18n.text("pending", lang, n=max(n, 1)), dense=True, classes=["pending-note"])
        else:
            solara.Text(i18n.text("apply_on_reset", lang), style={"font-size": "0.8em"})
        if session.error:
            solara.Error(session.error, dense=True)
        if session.pending:
            solara.Button(i18n.text("restore", lang), on_click=restore, text=True, small=True)

    def run_to_end() -> None:
        m = model.value
        while m.running:
            m.step()
        force_update()

    solara.Button(
        i18n.text("run_to_end", lang),
        on_click=run_to_end,
        color="primary",
        outlined=True,
        classes=["run-to-end"],
    )
    with solara.Card(i18n.text("levers", lang), subtitle=i18n.text("levers_sub", lang)):
        for k, (group, widgets) in enumerate(lever_groups(params, lang).items()):
            with solara.Details(i18n.label(group, lang), expand=k == 0):
                for w in widgets:
                    LeverInput(session, w, changed).key(f"{session.scenario.name}-{w.key}")
        with solara.Details(i18n.text("uncertainties", lang), expand=False):
            for w in uncertainty_widgets(params, lang):
                LeverInput(session, w, changed).key(f"{session.scenario.name}-{w.key}")
    del version


@solara.component
def OutcomesView(m: ExplorerModel, session: Session) -> None:
    """The headline outcomes of this run against the band of the scenario as defined."""
    update_counter.get()  # Mesa bumps it after every step
    lang = session.lang
    band = session.cached_band(m.cp_scenario)
    run = m.run_values()
    names = headline_names()
    if band is None:
        err = session.band_errors.get(m.cp_scenario.name)
        if err:
            solara.Error(i18n.text("band_failed", lang, error=err))
        else:
            solara.Info(
                i18n.text(
                    "band_computing",
                    lang,
                    scenario=m.cp_scenario.name,
                    n=session.config.replications,
                    where=session.config.cache_dir,
                )
            )
    else:
        solara.Text(
            i18n.text("band_legend", lang, scenario=band.scenario, n=band.n), style={"font-size": "0.85em"}
        )
        done = len(run.get(names[0], []))
        if done:
            q = m.quarters[done - 1]
            out = outside_band(run, band, names)
            if out:
                items = "; ".join(f"{i18n.label(n, lang)} {fmt_value(n, run[n][-1], lang)}" for n in out)
                solara.Warning(
                    i18n.text("outside", lang, q=q, k=len(out), n=len(names), items=items), dense=True
                )
            else:
                solara.Success(i18n.text("inside", lang, q=q, n=len(names)), dense=True)
    ylims = y_limits(run, band, names, lang)
    with solara.Div(classes=["headline-figure"], style={"position": "relative"}):
        Picture(
            lambda: headline_background(band, m.quarters, ylims, lang, names), [ylims, band is None, id(m)]
        )
        with solara.Div(style={"position": "absolute", "top": "0", "left": "0"}):
            Picture(
                lambda: headline_overlay(run, band, m.quarters, ylims, lang, names),
                [len(run.get(names[0], [])), ylims, band is None, id(m)],
                classes=["headline-overlay"],
            )


@solara.component
def OrganisationsView(m: ExplorerModel, session: Session) -> None:
    """The table of organisations, one organisation's history on click, and who is in which cluster."""
    update_counter.get()
    lang = session.lang
    selected, set_selected = solara.use_state(cast(int | None, None))
    rows = org_table(m, lang)
    alive = [r for r in rows if r["alive"]]
    member_rows: set[int] = set()
    for o in m.orgs:
        if o.alive:
            member_rows.update(int(x) for x in o.members)
    solara.Text(
        i18n.text(
            "org_count",
            lang,
            alive=len(alive),
            closed=len(rows) - len(alive),
            members=f"{len(member_rows):,}",
        ),
        style={"font-size": "0.9em"},
    )
    headers = [
        {"text": i18n.text(c, lang), "value": v, "align": a}
        for c, v, a in (
            ("col_id", "id", "end"),
            ("col_kind", "kind", "start"),
            ("col_domain", "domain", "end"),
            ("col_members", "members", "end"),
            ("col_sme", "sme", "end"),
            ("col_budget", "budget", "end"),
            ("col_public", "public", "end"),
            ("col_status", "status", "start"),
        )
    ]
    items = [
        {
            "id": r["id"],
            "kind": r["kind"],
            "domain": r["domain"],
            "members": r["members"],
            "sme": fmt_share(r["sme_share"]),
            "budget": fmt_k(r["budget"]),
            "public": fmt_share(r["public_share"]),
            "status": r["status"],
        }
        for r in rows
    ]
    with solara.Columns([7, 5]):
        with solara.Column():
            solara.Text(i18n.text("org_pick", lang), style={"font-size": "0.85em", "color": "#555"})
            table = solara.v.DataTable(
                headers=headers,
                items=items,
                item_key="id",
                dense=True,
                hide_default_footer=True,
                items_per_page=-1,
                class_="org-table",
                style_="cursor: pointer",
            )

            def on_row(*args: Any) -> None:
                data = args[-1]
                if isinstance(data, dict) and "id" in data:
                    set_selected(int(data["id"]))

            solara.v.use_event(table, "click:row", on_row)
            if selected is not None and 0 <= selected < len(m.orgs):
                org = m.orgs[selected]
                with solara.Card(
                    i18n.text("org_history", lang, name=next(r["name"] for r in rows if r["id"] == selected)),
                    classes=["org-history"],
                ):
                    Picture(
                        lambda: history_figure(m.tracks.get(selected), m.p.simulation.start, lang),
                        [m.t, selected, id(m)],
                    )
                    events = history(org, m.p.simulation.start, lang)
                    if events:
                        with solara.Column(gap="0px", classes=["org-events"]):
                            for q, e in events:
                                solara.Text(f"{q}  {e}", style={"font-size": "0.85em"})
                    else:
                        solara.Text(i18n.text("org_no_events", lang))
        with solara.Column():
            Picture(lambda: members_figure(m, m.quarter, lang), [m.t, id(m)], classes=["members-figure"])


@solara.component
def MainView(model: solara.Reactive[ExplorerModel], session: Session) -> None:
    """Where the run is, what it changes, and the two tabs."""
    update_counter.get()
    m = model.value
    lang = session.lang
    done = len(m.datacollector.model_vars.get("members", []))
    n = m.p.simulation.quarters
    if done:
        head = i18n.text("quarter_of", lang, q=m.quarters[done - 1], i=done, n=n)
    else:
        head = i18n.text("not_started", lang, q=m.quarters[0])
    solara.HTML(tag="h3", unsafe_innerHTML=html.escape(head), classes=["run-quarter"], style="margin: 0")
    if m.changes:
        items = ", ".join(f"{i18n.label(k, lang)} = {v}" for k, v in m.changes.items())
        solara.Text(
            i18n.text("changed", lang, scenario=m.cp_scenario.name, n=len(m.changes), items=items),
            classes=["run-summary"],
        )
    else:
        solara.Text(
            i18n.text("unchanged", lang, scenario=m.cp_scenario.name, seed=m.seed), classes=["run-summary"]
        )
    with solara.lab.Tabs(lazy=True):
        with solara.lab.Tab(i18n.text("tab_outcomes", lang)):
            OutcomesView(m, session)
        with solara.lab.Tab(i18n.text("tab_orgs", lang)):
            OrganisationsView(m, session)


@solara.component
def LeverSidebar(session: Session, model: solara.Reactive[ExplorerModel]) -> None:
    """The lever panel, in the sidebar below Mesa's controls.

    Solara orders sidebar content by how deep in the page it is declared; Mesa's controls are declared
    one level below the page, so this is declared two levels below.
    """
    _LeverSidebarInner(session, model)


@solara.component
def _LeverSidebarInner(session: Session, model: solara.Reactive[ExplorerModel]) -> None:
    with solara.Sidebar():
        LeverPanel(session, model)


@solara.component
def Page() -> None:
    """The explorer."""
    session = solara.use_memo(lambda: Session(CONFIG), [])
    initial = solara.use_memo(lambda: ExplorerModel(session=session), [])
    model: solara.Reactive[ExplorerModel] = solara.use_reactive(initial)
    band_ready, set_band_ready = solara.use_state(0)

    def load_band() -> None:
        # the band of the scenario picked in the page (cached on disk; computed once, in a process pool)
        session.ensure_band(session.scenario)
        set_band_ready(lambda v: v + 1)

    solara.use_thread(load_band, dependencies=[session.scenario.name, model.value])
    solara.Title(i18n.text("app_title", session.lang))
    SolaraViz(
        model, components=[], model_params={"session": session}, name=i18n.text("app_title", session.lang)
    )
    LeverSidebar(session, model)
    MainView(model, session)
    del band_ready


page = Page
