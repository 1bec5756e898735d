"""Third-party browser code the dashboard serves itself.

plotly-basic.min.js is plotly.js's own basic partial bundle (npm package
plotly.js-basic-dist-min, MIT licence in plotly.js-LICENSE; scatter, bar and pie traces): every
chart here is a scatter or bar trace, so neither the full 4.8 MB bundle nor the 1.5 MB cartesian
one (box, heatmap, histogram, contour... besides) is needed: 1.2 MB, 0.36 MB compressed.
`scripts/plotly_bundle.sh` fetches the version that matches the installed plotly package;
tests/test_dashboard_light.py checks they agree.

The script puts one line before plotly's own: the magic comment `//# allFunctionsCalledOnLoad`
(V8's explicit compile hints, Chrome 136 and later; other engines read a comment). V8 then
compiles every function of the file as it streams in, off the main thread, and keeps them all
in its code cache, so a graph's first draw on a later visit runs compiled code instead of
compiling plotly's drawing functions one by one on the main thread. Measured on the thesis page
(docs/benchmarks.md): reloads ~40-50 ms sooner, at ~1 MB more JS heap.
"""

# the bundle's plotly.js version (Dash fingerprints the served file with it)
__version__ = "4.1.1"
