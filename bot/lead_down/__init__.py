"""Lead down: development plans and the Monday question (`/devplan`)."""
