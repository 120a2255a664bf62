"""The results of polls: receipts, live counts, free-text answers and their moderation, exports."""
