"""IAM: the emulated account, its projects and its tokens."""
