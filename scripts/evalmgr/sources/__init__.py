"""Score sources: each adapter turns one kind of input into :class:`evalmgr.scores.Score` objects."""
