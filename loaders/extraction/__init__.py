"""Extraction from reports nobody has curated yet: gazetteer and name patterns for bodies, patterns for
collaborations, members, units and funding, sentence classifiers for causal claims trained on our own
curation; the candidate graph, draft case files, and a leave-one-report-out evaluation."""
