"""Q4 missing: the file has no build_wide_mlp at all — q4 is an 'error' that names the function."""
from td_keras_reference import *  # noqa: F403

del build_wide_mlp  # noqa: F821
