"""TD keras & perceptron multi-couches (keras & multi-layer perceptron lab): student files."""
