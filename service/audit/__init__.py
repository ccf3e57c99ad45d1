"""The audit trail's tamper evidence (SPEC §6): SHA-256 chains over the event log."""
