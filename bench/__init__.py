"""peerdesk's performance benchmark (issue 7): ``python -m bench`` (``--quick`` for a toy size)."""
