"""Server-rendered pages and plain HTTP endpoints: an adapter, like `api/`."""
