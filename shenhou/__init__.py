"""The `shenhou` command and its settings: the one place that knows every part of the system."""
