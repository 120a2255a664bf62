"""A relay that dies right after the broker confirmed its first event and before it
could mark it sent — the worst moment for a crash. Run as a subprocess by the tests."""

import os
import sys

from platform_shared.database import make_engine
from platform_shared.relay import Relay


class CrashAfterPublish(Relay):
    def _mark_sent(self, row_id, note=None):
        os._exit(3)


if __name__ == "__main__":
    relay = CrashAfterPublish(
        sys.argv[1], make_engine(os.environ["RELAY_DATABASE_URL"], pool_size=2), os.environ["AMQP_URI"]
    )
    relay.run()
