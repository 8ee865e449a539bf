"""Architecture decision records, their revisions, import and export, and the conscious/reckless matrix."""
