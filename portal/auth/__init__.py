"""Who is calling: accounts, sign-in, API tokens and the role policy."""
