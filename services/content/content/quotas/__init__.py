"""Weekly quotas: rules, compliance, closing weeks, and the figures of the semiannual reports."""
