"""Monthly statements: draft, approval (the append-only ledger), payment, files for accountants."""
