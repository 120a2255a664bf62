"""The content service: articles and their revisions, the editorial workflow of the two central desks, component sub-sites, the legal-document library, weekly quotas, Vietnamese full-text search."""
