"""Documents in, chunks with vectors out."""
