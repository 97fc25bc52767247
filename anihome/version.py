"""AniHome version, read by setup.cfg and the health endpoint."""

__version__ = "0.1.0"
