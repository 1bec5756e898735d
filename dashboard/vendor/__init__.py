"""Third-party browser code the dashboard serves itself.

plotly-basic.min.js is plotly.js's own basic partial bundle (npm package
plotly.js-basic-dist-min, MIT licence in plotly.js-LICENSE; scatter, bar and pie traces): every
chart here is a scatter or bar trace, so neither the full 4.8 MB bundle nor the 1.5 MB cartesian
one (box, heatmap, histogram, contour... besides) is needed: 1.2 MB, 0.36 MB compressed.
`scripts/plotly_bundle.sh` fetches the version that matches the installed plotly package;
tests/test_dashboard_light.py checks they agree.
"""

# the bundle's plotly.js version (Dash fingerprints the served file with it)
__version__ = "4.1.1"
