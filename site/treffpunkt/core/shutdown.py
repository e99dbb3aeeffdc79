"""Set when this process is asked to stop (SIGTERM to the worker, or its parent died).

Long tasks look at it between steps and end early, releasing what they hold (the
newsletter's sender gives its claimed rows back), so a deploy's restart does not wait for
them and a stopped worker leaves nothing sending."""

import threading

stop_requested = threading.Event()
