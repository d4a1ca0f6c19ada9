"""The console's views, one module per page family; the shared behaviour lives one level up."""
