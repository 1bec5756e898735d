"""Third-party browser code the dashboard serves itself.

plotly-cartesian.min.js is plotly.js's own cartesian partial bundle (npm package
plotly.js-cartesian-dist-min, MIT licence in plotly.js-LICENSE): every chart here is a scatter or
bar trace, so the full 4.8 MB bundle is not needed. `scripts/plotly_bundle.sh` fetches the version
that matches the installed plotly package; tests/test_dashboard_light.py checks they agree.
"""

# the bundle's plotly.js version (Dash fingerprints the served file with it)
__version__ = "4.1.1"
