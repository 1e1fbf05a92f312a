"""Statistics: applications, approvals and money by measure, city, department, year and state."""
