"""peerdesk: an offline, encrypted notebook for workplace peer supporters."""

__version__ = "0.1.0"
