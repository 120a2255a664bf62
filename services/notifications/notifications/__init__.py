"""The notifications service: the workspace's in-app notifications, made from the other services' events."""
