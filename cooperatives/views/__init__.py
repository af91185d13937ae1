"""Staff pages of the tenancy app, one module per page area: `programmes` (programmes and their
lots), `buyers` (a buyer and the dates of their journey), `imports` (buyer files: the format, the
template, the import), `cooperative` (the cooperative's settings)."""
