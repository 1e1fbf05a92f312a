"""Applications (申报): one matter under one measure, with materials, a declaration, and the rules' answer."""
