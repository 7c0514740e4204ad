"""Pure analyses: data frames in, results out."""
