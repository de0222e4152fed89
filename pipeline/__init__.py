"""The /ask data flow as ordered lists of small steps over one state (pipeline/flows.py)."""
