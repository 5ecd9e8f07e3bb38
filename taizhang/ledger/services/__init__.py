"""Every write to the ledger goes through these functions: permission, rule, audit, atomic."""
