"""Qt widgets: the app window, lock screen, workspace, editors and dialogs.

Only this package imports Qt. It calls the vault and services; it never runs SQL.
"""
