"""The answer deadline: working days in Viet Nam (weekends, public holidays, swapped days),
the holiday table platform admins keep, and each tenant's number of working days to answer."""
