"""Quality: asset checks generated from expectations/*.json and the findings asset."""
