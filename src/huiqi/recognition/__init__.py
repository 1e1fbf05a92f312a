"""Recognition lists (认定名单): lists an authority published, imported as facts of their applicants."""
