"""The media service: photo, video and document assets in object storage (MinIO), renditions, metadata (caption, credit, rights), per-tenant isolation."""
