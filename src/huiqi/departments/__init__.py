"""Responsible units (责任单位): data from the policies' dated unit lists."""
