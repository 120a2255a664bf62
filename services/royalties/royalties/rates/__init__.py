"""The legal rate tables (Decree 18/2014/NĐ-CP): data with effective dates, the same for every tenant."""
