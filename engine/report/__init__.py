"""Reporters: each renders one Result; none computes anything."""
