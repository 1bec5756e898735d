"""WSGI entry for production servers: `gunicorn dashboard.wsgi:server` (settings from the env).

Each gunicorn worker imports this module and builds its own app; every request opens its own
short-lived read-only connection, so any number of workers read while a refresh swaps in a
new warehouse file.
"""

from dashboard.app import create_app
from warehouse.settings import Settings

app = create_app(Settings.from_env())
server = app.server
