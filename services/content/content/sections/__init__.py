"""Sections: the three central ones and each tenant's own sub-site sections."""
