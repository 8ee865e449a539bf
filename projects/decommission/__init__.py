"""Decommissioning: the request with its frozen evidence, the manager's approval, the checklist, and
the watch on costs after retirement."""
