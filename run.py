"""Start AniHome: create the app, migrate, start the scheduler, serve with waitress."""
from anihome.serving.server import run_server

if __name__ == "__main__":
    run_server()
