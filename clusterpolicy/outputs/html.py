"""Self-contained HTML pages (figures embedded, no network needed), readable without the code.

The building blocks of every report: :func:`page` (the page, in a language), :func:`howto` (the short
"how to read this" at the top), :func:`answer` (the first screen: a few sentences beside one figure),
:func:`nw` (a value or an interval that never breaks across lines), :func:`table`, :func:`img`, and the
seeds and provenance at the end (:func:`runs_html`, :func:`generated`). Texts come from
:mod:`clusterpolicy.outputs.i18n`.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html

from clusterpolicy.outputs import i18n
from clusterpolicy.outputs.provenance import git_commit, package_version

CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; max-width: 1180px;
       margin: 0.9em auto; padding: 0 1em; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.55em; margin: 0 0 0.15em 0; line-height: 1.2; } h2 { font-size: 1.25em; margin-top: 1.8em;
     border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.meta { color: #555; font-size: 0.92em; margin: 0.2em 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #d8d8d8; padding: 0.3em 0.55em; text-align: right; vertical-align: top; }
th { background: #f3f4f6; } td.l, th.l { text-align: left; }
tr.changed td { background: #fff7e0; } .clear { color: #b3261e; font-weight: 600; }
.muted { color: #666; } img { max-width: 100%; height: auto; border: 1px solid #eee; }
ul.statements li { margin: 0.25em 0; } details { margin: 0.6em 0; } code { font-size: 0.95em; }
.nowrap { white-space: nowrap; } .answer.box { display: block; background: #f6f8fa;
          border-left: 4px solid #1f77b4; padding: 0.5em 1em; margin: 1em 0; }
.nw { white-space: nowrap; } .ci { color: #555; font-size: 0.88em; }
.howto { background: #f4f6f9; border-left: 4px solid #4a6fa5; padding: 0.45em 0.9em; margin: 0.7em 0;
         font-size: 0.92em; }
.howto p { margin: 0.2em 0; }
.answer { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); gap: 1.4em;
          align-items: start; margin: 0.6em 0 0.4em 0; }
.answer.wide { grid-template-columns: minmax(0, 1fr); gap: 0.4em; }
.answer figure { margin: 0; } .answer figcaption { font-size: 0.85em; color: #555; }
.answer-text { font-size: 0.96em; } .answer-text p, .answer-text ul { margin: 0.3em 0; }
.answer-text ul { padding-left: 1.2em; }
.answer-text li { margin: 0.35em 0; }
@media (max-width: 900px) { .answer { grid-template-columns: minmax(0, 1fr); } }
.v-supported { color: #1b7837; font-weight: 600; } .v-opposite { color: #b2182b; font-weight: 600; }
.v-not-supported { color: #666; font-weight: 600; }
.table-wrap { overflow-x: auto; max-width: 100%; }
"""


def esc(x: object) -> str:
    """HTML-escape anything."""
    return html.escape(str(x), quote=True)


def nw(text: str, cls: str = "") -> str:
    """``text`` (escaped) in a span that never breaks across lines (a value, an interval)."""
    extra = f" {cls}" if cls else ""
    return f'<span class="nw{extra}">{esc(text)}</span>'


def img(png: bytes, alt: str) -> str:
    """An ``<img>`` holding a rendered figure (the same bytes as its PNG file)."""
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return f'<img alt="{esc(alt)}" src="{uri}">'


def page(title: str, body: str, lang: str = "en") -> str:
    """A complete HTML page in ``lang``."""
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(i18n.check_lang(lang))}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def howto(body: str, lang: str = "en") -> str:
    """The short "how to read this" at the top of a report (``body`` is HTML)."""
    return (
        f'<section class="howto" id="how-to-read"><p><b>{esc(i18n.text("rep_howto", lang))}</b> '
        f"{body}</p></section>"
    )


def report_top(title: str, meta_html: str, failed: int, howto_html: str, lang: str = "en") -> list[str]:
    """The top of every report: its title, one line on what was run (HTML), failed runs, how to read it."""
    parts = [f"<h1>{esc(title)}</h1>", f'<p class="meta">{meta_html}</p>']
    if failed:
        parts.append(f'<p class="clear">{esc(i18n.text("rep_failures", lang, n=failed))}</p>')
    parts.append(howto(howto_html, lang))
    return parts


def answer(text: str, figure: str, caption: str = "", *, wide: bool = False) -> str:
    """The first screen: the answer in a few sentences (``text``, HTML) beside one figure (an ``<img>``).

    ``wide`` puts the figure below the text, for a figure that needs the page's width.
    """
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    cls = "answer wide" if wide else "answer"
    return (
        f'<section class="{cls}" id="answer"><div class="answer-text">{text}</div>'
        f'<figure id="answer-figure">{figure}{cap}</figure></section>'
    )


def table(header: list[str], rows: list[list[str]], left: int = 1, row_class: list[str] | None = None) -> str:
    """An HTML table; cells are already-escaped HTML; the first ``left`` columns are left-aligned.

    A header of empty cells is left out.
    """
    th = "".join(f'<th class="l">{h}</th>' if i < left else f"<th>{h}</th>" for i, h in enumerate(header))
    head = f"<thead><tr>{th}</tr></thead>\n" if any(header) else ""
    body = []
    for k, r in enumerate(rows):
        cls = f' class="{row_class[k]}"' if row_class and row_class[k] else ""
        tds = "".join(f'<td class="l">{c}</td>' if i < left else f"<td>{c}</td>" for i, c in enumerate(r))
        body.append(f"<tr{cls}>{tds}</tr>")
    return f"<table>\n{head}<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"


def wrap(table_html: str) -> str:
    """A wide table in a box that scrolls sideways instead of widening the page."""
    return f'<div class="table-wrap">{table_html}</div>'


def bullets(items: list[str], empty: str = "<p>None.</p>") -> str:
    """A list of statements (already HTML), or ``empty``."""
    return '<ul class="statements">' + "".join(f"<li>{x}</li>" for x in items) + "</ul>" if items else empty


def runs_html(seeds: list[int], failures: dict[int, str], lang: str = "en") -> str:
    """The end of a report: the seeds (folded), the runs that failed, if any, and what made the report."""
    text = ", ".join(str(x) for x in seeds)
    html_ = (
        f"<details><summary>{esc(i18n.text('rep_seeds', lang, n=len(seeds)))}</summary>"
        f"<p><code>{esc(text)}</code></p></details>"
    )
    if failures:
        items = "".join(f"<li>run {k}: {esc(e)}</li>" for k, e in sorted(failures.items()))
        html_ += f"\n<h2>{esc(i18n.text('rep_failed_runs', lang))}</h2><ul>{items}</ul>"
    return html_ + f'\n<p class="meta">{generated(lang)}.</p>'


def generated(lang: str = "en") -> str:
    """``Generated <when> by clusterpolicy <version> (git <commit>)``, for a report's first lines."""
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    commit = git_commit() or "unknown"
    return esc(i18n.text("rep_generated", lang, when=when, version=package_version(), commit=commit[:12]))
