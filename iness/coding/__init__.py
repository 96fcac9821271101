"""Measuring the talk's frameworks: codes from the crosswalk and the classifier
beside the coding by reading, and the coders' agreement."""
