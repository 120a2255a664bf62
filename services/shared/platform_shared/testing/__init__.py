"""Test support shared by every service's tests and the cross-service suite."""
