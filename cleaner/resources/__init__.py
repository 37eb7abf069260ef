"""Shared resources: word lists, language identification, the array cache, compact counts."""
