"""WSGI entry for production servers: `gunicorn dashboard.wsgi:server` (settings from the env).

Each gunicorn worker imports this module and builds its own app; every request opens its own
short-lived read-only connection, so any number of workers read while a refresh swaps in a
new warehouse file. Each worker also keeps its pages' data ready (dashboard/warm.py), from its
first request on.
"""

from dashboard.app import create_app
from dashboard.warm import Watcher
from warehouse.settings import Settings

settings = Settings.from_env()
app = create_app(settings)
server = app.server
server.before_request(Watcher(app, settings).ensure_running)
