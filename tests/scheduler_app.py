"""The portal with one extra, slow job, for the two-scheduler test."""

import os
import time

from portal import create_app


def probe(now):
    time.sleep(float(os.environ.get("PROBE_SECONDS", "1")))
    return "slept"


app = create_app()
app.extensions["portal.jobs"] = {"probe": probe}
