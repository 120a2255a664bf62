"""The June/December (semiannual) consultation reports of each tenant."""
