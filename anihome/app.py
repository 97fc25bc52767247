"""The Flask app factory: settings -> app, database bound, blueprints registered.

``anihome.create_app`` imports it on first use, so the processes that need no web app (the
sync and learning children, most commands) never load Flask.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask
from werkzeug.routing import IntegerConverter

from . import ROOT


MAX_ID = 2 ** 63 - 1


class Int64Converter(IntegerConverter):
    """``<int:...>`` matching any run of digits, so every method of a route matches alike
    (a converter that refused a huge id made the other methods answer 405). An id past what
    SQLite can store is refused by ``_refuse_oversized_ids`` after the access checks: 401
    without a token, 404 with one, never a 500."""


def _refuse_oversized_ids(app) -> None:
    from flask import request

    from .errors import NotFound

    @app.before_request  # registered last: runs after the access hook and the API guard
    def _ids_in_range():
        for name, value in (request.view_args or {}).items():
            if isinstance(value, int) and value > MAX_ID:
                raise NotFound("No such item.", name)


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app from settings. Does not migrate and never starts the scheduler."""
    from . import db
    from .security.access_hooks import install_access_control
    from .cache import Cache
    from .config import load_settings
    from .error_responses import register_error_handlers
    from .ops.health import init_app as init_health
    from .security.secret_key import load_or_create_secret_key
    from .security.file_modes import private_dir
    from .security.headers import install_security_headers
    from .security.hosts import install_host_check
    from .security.login import init_security
    from .web.templating import init_templating

    settings = load_settings(overrides)
    private_dir(settings["DATA_DIR"])  # mode 0700 when made here
    app = Flask("anihome", root_path=str(ROOT), template_folder="templates",
                static_folder="static")
    app.url_map.converters["int"] = Int64Converter
    app.config.update(settings)
    app.config["ANIHOME_SETTINGS"] = settings
    app.config["SECRET_KEY"] = settings["SECRET_KEY"] or load_or_create_secret_key(settings["DATA_DIR"])
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_UPLOAD_MB"] * 1024 * 1024
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600

    database = db.open_database(settings)
    db.bind(database)
    app.extensions["anihome.db"] = database
    db.init_app(app)

    cache = Cache(max(1, settings["CACHE_MB"]) * 1024 * 1024, settings["CACHE_TTL_SECONDS"],
                  max_entries=max(0, settings["CACHE_MAX_ENTRIES"]))
    cache.connect_signals()
    app.extensions["anihome.cache"] = cache

    install_host_check(app)
    install_security_headers(app)
    init_security(app)
    init_templating(app)
    register_error_handlers(app)
    init_health(app)
    install_access_control(app)

    from .api import register_api
    from .web import register_web

    register_web(app)
    register_api(app)
    _refuse_oversized_ids(app)
    from .serving.request_path import install as remember_request_path

    remember_request_path(app)
    return app
