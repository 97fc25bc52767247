"""The serving process: start-up checks and migrations, logging, waitress."""
