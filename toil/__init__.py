"""The toil backlog: toil items, time logs, toil share and automation payback."""
