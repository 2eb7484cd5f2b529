"""HTML rendering: pages of the report site, from blocks, with the Vega JavaScript shipped once as a local file.

Every string from the data or from input files is HTML-escaped (a title written as `<script>...</script>` shows as
text), and chart specifications are embedded as JSON with '<' escaped, so nothing from the data can become markup.
Pages make no network request: scripts, styles and data are in the page or beside it.
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


@dataclass(frozen=True)
class Figure:
    """One chart (its Vega-Lite specification), with the caption that names its sources and vintage, and the
    files of its data."""

    anchor: str
    spec: dict
    caption: str
    data_files: tuple[str, ...] = ()  # site-relative paths of the chart's CSV, SVG and PNG

    @classmethod
    def of(cls, anchor: str, chart: alt.TopLevelMixin, caption: str, data_files: tuple[str, ...] = ()) -> Figure:
        # Altair's schema validation of every chart costs more than drawing it; the tests validate the specs.
        return cls(anchor, chart.to_dict(validate=False), caption, data_files)


@dataclass(frozen=True)
class Paragraph:
    text: str


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


@dataclass(frozen=True)
class Details:
    """A collapsible list: a summary line and items (evidence sentences)."""

    summary: str
    items: tuple[str, ...]


Block = Figure | Paragraph | Heading | Links | Table | Details


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
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #f4f4f2; }
header.site { background: #1f2d3d; color: #fff; padding: 10px 32px; }
header.site a { color: #fff; margin-right: 18px; text-decoration: none; font-size: 14px; }
header.site a.here { border-bottom: 2px solid #f5a623; }
header.site strong { margin-right: 28px; }
main { max-width: 1000px; margin: 0 auto; padding: 20px 32px 48px; background: #fff; }
h1 { font-size: 26px; margin-bottom: 6px; }
h2 { font-size: 19px; margin-top: 34px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p { font-size: 15px; line-height: 1.55; }
figure { margin: 28px 0; padding: 0; }
figcaption { font-size: 12px; color: #555; line-height: 1.5; margin-top: 6px; }
figcaption a { color: #555; }
table { border-collapse: collapse; font-size: 13px; margin: 12px 0; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0ee; }
caption { caption-side: bottom; font-size: 12px; color: #555; text-align: left; padding-top: 4px; }
details { margin: 6px 0; font-size: 13px; } details li { margin: 4px 0; color: #333; }
footer { font-size: 12px; color: #555; border-top: 1px solid #ddd; margin-top: 40px; padding-top: 12px; }
.chart { min-height: 120px; }
"""


def _block(block: Block, prefix: str) -> str:
    esc = html.escape
    if isinstance(block, Paragraph):
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
        head = "".join(f"<th>{esc(c)}</th>" for c in block.columns)
        body = []
        for row in block.rows:
            cells = []
            for i, value in enumerate(row[: len(block.columns)]):
                text = "" if value is None else esc(str(value))
                if i in block.links and row[block.links[i]]:
                    text = f'<a href="{esc(prefix + str(row[block.links[i]]))}">{text}</a>'
                cells.append(f"<td>{text}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        caption = f"<caption>{esc(block.caption)}</caption>" if block.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    spec = block.spec
    files = " · ".join(
        f'<a href="{esc(prefix + path)}">{esc(path.rsplit(".", 1)[-1].upper())}</a>' for path in block.data_files
    )
    data = f" Data and image: {files}." if files else ""
    return (
        f'<figure id="{esc(block.anchor)}">'
        f'<div class="chart" id="chart-{esc(block.anchor)}" role="img" aria-label="{esc(spec.get("description", ""))}">'
        f"</div><figcaption>{esc(block.caption)}{data}</figcaption></figure>"
    )


def render_page(
    *,
    title: str,
    blocks: Sequence[Block],
    nav: Sequence[tuple[str, str]],
    here: str,
    footer: Sequence[str],
    depth: int = 0,
) -> str:
    """One page as an HTML string. `nav` is (site-relative path, label); `depth` is how deep the page sits."""
    esc = html.escape
    prefix = "../" * depth
    current = ' class="here"'
    menu = "".join(
        f'<a href="{esc(prefix + target)}"{current if target == here else ""}>{esc(label)}</a>' for target, label in nav
    )
    specs = {b.anchor: b.spec for b in blocks if isinstance(b, Figure)}
    body = "\n".join(_block(b, prefix) for b in blocks)
    footer_html = "\n".join(f"<p>{esc(p)}</p>" for p in footer)
    scripts = ""
    if specs:
        scripts = f"""<script src="{esc(prefix + VEGA_SCRIPT)}"></script>
<script id="milspace-specs" type="application/json">{_json_for_script(specs)}</script>
<script>
(function () {{
  var specs = JSON.parse(document.getElementById("milspace-specs").textContent);
  Object.keys(specs).forEach(function (anchor) {{
    vegaEmbed("#chart-" + anchor, specs[anchor], {{actions: false, renderer: "svg"}}).catch(function (error) {{
      document.getElementById("chart-" + anchor).textContent = "This chart could not be drawn: " + error;
    }});
  }});
}})();
</script>"""
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
