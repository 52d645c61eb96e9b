"""Sources: each turns one kind of input into a :class:`evalmgr.observation.SourceReport` of observations."""
