"""``python -m anihome.learn --run-id N``: the nightly learning child process (see child.py)."""
from .child import main

if __name__ == "__main__":
    raise SystemExit(main())
