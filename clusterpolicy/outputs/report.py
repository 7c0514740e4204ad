"""Self-contained HTML reports (figures embedded, no network needed), readable without the code."""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import math
from importlib import metadata
from typing import TYPE_CHECKING

import pandas as pd

from clusterpolicy.model.params import field_spec
from clusterpolicy.outputs.present import HEADLINE, describe, fmt, is_share, label
from clusterpolicy.outputs.provenance import git_commit

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

    from clusterpolicy.studies.compare import Comparison

CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; max-width: 1180px;
       margin: 2em auto; padding: 0 1em; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 1.8em;
     border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.meta { color: #555; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #d8d8d8; padding: 0.3em 0.55em; text-align: right; vertical-align: top; }
th { background: #f3f4f6; } td.l, th.l { text-align: left; }
tr.changed td { background: #fff7e0; } .clear { color: #b3261e; font-weight: 600; }
.muted { color: #666; } img { max-width: 100%; height: auto; border: 1px solid #eee; }
ul.statements li { margin: 0.25em 0; } details { margin: 0.6em 0; } code { font-size: 0.95em; }
"""


def esc(x: object) -> str:
    """HTML-escape anything."""
    return html.escape(str(x), quote=True)


def png_data_uri(fig: plt.Figure, dpi: int = 100) -> str:
    """A figure as an embedded ``data:image/png;base64`` URI (the figure is closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def version() -> str:
    """The installed clusterpolicy version."""
    try:
        return metadata.version("clusterpolicy")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


def page(title: str, body: str) -> str:
    """A complete HTML page."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def table(header: list[str], rows: list[list[str]], left: int = 1, row_class: list[str] | None = None) -> str:
    """An HTML table; cells are already-escaped HTML; the first ``left`` columns are left-aligned."""
    th = "".join(f'<th class="l">{h}</th>' if i < left else f"<th>{h}</th>" for i, h in enumerate(header))
    body = []
    for k, r in enumerate(rows):
        cls = f' class="{row_class[k]}"' if row_class and row_class[k] else ""
        tds = "".join(f'<td class="l">{c}</td>' if i < left else f"<td>{c}</td>" for i, c in enumerate(r))
        body.append(f"<tr{cls}>{tds}</tr>")
    return f"<table>\n<thead><tr>{th}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"


def runs_html(seeds: list[int], failures: dict[int, str]) -> str:
    """The seeds of the replications (folded) and the runs that failed, if any."""
    text = ", ".join(str(x) for x in seeds)
    html_ = (
        f"<details><summary>Seeds of the {len(seeds)} replications</summary>"
        f"<p><code>{esc(text)}</code></p></details>"
    )
    if failures:
        items = "".join(f"<li>run {k}: {esc(e)}</li>" for k, e in sorted(failures.items()))
        html_ += f"\n<h2>Failed runs</h2><ul>{items}</ul>"
    return html_


def interval_text(metric: str, mean: float, low: float, high: float, signed: bool = False) -> str:
    """``mean (low to high)`` formatted for the metric."""
    return f"{fmt(metric, mean, signed)} ({fmt(metric, low, signed)} to {fmt(metric, high, signed)})"


def statement(metric: str, scenario: str, reference: str, row: pd.Series, ref_mean: float) -> str:
    """A plain-language sentence about one paired difference."""
    d, lo, hi = row["diff"], row["diff_ci_low"], row["diff_ci_high"]
    direction = "higher" if d > 0 else "lower"
    size = fmt(metric, abs(d))
    if is_share(metric):
        size = f"{100 * abs(d):.2f} percentage points"
    rel = (
        f" ({100 * abs(d) / abs(ref_mean):.0f} % of the reference)"
        if ref_mean and math.isfinite(ref_mean)
        else ""
    )
    ci = f"95 % interval of the difference {fmt(metric, lo, True)} to {fmt(metric, hi, True)}"
    return (
        f"<b>{esc(label(metric))}</b> is {direction} under <code>{esc(scenario)}</code> than under "
        f"<code>{esc(reference)}</code> by {esc(size)}{esc(rel)} ({esc(ci)})."
    )


def _flat(params: dict) -> dict[str, object]:
    return {f"{s}.{k}": v for s, d in params.items() for k, v in d.items()}


def parameter_diff(comp: Comparison) -> tuple[list[str], list[list[str]]]:
    """Rows of the parameters that differ between the scenarios (every scenario's value)."""
    flats = [_flat(s.params.to_dict()) for s in comp.scenarios]
    rows = []
    for key in flats[0]:
        values = [f[key] for f in flats]
        if any(v != values[0] for v in values[1:]):
            doc = field_spec(key).metadata["doc"]
            rows.append([f"<code>{esc(key)}</code>", esc(doc), *[esc(v) for v in values]])
    return ["parameter", "meaning", *[f"<code>{esc(n)}</code>" for n in comp.names]], rows


def comparison_report(comp: Comparison, bands: pd.DataFrame) -> str:
    """The HTML report of a comparison."""
    from clusterpolicy.outputs import plots

    ref = comp.reference
    s = comp.summary
    last_q = comp.timeseries["quarter"].iloc[-1] if len(comp.timeseries) else "?"
    commit = git_commit() or "unknown"
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    n_rep = len(comp.seeds)
    parts = [
        f"<h1>Scenario comparison: {esc(', '.join(comp.names))}</h1>",
        f'<p class="meta">Reference: <code>{esc(ref)}</code>. {n_rep} paired replications per scenario '
        f"(common random numbers). Values are those of the last quarter, {esc(last_q)}. "
        f"Generated {esc(when)} by clusterpolicy {esc(version())} (git {esc(commit[:12])}).</p>",
    ]
    for sc in comp.scenarios:
        if sc.description:
            parts.append(f'<p class="meta"><code>{esc(sc.name)}</code>: {esc(sc.description)}</p>')
    if comp.failures:
        parts.append(
            f'<p class="clear">{len(comp.failures)} run(s) failed and are left out of the statistics; '
            "see the list at the end.</p>"
        )

    clear, unclear = [], []
    ref_rows = s[s["scenario"] == ref].set_index("metric")
    for name in comp.names[1:]:
        d = s[s["scenario"] == name].set_index("metric")
        for m in d.index:
            row = d.loc[m]
            if not (math.isfinite(row["diff_ci_low"]) and math.isfinite(row["diff_ci_high"])):
                continue
            if row["diff_ci_low"] > 0 or row["diff_ci_high"] < 0:
                clear.append((m in HEADLINE, statement(m, name, ref, row, ref_rows.loc[m, "mean"])))
            else:
                unclear.append(
                    f"<b>{esc(label(m))}</b>, <code>{esc(name)}</code>: "
                    f"{esc(fmt(m, row['diff'], True))} "
                    f"({esc(fmt(m, row['diff_ci_low'], True))} to {esc(fmt(m, row['diff_ci_high'], True))})"
                )
    head = [c for h, c in clear if h]
    parts.append("<h2>In short</h2>")
    if head:
        parts.append('<ul class="statements">' + "".join(f"<li>{c}</li>" for c in head) + "</ul>")
    else:
        parts.append("<p>None of the headline outcomes differs clearly (at 95 %) from the reference.</p>")

    header, rows = parameter_diff(comp)
    parts.append("<h2>What differs between the scenarios</h2>")
    parts.append(
        table(header, rows, left=2)
        if rows
        else "<p>The scenarios have the same parameters (only their names differ).</p>"
    )

    parts.append(f"<h2>Headline outcomes in {esc(last_q)}</h2>")
    parts.append(
        '<p class="muted">Mean over replications with its 95 % interval; for the other scenarios also the '
        'paired difference to the reference. <span class="clear">Red</span>: the interval of the '
        "difference excludes zero.</p>"
    )
    hdr = ["outcome", f"<code>{esc(ref)}</code>"]
    for n in comp.names[1:]:
        hdr += [f"<code>{esc(n)}</code>", f"difference ({esc(n)} − {esc(ref)})"]
    rows = []
    for m in [m for m in HEADLINE if m in ref_rows.index]:
        r0 = ref_rows.loc[m]
        cells = [esc(label(m)), esc(interval_text(m, r0["mean"], r0["ci_low"], r0["ci_high"]))]
        for n in comp.names[1:]:
            r = s[(s["scenario"] == n) & (s["metric"] == m)].iloc[0]
            dtext = esc(interval_text(m, r["diff"], r["diff_ci_low"], r["diff_ci_high"], signed=True))
            is_clear = r["diff_ci_low"] > 0 or r["diff_ci_high"] < 0
            cells += [
                esc(interval_text(m, r["mean"], r["ci_low"], r["ci_high"])),
                f'<span class="clear">{dtext}</span>' if is_clear else dtext,
            ]
        rows.append(cells)
    parts.append(table(hdr, rows))

    parts.append("<h2>Over time</h2>")
    parts.append(
        f'<img alt="headline outcomes over time" src="{png_data_uri(plots.bands_figure(bands, comp.names))}">'
    )
    parts.append("<h2>Differences to the reference</h2>")
    parts.append(f'<img alt="paired differences" src="{png_data_uri(plots.differences_figure(s, ref))}">')

    parts.append("<h2>Differences that are clear at 95 %</h2>")
    parts.append(
        '<ul class="statements">' + "".join(f"<li>{c}</li>" for _, c in clear) + "</ul>"
        if clear
        else "<p>None.</p>"
    )
    parts.append("<h2>Differences that are not clear at 95 %</h2>")
    parts.append(
        '<p class="muted">The interval of the paired difference includes zero: with these replications the '
        "model cannot tell these scenarios apart on these outcomes.</p>"
    )
    parts.append(
        '<ul class="statements">' + "".join(f"<li>{u}</li>" for u in unclear) + "</ul>"
        if unclear
        else "<p>None.</p>"
    )

    parts.append("<h2>All outcomes</h2>")
    rows = []
    for _, r in s.iterrows():
        m = r["metric"]
        rows.append(
            [
                f"<code>{esc(r['scenario'])}</code>",
                f"<code>{esc(m)}</code>",
                esc(describe(m)),
                esc(fmt(m, r["mean"])),
                esc(fmt(m, r["ci_low"])),
                esc(fmt(m, r["ci_high"])),
                esc(fmt(m, r["diff"], True)),
                esc(fmt(m, r["diff_ci_low"], True)),
                esc(fmt(m, r["diff_ci_high"], True)),
                esc(r["n"]),
            ]
        )
    parts.append(
        "<details><summary>Every metric (click to open)</summary>"
        + table(
            [
                "scenario",
                "metric",
                "meaning",
                "mean",
                "ci_low",
                "ci_high",
                "diff",
                "diff_ci_low",
                "diff_ci_high",
                "n",
            ],
            rows,
            left=3,
        )
        + "</details>"
    )

    parts.append("<h2>How to read this</h2>")
    parts.append(
        "<p>The model is stochastic: each scenario was run "
        f"{n_rep} times. Replication <i>r</i> uses the same random seed in every scenario (common random "
        "numbers), so the same firms face the same chance events and a difference between scenarios comes "
        "from the rules, not from luck. Intervals are Student-t 95 % intervals over replications; a "
        "difference is computed replication by replication (paired) before it is averaged. 'Clear at "
        "95 %' means the interval of the difference excludes zero; it does not mean the difference is "
        "large or that it would hold in reality. The model compares rules under its assumptions "
        "(see the scenario files and docs/ODD.md); it is not a forecast.</p>"
    )
    parts.append(runs_html(comp.seeds, comp.failures))
    return page(f"clusterpolicy comparison: {', '.join(comp.names)}", "\n".join(parts))
