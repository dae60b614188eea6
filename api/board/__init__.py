"""The case board: open cases by stage with their deadlines, for supervisors and units."""
