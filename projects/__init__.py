"""Teams, memberships and the permission rules; projects, their lifecycle, the ledger and decommissioning."""
