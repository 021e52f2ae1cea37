"""TD images et réseaux convolutifs (convolutional-networks lab): student files."""
