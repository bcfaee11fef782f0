"""Lead yourself: the manager's own career plan (`/careerplan`)."""
