"""The administrator's door: policy files and their dated parameters."""
