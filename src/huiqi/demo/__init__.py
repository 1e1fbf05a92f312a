"""Demo data: a fresh database filled with synthetic enterprises, users for every role, and
applications in every state. Every enterprise is marked ``demo`` and named （演示）: none is real."""
