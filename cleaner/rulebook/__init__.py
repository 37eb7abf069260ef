"""The rule machinery (the data lives in the top-level rules/): loading and checking, the pattern types, the literal prefilter, examples, suggestions."""
