"""Public reading: the portal's published items, Vietnamese search and the tenants' sub-sites."""
