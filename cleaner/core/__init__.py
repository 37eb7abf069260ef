"""The core: a page and its edits, the text views, the pipeline that runs the stages."""
