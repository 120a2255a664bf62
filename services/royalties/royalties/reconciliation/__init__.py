"""The reconciliation of a period: the trail from publication events to payments, and its discrepancies."""
