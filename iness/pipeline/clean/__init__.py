"""Cleaning steps: small pure functions from raw strings to canonical values."""
