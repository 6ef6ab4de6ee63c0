"""Qt widgets: the lock screen, the main window and the shell that switches between them.

Only this package imports Qt. It calls the vault and services; it never runs SQL.
"""
