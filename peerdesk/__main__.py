"""``python -m peerdesk``: the same as the ``peerdesk`` command."""

import sys

from peerdesk.app import main

if __name__ == "__main__":
    sys.exit(main())
