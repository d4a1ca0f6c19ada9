"""Serve admin_app with waitress, as config.toml (or the environment) says."""

from __future__ import annotations

import logging
import sys

from waitress import serve

from admin_app import create_app
from admin_app.config import ConfigError, settings_of
from admin_app.database import check_reachable, warn_if_pool_small
from admin_app.extensions import db


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        app = create_app()
        with app.app_context():
            check_reachable(db.engine)
    except ConfigError as exc:
        print(f"admin_app: {exc.message}", file=sys.stderr)
        return 2
    settings = settings_of(app)
    warn_if_pool_small(settings)
    server = settings["server"]
    print(f"admin_app serving at http://{server['host']}:{server['port']}/admin/", flush=True)
    serve(
        app,
        host=server["host"],
        port=server["port"],
        threads=server["threads"],
        connection_limit=server["connection_limit"],
        max_request_body_size=server["max_body_bytes"],
        channel_timeout=server["channel_timeout"],
        ident="admin_app",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
