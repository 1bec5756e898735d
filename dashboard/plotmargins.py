"""A chart drawn again with the same figure at the same size is laid out once, not twice.

Every figure here asks for small margins (figures.LAYOUT) and lets plotly.js grow them to fit
what sits outside the plot: the legend under it, tick labels, axis titles. plotly.js learns
how much room those need only by drawing them, so a chart whose margins grow is drawn twice:
once with the margins asked for, then again with the grown ones (plotly.js's
`Plots.doAutoMargin`). On the thesis page that second pass is about half of each chart's
draw (a bar chart drawn alone: ~29 ms, ~13 ms with its final margins given).

MARGINS_JS keeps, in the browser's localStorage, the margins plotly.js arrived at for the last
KEEP draws, each under a hash of everything the layout depends on: plotly.js's version, the
graph's size in CSS pixels, the device pixel ratio and the figure's data and layout as
dcc.Graph hands them over. When `Plotly.react` is called again with an identical key (a
reload, a page visited again, until the data or the window changes) the figure is handed over
with those margins, so plotly.js finds nothing to grow and draws once. The figure's own
margins are put back on the graph right after, so a later resize or update starts from them,
as without this.

The key is exact, so a hit lays the chart out as the first draw did, to within plotly.js's
own tolerance of a pixel (the room a legend at the figure's edge takes is fractional); a
margin that would have to grow further (a font that came late, say) still grows, as plotly.js
always does. Where localStorage is not available, nothing is kept and every chart draws as
before. Graphs on the pages that load plotly.js through dcc.Graph (the grid pages) are not
wrapped.
"""

from __future__ import annotations

STORAGE_KEY = "bubblemeter:plot-margins"
KEEP = 64  # draws remembered: every chart of every page, at a couple of window sizes

# window.__bubblemeterMargins(Plotly) wraps Plotly.react in place (dashboard/app.py calls it as
# plotly.js has loaded); cyrb53 is a 53-bit string hash, ~0.1 ms per 10 KB of figure
MARGINS_JS = (
    """<script>window.__bubblemeterMargins = (function (storageKey, keep) {
  function hash(s) {
    var h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    for (var i = 0; i < s.length; i++) {
      var ch = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(36) + '.' + (h1 >>> 0).toString(36);
  }
  function read() {
    try {
      var kept = JSON.parse(window.localStorage.getItem(storageKey));
      return Array.isArray(kept) ? kept : [];
    } catch (e) { return []; }
  }
  function remember(key, size) {
    var kept = read().filter(function (e) { return e[0] !== key; });
    kept.push([key, size.l, size.r, size.t, size.b]);
    try { window.localStorage.setItem(storageKey, JSON.stringify(kept.slice(-keep))); }
    catch (e) {}
  }
  return function (Plotly) {
    var react = Plotly.react;
    if (!react || react.__bubblemeterMargins) { return Plotly; }
    Plotly.react = function (gd, figure) {
      if (arguments.length !== 2 || !gd || !gd.nodeType || !figure || !figure.layout) {
        return react.apply(this, arguments);
      }
      var key;
      try {
        key = hash([Plotly.version, gd.clientWidth, gd.clientHeight, window.devicePixelRatio,
                    JSON.stringify(figure.data), JSON.stringify(figure.layout)].join('|'));
      } catch (e) { return react.apply(this, arguments); }
      var kept = read().filter(function (e) { return e[0] === key; })[0];
      var own = figure.layout.margin;
      var given = figure;
      if (kept) {
        var margin = Object.assign({}, own, {l: kept[1], r: kept[2], t: kept[3], b: kept[4]});
        given = Object.assign({}, figure, {layout: Object.assign({}, figure.layout,
                                                                 {margin: margin})});
      }
      return react.call(this, gd, given).then(function (out) {
        if (kept && gd.layout) {
          if (own === undefined) { delete gd.layout.margin; } else { gd.layout.margin = own; }
        }
        var size = gd._fullLayout && gd._fullLayout._size;
        if (size) { remember(key, size); }
        return out;
      });
    };
    Plotly.react.__bubblemeterMargins = true;
    return Plotly;
  };
})("""
    + f'"{STORAGE_KEY}", {KEEP}'
    + """);</script>"""
)
