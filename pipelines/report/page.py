"""HTML rendering: one self-contained page that opens with no network.

The Vega, Vega-Lite and Vega-Embed JavaScript is embedded once per page (from vl-convert's bundle), each
chart's specification once as JSON data. Every string that came from input files is HTML-escaped.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass

import altair as alt
import vl_convert


@dataclass(frozen=True)
class Figure:
    """One chart on the page, with the caption that names its sources."""

    anchor: str
    chart: alt.TopLevelMixin
    caption: str


@functools.cache
def vega_bundle() -> str:
    """The Vega-Embed bundle for the Vega-Lite version Altair writes, for inline use."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    version = major_minor if major_minor in vl_convert.get_vegalite_versions() else None
    bundle = vl_convert.javascript_bundle(vl_version=version)
    if "</script" in bundle.lower():
        raise RuntimeError("the Vega bundle cannot be inlined: it contains a closing script tag")
    return bundle


def _json_for_script(value: object) -> str:
    """JSON that is safe inside a <script> element: '<' is written as its JSON escape."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


_STYLE = """
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 980px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 26px; margin-bottom: 4px; }
p.lede { font-size: 16px; line-height: 1.5; }
figure { margin: 32px 0; padding: 0; }
figcaption { font-size: 12px; color: #555; line-height: 1.5; margin-top: 6px; }
nav ul { padding-left: 18px; }
footer { font-size: 12px; color: #555; border-top: 1px solid #ddd; margin-top: 40px; padding-top: 12px; }
.chart { min-height: 200px; }
"""


def _title(figure: Figure) -> str:
    title = figure.chart.to_dict().get("title", figure.anchor)
    return title.get("text", figure.anchor) if isinstance(title, dict) else str(title)


def render_page(*, title: str, lede: list[str], figures: list[Figure], footer: list[str]) -> str:
    """The page as one HTML string. `lede` and `footer` are plain-text paragraphs (escaped here)."""
    esc = html.escape
    toc = "\n".join(f'<li><a href="#{esc(f.anchor)}">{esc(_title(f))}</a></li>' for f in figures)
    blocks = []
    specs = {}
    for figure in figures:
        spec = figure.chart.to_dict()
        specs[figure.anchor] = spec
        blocks.append(
            f'<figure id="{esc(figure.anchor)}">\n'
            f'  <div class="chart" id="chart-{esc(figure.anchor)}" role="img" '
            f'aria-label="{esc(spec.get("description", ""))}"></div>\n'
            f"  <figcaption>{esc(figure.caption)}</figcaption>\n"
            f"</figure>"
        )
    paragraphs = "\n".join(f'<p class="lede">{esc(p)}</p>' for p in lede)
    footer_html = "\n".join(f"<p>{esc(p)}</p>" for p in footer)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{_STYLE}</style>
<script>{vega_bundle()}</script>
</head>
<body>
<main>
<h1>{esc(title)}</h1>
{paragraphs}
<nav><ul>
{toc}
</ul></nav>
<noscript><p>The charts need JavaScript; the data behind them is in the warehouse.</p></noscript>
{chr(10).join(blocks)}
<footer>
{footer_html}
</footer>
</main>
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
</script>
</body>
</html>
"""
