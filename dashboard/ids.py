"""Component ids, one place, so pages and tests agree."""

HOME_DC_MIX_GRAPH = "home-dc-mix-graph"
HOME_DC_MIX_CAPTION = "home-dc-mix-caption"
HOME_CAPEX_GRAPH = "home-capex-graph"
HOME_CAPEX_CAPTION = "home-capex-caption"
STALE_BANNER = "stale-banner"
