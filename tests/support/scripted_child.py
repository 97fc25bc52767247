"""``python -m tests.support.scripted_child``: a job child that does what its request says
(tests of ``anihome.jobs.child_process``). Steps: ["log", level, name, text], ["print", text],
["signal", name, kwargs], ["message", fields], ["sleep", seconds], ["error", type, text],
["crash", text]; a run that gets through its steps sends ``{"steps": n}`` as its result."""
import logging
import sys
import time

from anihome import events
from anihome.jobs.child_channel import Channel


def main() -> int:
    channel = Channel.open()
    steps = channel.request.get("steps", [])
    channel.forward(events.catalog_changed, events.user_changed)
    for step in steps:
        what = step[0]
        if what == "log":
            logging.getLogger(step[2]).log(step[1], step[3])
        elif what == "print":
            print(step[1])
        elif what == "signal":
            events.signals.signal(step[1]).send(None, **step[2])
        elif what == "message":
            channel.send(**step[1])
        elif what == "sleep":
            time.sleep(step[1])
        elif what == "error":
            channel.send("error", type=step[1], message=step[2])
            return 1
        elif what == "crash":
            print(step[1], file=sys.stderr)
            return 3
    channel.result({"steps": len(steps)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
