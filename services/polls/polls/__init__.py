"""The polls service: opinion polls, eligibility, one-member-one-response ingestion, results, the June/December consultation reports."""
