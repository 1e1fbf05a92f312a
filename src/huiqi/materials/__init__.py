"""Application materials: PDF, OFD, JPG, PNG, told apart by content, stored by content hash."""
