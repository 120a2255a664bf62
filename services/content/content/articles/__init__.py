"""Articles: writing, the editorial workflow, revisions, corrections and scheduled publication."""
