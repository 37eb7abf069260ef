"""Reading and writing: pages, record shards, change logs, sites."""
