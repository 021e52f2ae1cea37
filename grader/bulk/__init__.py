"""Bulk grading for instructors: a whole class, in parallel, resumable, locally or on Dask."""
