"""The legal-document library: documents issued by the VGCL's bodies and their read receipts."""
