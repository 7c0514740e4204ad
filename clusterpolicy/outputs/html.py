"""Self-contained HTML pages (figures embedded, no network needed), readable without the code."""

from __future__ import annotations

import base64
import datetime as _dt
import html

from clusterpolicy.outputs.provenance import git_commit, package_version

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
.nowrap { white-space: nowrap; } .answer { background: #f6f8fa; border-left: 4px solid #1f77b4;
          padding: 0.5em 1em; margin: 1em 0; }
"""


def esc(x: object) -> str:
    """HTML-escape anything."""
    return html.escape(str(x), quote=True)


def img(png: bytes, alt: str) -> str:
    """An ``<img>`` holding a rendered figure (the same bytes as its PNG file)."""
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return f'<img alt="{esc(alt)}" src="{uri}">'


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


def bullets(items: list[str], empty: str = "<p>None.</p>") -> str:
    """A list of statements (already HTML), or ``empty``."""
    return '<ul class="statements">' + "".join(f"<li>{x}</li>" for x in items) + "</ul>" if items else empty


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


def generated() -> str:
    """``Generated <when> by clusterpolicy <version> (git <commit>)``, for a report's first lines."""
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    commit = git_commit() or "unknown"
    return f"Generated {esc(when)} by clusterpolicy {esc(package_version())} (git {esc(commit[:12])})"
