"""HTML rendering: pages of the report site, from blocks, with the Vega JavaScript shipped once as a local file.

Every string from the data or from input files is HTML-escaped (a title written as `<script>...</script>` shows as
text), and chart specifications are embedded as JSON with '<' escaped, so nothing from the data can become markup.
Pages make no network request: scripts, styles, map geometry and data are in the page or beside it.

A figure may carry a picker (a searchable list of the nations it can draw; the chart draws the chosen ones through
its `picked` parameter) and other views of the same numbers: a world map with a year slider, and a table. The
page's script draws every chart with Vega-Embed and keeps each Vega view in `window.milspaceViews` by chart id.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import altair as alt
import vl_convert

#: The shared script every page loads, relative to the site root.
VEGA_SCRIPT = "assets/vega-embed.js"
#: The Vega-Lite parameter a picker sets: the list of values of its field that the chart draws.
PICKED = "picked"


@dataclass(frozen=True)
class Picker:
    """A searchable list beside a chart: `options` are every value of `field` the chart can draw, `chosen` those
    drawn at first (and in the chart's images), at most `limit` at once."""

    field: str
    options: tuple[str, ...]
    chosen: tuple[str, ...]
    limit: int = 10
    label: str = "nations"


@dataclass(frozen=True)
class Paragraph:
    text: str
    link: tuple[str, str] | None = None  # (site-relative target, label): the chart or page that shows it


@dataclass(frozen=True)
class Heading:
    text: str
    anchor: str | None = None


@dataclass(frozen=True)
class Links:
    """A list of links: (site-relative target, label)."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    caption: str | None = None
    links: dict[int, int] = field(default_factory=dict)  # column index -> index of the link target in the row
    summary: str | None = None  # when set, the table is folded under this line (long tables)
    numeric: tuple[int, ...] = ()  # columns aligned right (numbers)


@dataclass(frozen=True)
class Figure:
    """One chart (its Vega-Lite specification), with the caption that names its sources and vintage, and the
    files of its data; optionally a picker, a map view and a table view of the same numbers."""

    anchor: str
    spec: dict
    caption: str
    data_files: tuple[str, ...] = ()  # site-relative paths of the chart's CSV, SVG and PNG
    picker: Picker | None = None
    map_spec: dict | None = None
    table: Table | None = None

    @classmethod
    def of(cls, anchor: str, chart: alt.TopLevelMixin, caption: str, data_files: tuple[str, ...] = ()) -> Figure:
        # Altair's schema validation of every chart costs more than drawing it; the tests validate the specs.
        return cls(anchor, chart.to_dict(validate=False), caption, data_files)


@dataclass(frozen=True)
class Details:
    """A collapsible list: a summary line and items (evidence sentences)."""

    summary: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class NationIndex:
    """Every nation's page, grouped by region, with a search box: (region, ((code, name), ...))."""

    groups: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


Block = Figure | Paragraph | Heading | Links | Table | Details | NationIndex


@functools.cache
def vega_bundle() -> str:
    """The Vega-Embed bundle for the Vega-Lite version Altair writes, for a local script file."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    version = major_minor if major_minor in vl_convert.get_vegalite_versions() else None
    # vl-convert's stub marks `snippet` required; at run time it defaults to None (the whole bundle)
    return vl_convert.javascript_bundle(vl_version=version)  # type: ignore[call-arg]


def _json_for_script(value: object) -> str:
    """JSON that is safe inside a <script> element: '<' is written as its JSON escape."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


_STYLE = """
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #f4f4f2; }
header.site { background: #1f2d3d; color: #fff; padding: 8px 32px; display: flex; flex-wrap: wrap; align-items: center;
  gap: 4px 18px; }
header.site a { color: #fff; text-decoration: none; font-size: 14px; padding: 4px 0; }
header.site a.here { border-bottom: 2px solid #f5a623; }
header.site strong { margin-right: 10px; }
main { max-width: 1000px; margin: 0 auto; padding: 20px 32px 48px; background: #fff; }
h1 { font-size: 26px; margin-bottom: 6px; }
h2 { font-size: 19px; margin-top: 34px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p { font-size: 15px; line-height: 1.55; }
p.finding a { font-size: 13px; white-space: nowrap; }
figure { margin: 28px 0; padding: 0; }
figcaption { font-size: 12px; color: #555; line-height: 1.5; margin-top: 6px; }
figcaption a { color: #555; }
.chart { min-height: 120px; max-width: 100%; overflow: hidden; }
.chart .vega-embed { max-width: 100%; display: block; }
.chart svg { max-width: 100%; height: auto; }
.vega-bindings { font-size: 13px; margin: 4px 0; }
.table-wrap { max-width: 100%; overflow-x: auto; }
.table-wrap.tall { max-height: 420px; overflow-y: auto; }
table { border-collapse: collapse; font-size: 13px; margin: 12px 0; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 8px; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
a.url { overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
th { background: #f0f0ee; position: sticky; top: 0; }
p.caption { font-size: 12px; color: #555; line-height: 1.5; margin: 4px 0 12px; }
details { margin: 6px 0; font-size: 13px; } details li { margin: 4px 0; color: #333; }
footer { font-size: 12px; color: #555; border-top: 1px solid #ddd; margin-top: 40px; padding-top: 12px; }
footer p { font-size: 12px; }
.tabs { display: flex; gap: 4px; margin: 4px 0; flex-wrap: wrap; }
.tabs button, .picker button { font: inherit; font-size: 13px; border: 1px solid #bbb; background: #f6f6f4;
  border-radius: 3px; padding: 2px 10px; cursor: pointer; }
.tabs button[aria-selected="true"] { background: #1f2d3d; color: #fff; border-color: #1f2d3d; }
.picker { font-size: 13px; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.picker input { font: inherit; padding: 2px 6px; min-width: 12em; max-width: 100%; }
.picker .note { color: #a33; }
.nation-index input { font: inherit; font-size: 14px; padding: 4px 8px; width: 20em; max-width: 100%; }
.nation-index h3 { font-size: 15px; margin: 14px 0 4px; }
.nation-index ul { columns: 14em; margin: 0; padding-left: 18px; font-size: 14px; }
@media (max-width: 640px) {
  main { padding: 12px 12px 32px; }
  header.site { padding: 8px 12px; }
  h1 { font-size: 22px; }
  table { font-size: 12px; }
}
@media print {
  body { background: #fff; }
  header.site, .tabs, .picker, .vega-bindings, noscript, .nation-index input { display: none; }
  main { max-width: none; padding: 0; }
  figure { break-inside: avoid; page-break-inside: avoid; break-after: page; page-break-after: always; }
  figcaption { break-before: avoid; }
  .view[hidden] { display: none; }
  .table-wrap, .table-wrap.tall { max-height: none; overflow: visible; }
  a { color: #222; }
}
"""

#: Draws every chart of the page, wires the pickers and view tabs, and keeps the Vega views for scripts and tests.
_SCRIPT = """
(function () {
  var specs = JSON.parse(document.getElementById("milspace-specs").textContent);
  var views = window.milspaceViews = {};
  var drawn = Object.keys(specs).map(function (id) {
    return vegaEmbed("#chart-" + id, specs[id], {actions: false, renderer: "svg"}).then(function (result) {
      views[id] = result.view;
    }).catch(function (error) {
      document.getElementById("chart-" + id).textContent = "This chart could not be drawn: " + error;
    });
  });
  window.milspaceReady = Promise.all(drawn);
  document.querySelectorAll(".tabs").forEach(function (tabs) {
    tabs.querySelectorAll("button").forEach(function (button) {
      button.addEventListener("click", function () {
        tabs.querySelectorAll("button").forEach(function (other) {
          var on = other === button;
          other.setAttribute("aria-selected", on ? "true" : "false");
          document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
        });
      });
    });
  });
  document.querySelectorAll(".picker").forEach(function (box) {
    var id = box.getAttribute("data-chart"), limit = +box.getAttribute("data-limit");
    var chosen = JSON.parse(box.getAttribute("data-chosen"));
    var options = JSON.parse(document.getElementById("options-" + id).textContent);
    var input = box.querySelector("input"), chips = box.querySelector(".chips"), note = box.querySelector(".note");
    function show(redraw) {
      chips.textContent = "";
      chosen.forEach(function (name) {
        var chip = document.createElement("button");
        chip.type = "button";
        chip.textContent = name + " \\u00d7";
        chip.setAttribute("aria-label", "Remove " + name);
        chip.addEventListener("click", function () {
          chosen = chosen.filter(function (other) { return other !== name; });
          note.textContent = "";
          show(true);
        });
        chips.appendChild(chip);
      });
      if (redraw && views[id]) { views[id].signal("picked", chosen.slice()).runAsync(); }
    }
    input.addEventListener("change", function () {
      var value = input.value.trim();
      var match = options.filter(function (o) { return o.toLowerCase() === value.toLowerCase(); })[0];
      input.value = "";
      if (!match) { note.textContent = value ? "Not in this chart: " + value : ""; return; }
      if (chosen.indexOf(match) >= 0) { return; }
      if (chosen.length >= limit) { note.textContent = "At most " + limit + " at once: remove one first."; return; }
      note.textContent = "";
      chosen.push(match);
      show(true);
    });
    show(false);
  });
})();
"""

_INDEX_SCRIPT = """
(function () {
  var box = document.getElementById("nation-search");
  if (!box) { return; }
  box.addEventListener("input", function () {
    var text = box.value.trim().toLowerCase();
    document.querySelectorAll(".nation-index section").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("li").forEach(function (item) {
        var hit = !text || item.textContent.toLowerCase().indexOf(text) >= 0;
        item.hidden = !hit;
        shown += hit ? 1 : 0;
      });
      group.hidden = shown === 0;
    });
  });
})();
"""


def _cell(value: object, prefix: str) -> str:
    """A table cell's text, escaped; an address is a link (wrapped where it is long)."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(("https://", "http://")) and " " not in text:
        return f'<a class="url" href="{html.escape(text)}">{html.escape(text)}</a>'
    return html.escape(text)


def _table(block: Table, prefix: str) -> str:
    esc = html.escape
    numeric = set(block.numeric)
    head = "".join(f"<th{' class=num' if i in numeric else ''}>{esc(c)}</th>" for i, c in enumerate(block.columns))
    body = []
    for row in block.rows:
        cells = []
        for i, value in enumerate(row[: len(block.columns)]):
            text = _cell(value, prefix)
            if i in block.links and row[block.links[i]]:
                text = f'<a href="{esc(prefix + str(row[block.links[i]]))}">{text}</a>'
            cells.append(f"<td{' class=num' if i in numeric else ''}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    # the caption under the table's box, not in it: a wide table scrolls in its box, its caption wraps on the page
    caption = f'<p class="caption">{esc(block.caption)}</p>' if block.caption else ""
    tall = " tall" if len(block.rows) > 15 else ""
    table = (
        f'<div class="table-wrap{tall}"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>{caption}"
    )
    if block.summary:
        return f"<details><summary>{esc(block.summary)}</summary>{table}</details>"
    return table


def _figure(block: Figure, prefix: str) -> str:
    esc = html.escape
    anchor = esc(block.anchor)
    files = " · ".join(
        f'<a href="{esc(prefix + path)}">{esc(path.rsplit(".", 1)[-1].upper())}</a>' for path in block.data_files
    )
    data = f" Data and image: {files}." if files else ""
    chart = (
        f'<div class="chart" id="chart-{anchor}" role="img" aria-label="{esc(block.spec.get("description", ""))}">'
        "</div>"
    )
    picker = ""
    if block.picker:
        pick = block.picker
        picker = (
            f'<div class="picker" data-chart="{anchor}" data-limit="{pick.limit}" '
            f'data-chosen="{esc(json.dumps(list(pick.chosen)))}">'
            f'<label>Add {esc(pick.label)} <input type="search" list="list-{anchor}" '
            f'placeholder="type a name" aria-label="Add {esc(pick.label)} to the chart"></label>'
            f'<datalist id="list-{anchor}">{"".join(f"<option value={esc(o)!r}>" for o in pick.options)}</datalist>'
            f'<span class="chips"></span><span class="note" role="status"></span>'
            f'<script type="application/json" id="options-{anchor}">{_json_for_script(list(pick.options))}</script>'
            "</div>"
        )
    views = [("Chart", picker + chart)]
    if block.map_spec is not None:
        views.append(
            (
                "Map",
                f'<div class="chart" id="chart-{anchor}--map" role="img" '
                f'aria-label="{esc(block.map_spec.get("description", ""))}"></div>',
            )
        )
    if block.table is not None:
        views.append(("Table", _table(block.table, prefix)))
    if len(views) == 1:
        body = views[0][1]
    else:
        tabs = "".join(
            f'<button type="button" role="tab" aria-controls="view-{anchor}-{n}" '
            f'aria-selected="{"true" if n == 0 else "false"}">{esc(name)}</button>'
            for n, (name, _) in enumerate(views)
        )
        panes = "".join(
            f'<div class="view" role="tabpanel" id="view-{anchor}-{n}"{"" if n == 0 else " hidden"}>{content}</div>'
            for n, (_, content) in enumerate(views)
        )
        body = f'<div class="tabs" role="tablist">{tabs}</div>{panes}'
    return f'<figure id="{anchor}">{body}<figcaption>{esc(block.caption)}{data}</figcaption></figure>'


def _block(block: Block, prefix: str) -> str:
    esc = html.escape
    if isinstance(block, Paragraph):
        if block.link:
            target, label = block.link
            return f'<p class="finding">{esc(block.text)} <a href="{esc(prefix + target)}">{esc(label)}</a></p>'
        return f"<p>{esc(block.text)}</p>"
    if isinstance(block, Heading):
        anchor = f' id="{esc(block.anchor)}"' if block.anchor else ""
        return f"<h2{anchor}>{esc(block.text)}</h2>"
    if isinstance(block, Links):
        items = "".join(f'<li><a href="{esc(prefix + target)}">{esc(label)}</a></li>' for target, label in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Details):
        items = "".join(f"<li>{esc(item)}</li>" for item in block.items)
        return f"<details><summary>{esc(block.summary)}</summary><ul>{items}</ul></details>"
    if isinstance(block, Table):
        return _table(block, prefix)
    if isinstance(block, NationIndex):
        groups = "".join(
            f"<section><h3>{esc(region)}</h3><ul>"
            + "".join(
                f'<li><a href="{esc(prefix)}nations/{esc(code)}.html">{esc(name)}</a></li>' for code, name in items
            )
            + "</ul></section>"
            for region, items in block.groups
        )
        return (
            '<div class="nation-index"><label>Find a nation <input type="search" id="nation-search" '
            f'placeholder="type a name" aria-label="Find a nation"></label>{groups}</div>'
        )
    return _figure(block, prefix)


def specs_of(blocks: Sequence[Block]) -> dict[str, dict]:
    """Every chart the page draws, by its container's id (a figure's map view is '<anchor>--map')."""
    specs: dict[str, dict] = {}
    for block in blocks:
        if isinstance(block, Figure):
            specs[block.anchor] = block.spec
            if block.map_spec is not None:
                specs[f"{block.anchor}--map"] = block.map_spec
    return specs


def render_page(
    *,
    title: str,
    blocks: Sequence[Block],
    nav: Sequence[tuple[str, str]],
    here: str,
    footer: Sequence[str | tuple[str, Sequence[str]]],
    depth: int = 0,
) -> str:
    """One page as an HTML string. `nav` is (site-relative path, label); `depth` is how deep the page sits; a
    footer item is a paragraph, or (summary, paragraphs) folded under its summary."""
    esc = html.escape
    prefix = "../" * depth
    current = ' class="here"'
    menu = "".join(
        f'<a href="{esc(prefix + target)}"{current if target == here else ""}>{esc(label)}</a>' for target, label in nav
    )
    specs = specs_of(blocks)
    body = "\n".join(_block(b, prefix) for b in blocks)
    footer_html = "\n".join(
        f"<p>{esc(item)}</p>"
        if isinstance(item, str)
        else f"<details><summary>{esc(item[0])}</summary>{''.join(f'<p>{esc(p)}</p>' for p in item[1])}</details>"
        for item in footer
    )
    scripts = ""
    if specs:
        scripts = f"""<script src="{esc(prefix + VEGA_SCRIPT)}"></script>
<script id="milspace-specs" type="application/json">{_json_for_script(specs)}</script>
<script>{_SCRIPT}</script>"""
    if any(isinstance(b, NationIndex) for b in blocks):
        scripts += f"\n<script>{_INDEX_SCRIPT}</script>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · milspace</title>
<style>{_STYLE}</style>
</head>
<body>
<header class="site"><strong>milspace</strong>{menu}</header>
<main>
<h1>{esc(title)}</h1>
<noscript><p>The charts need JavaScript; the data behind each is linked under it.</p></noscript>
{body}
<footer>
{footer_html}
</footer>
</main>
{scripts}
</body>
</html>
"""
