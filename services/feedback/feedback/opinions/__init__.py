"""Members' opinions (*Ý kiến đoàn viên*): topics opened by a tenant, opinions held for
moderation, published and answered by the topic tenant's staff."""
