"""The talk's frameworks and the project's vocabularies, as data: taxonomy,
codebook, references, the data dictionary, organisation vocabularies."""
